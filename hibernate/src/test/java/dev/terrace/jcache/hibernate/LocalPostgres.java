package dev.terrace.jcache.hibernate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of its own (Debian's {@code postgresql} package): {@code initdb} in a temporary
 * directory, the server on a free loopback port, run as the {@code postgres} user (through {@code runuser})
 * when the test runs as root, and stopped with {@code pg_ctl stop} on its own data directory.
 */
final class LocalPostgres implements AutoCloseable {

    private final Path bin;
    private final Path directory;
    private final int port;
    private final boolean asPostgres;

    private LocalPostgres(Path bin, Path directory, int port, boolean asPostgres) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    static LocalPostgres start() throws IOException, InterruptedException {
        Path bin = findBin();
        Path directory = Files.createTempDirectory("terrace-postgres-");
        boolean root = "root".equals(System.getProperty("user.name"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        LocalPostgres postgres = new LocalPostgres(bin, directory, port, root);
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", directory.toString()));
        }
        postgres.runAs(List.of(
                bin.resolve("initdb").toString(),
                "-D",
                directory.resolve("data").toString(),
                "-A",
                "trust",
                "-U",
                "terrace",
                "--no-sync"));
        postgres.runAs(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                directory.resolve("data").toString(),
                "-l",
                directory.resolve("server.log").toString(),
                "-w",
                "-t",
                "120",
                "-o",
                "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c max_connections=60",
                "start"));
        return postgres;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        runAs(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                directory.resolve("data").toString(),
                "-m",
                "immediate",
                "-w",
                "stop"));
        run(List.of("rm", "-rf", directory.toString()));
    }

    private void runAs(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("Failed: " + String.join(" ", command));
        }
    }

    private static Path findBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
                for (Path version : versions) {
                    if (Files.isExecutable(version.resolve("bin/initdb"))) {
                        return version.resolve("bin");
                    }
                }
            }
        }
        throw new IOException("PostgreSQL is not installed: scripts/test-all.sh installs Debian's postgresql");
    }
}
