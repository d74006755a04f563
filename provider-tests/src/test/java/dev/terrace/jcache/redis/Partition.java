package dev.terrace.jcache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A network partition between one process and Redis: a loopback TCP relay on a port of its own that forwards
 * to a real {@code redis-server}. {@link #cut()} closes every relayed connection and refuses new ones, so the
 * process that connects through it finds Redis unreachable while every other process still reaches it;
 * {@link #heal()} relays again, on the same port.
 */
public final class Partition implements AutoCloseable {

    private final int target;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;

    private Partition(int target, int port) {
        this.target = target;
        this.port = port;
    }

    /** A relay to the server on loopback port {@code target}, relaying from now on. */
    public static Partition to(int target) {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Partition partition = new Partition(target, free.getLocalPort());
            free.close();
            partition.heal();
            return partition;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The address a process gives instead of the server's. */
    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** Relays again, on the same port. */
    public synchronized void heal() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
            Thread accepting = new Thread(() -> accept(socket), "partition-accept-" + port);
            accepting.setDaemon(true);
            accepting.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes every relayed connection and refuses new ones until {@link #heal()}. */
    public synchronized void cut() {
        ServerSocket socket = listener;
        listener = null;
        closeQuietly(socket);
        for (Socket relayed : sockets) {
            closeQuietly(relayed);
        }
        sockets.clear();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                // closed by cut(), or the server went away: the client sees a reset
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // one side closed
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "partition-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
    }
}
