package dev.terrace.examples.toolcache;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} the example starts for itself on a free 127.0.0.1 port, keeping nothing on disk, and
 * stops at the end; so the shared-tier steps run on any machine with Redis installed, without touching a
 * server someone else uses.
 */
final class LocalRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRedis.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;

    private LocalRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The {@code redis-server} on the {@code PATH}, if any. */
    static Optional<Path> findServer() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts {@code binary} on a free loopback port and waits until it answers {@code PING}. */
    static LocalRedis start(Path binary, Path workDirectory) throws IOException {
        int port = freePort();
        Files.createDirectories(workDirectory);
        Process process = new ProcessBuilder(List.of(
                        binary.toString(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        workDirectory.toString()))
                .redirectErrorStream(true)
                .redirectOutput(workDirectory.resolve("redis.log").toFile())
                .start();
        LocalRedis redis = new LocalRedis(process, port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!redis.answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                redis.close();
                throw new IOException("redis-server did not start on 127.0.0.1:" + port + " within " + START_TIMEOUT
                        + "; see " + workDirectory.resolve("redis.log"));
            }
            // Polling a process that is starting: there is nothing to wait on but its port.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        LOG.info("Started redis-server on 127.0.0.1:{}", port);
        return redis;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    String address() {
        return "redis://127.0.0.1:" + port;
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            LOG.info("Stopped redis-server on 127.0.0.1:{}", port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
