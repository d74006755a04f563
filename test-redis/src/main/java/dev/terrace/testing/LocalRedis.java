package dev.terrace.testing;

import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.TimeUnit;

/** A {@code redis-server} process this test starts on a free loopback port, and stops (by its own process). */
public final class LocalRedis implements AutoCloseable {

    private final Path directory;
    private final int port;
    private Process process;

    private LocalRedis(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    public static LocalRedis start() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LocalRedis redis = new LocalRedis(Files.createTempDirectory("terrace-test-redis-"), socket.getLocalPort());
            socket.close();
            redis.startProcess();
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start redis-server (Debian's redis-server package): " + e, e);
        }
    }

    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server (SIGKILL), as a crash would. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts it again on the same port, empty. */
    public void restart() {
        kill();
        try {
            startProcess();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot restart redis-server on port " + port + ": " + e, e);
        }
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> "+PONG".equals(ping()));
    }

    private String ping() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[5];
            return in.readNBytes(reply, 0, 5) == 5 ? new String(reply, StandardCharsets.US_ASCII) : "";
        }
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.walk(directory)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
