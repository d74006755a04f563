package dev.terrace.jcache.redis;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process on a free loopback port, for tests that need to kill and restart it.
 * Uses the {@code redis-server} on the {@code PATH} (Debian's package, which the test script installs).
 */
public final class RedisServer implements AutoCloseable {

    private final Path binary;
    private final Path directory;
    private final int port;
    private final List<String> extraArguments;
    private Process process;

    private RedisServer(Path binary, Path directory, int port, List<String> extraArguments) {
        this.binary = binary;
        this.directory = directory;
        this.port = port;
        this.extraArguments = extraArguments;
    }

    /** Starts a server on a free loopback port. */
    public static RedisServer start(String... extraArguments) {
        try {
            RedisServer server = new RedisServer(
                    findBinary(), Files.createTempDirectory("terrace-redis-"), freePort(), List.of(extraArguments));
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start redis-server: " + e, e);
        }
    }

    /** The port the server listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server with SIGKILL, as a crash or a cut cable would take it away. */
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

    /** Starts the server again on the same port (with no data: it keeps nothing on disk). */
    public void restart() {
        kill();
        try {
            startProcess();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot restart redis-server on port " + port + ": " + e, e);
        }
    }

    /** Sends one inline command and returns its reply: the first line, or the whole of a bulk string. */
    public String command(String command) throws IOException {
        return rawCommand(command);
    }

    private String rawCommand(String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String line = readLine(in);
            if (line.startsWith("$") && !line.equals("$-1")) {
                byte[] bulk = in.readNBytes(Integer.parseInt(line.substring(1)));
                return new String(bulk, StandardCharsets.UTF_8);
            }
            return line;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
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

    private void startProcess() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                directory.toString(),
                "--loglevel",
                "warning"));
        command.addAll(extraArguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis-" + port + ".log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    String reply = command("PING");
                    // A server that requires a password answers, with NOAUTH: it is up.
                    return "+PONG".equals(reply) || reply.startsWith("-NOAUTH");
                });
    }

    private static Path findBinary() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
        for (String directory : path.split(":")) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("redis-server is not installed: run scripts/test-all.sh, which installs"
                + " Debian's redis-server package, or install it yourself");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
