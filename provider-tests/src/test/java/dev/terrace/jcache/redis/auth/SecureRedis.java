package dev.terrace.jcache.redis.auth;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port that asks for a password, an ACL user or TLS, started with
 * the arguments a test gives and stopped by the process id this fixture started (never by name).
 */
final class SecureRedis implements AutoCloseable {

    private final Process process;
    private final int port;
    private final boolean tls;

    private SecureRedis(Process process, int port, boolean tls) {
        this.process = process;
        this.port = port;
        this.tls = tls;
    }

    /** A plain TCP server with {@code arguments} added (such as {@code --requirepass} or an aclfile). */
    static SecureRedis plain(Path directory, String... arguments) {
        return start(directory, false, List.of(arguments));
    }

    /** A TLS-only server ({@code --port 0}) with the certificates of {@code pki}. */
    static SecureRedis tls(Path directory, Pki pki, boolean clientCertificates, String... arguments) {
        List<String> all = new ArrayList<>(List.of(
                "--tls-cert-file", pki.serverCertificate().toString(),
                "--tls-key-file", pki.serverKey().toString(),
                "--tls-ca-cert-file", pki.caCertificate().toString(),
                "--tls-auth-clients", clientCertificates ? "yes" : "no"));
        all.addAll(List.of(arguments));
        return start(directory, true, all);
    }

    private static SecureRedis start(Path directory, boolean tls, List<String> arguments) {
        try {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(
                    "redis-server",
                    "--bind",
                    "127.0.0.1",
                    tls ? "--tls-port" : "--port",
                    Integer.toString(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    directory.toString(),
                    "--loglevel",
                    "warning"));
            if (tls) {
                command.addAll(List.of("--port", "0"));
            }
            command.addAll(arguments);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("redis-" + port + ".log").toFile())
                    .start();
            SecureRedis server = new SecureRedis(process, port, tls);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("redis-server exited: "
                                    + Files.readString(directory.resolve("redis-" + port + ".log")));
                        }
                        return server.listening();
                    });
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start redis-server: " + e, e);
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    int port() {
        return port;
    }

    /** {@code redis://} or {@code rediss://127.0.0.1:<port>}. */
    String address() {
        return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
