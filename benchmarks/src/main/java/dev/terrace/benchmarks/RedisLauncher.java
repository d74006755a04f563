package dev.terrace.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} process on a free loopback port, without persistence, that the benchmarks run
 * against. The provider's tests have their own fixture; this one lives here so that the benchmark jar does
 * not carry the provider's test classes.
 */
final class RedisLauncher implements AutoCloseable {

    /** The system property through which the runner hands its server's address to the JMH forks. */
    static final String ADDRESS_PROPERTY = "terrace.bench.redis";

    private final Process process;
    private final Path directory;
    private final int port;

    private RedisLauncher(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** Starts {@code redis-server} (Debian's package; {@code scripts/test-all.sh} installs it). */
    static RedisLauncher start() {
        try {
            int port = freePort();
            Path directory = Files.createTempDirectory("terrace-bench-redis-");
            Process process = new ProcessBuilder(List.of(
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
                            directory.toString(),
                            "--loglevel",
                            "warning"))
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("redis.log").toFile())
                    .start();
            RedisLauncher launcher = new RedisLauncher(process, directory, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if ("+PONG".equals(command(port, "PING"))) {
                        return launcher;
                    }
                } catch (IOException notYet) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        launcher.close();
                        throw new IllegalStateException("redis-server did not start on port " + port, notYet);
                    }
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start redis-server (install Debian's redis-server package)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** The port of {@code address} ({@code redis://host:port}). */
    static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Sends one inline command to the server on {@code port} and returns the first line of its reply. */
    static String command(int port, String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    /** Empties the server on {@code address}, so that each benchmark starts from the same data set. */
    static void flushAll(String address) {
        try {
            String reply = command(port(address), "FLUSHALL");
            BenchmarkSupport.check("+OK".equals(reply), "FLUSHALL answered " + reply);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BenchmarkSupport.deleteRecursively(directory);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
