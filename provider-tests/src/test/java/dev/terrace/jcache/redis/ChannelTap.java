package dev.terrace.jcache.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A plain subscriber on a real {@code redis-server}: it receives, byte for byte, every message published on the
 * channels that match a pattern, as any other process would receive it. For tests that prove what an
 * announcement carries.
 */
public final class ChannelTap implements AutoCloseable {

    private final Socket socket;
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final Thread reader;

    private ChannelTap(Socket socket) {
        this.socket = socket;
        this.reader = new Thread(this::read, "channel-tap");
        reader.setDaemon(true);
    }

    /** Subscribes to the channels matching {@code pattern} (PSUBSCRIBE), and returns once Redis confirmed it. */
    public static ChannelTap open(RedisServer server, String pattern) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 1_000);
        ChannelTap tap = new ChannelTap(socket);
        tap.reader.start();
        OutputStream out = socket.getOutputStream();
        out.write(("PSUBSCRIBE " + pattern + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            if (!tap.subscribed.await(10, TimeUnit.SECONDS)) {
                tap.close();
                throw new IOException("redis-server on port " + server.port() + " did not confirm PSUBSCRIBE");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return tap;
    }

    /** Every message received so far, in order. */
    public List<byte[]> messages() {
        return new ArrayList<>(messages);
    }

    /** Forgets the messages received so far. */
    public void clear() {
        messages.clear();
    }

    private void read() {
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            while (true) {
                List<byte[]> reply = array(in);
                String kind = new String(reply.get(0), StandardCharsets.UTF_8);
                if (kind.equals("psubscribe")) {
                    subscribed.countDown();
                } else if (kind.equals("pmessage")) {
                    messages.add(reply.get(3));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Closed, or the server went away: no more messages.
        }
    }

    /** One RESP array of bulk strings and integers (integers as their decimal text). */
    private static List<byte[]> array(InputStream in) throws IOException {
        String header = line(in);
        if (!header.startsWith("*")) {
            throw new IOException("Expected an array, got " + header);
        }
        int count = Integer.parseInt(header.substring(1));
        List<byte[]> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String item = line(in);
            if (item.startsWith("$")) {
                byte[] bulk = in.readNBytes(Integer.parseInt(item.substring(1)));
                line(in);
                items.add(bulk);
            } else {
                items.add(item.substring(1).getBytes(StandardCharsets.UTF_8));
            }
        }
        return items;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("Connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to release beyond the socket.
        }
    }
}
