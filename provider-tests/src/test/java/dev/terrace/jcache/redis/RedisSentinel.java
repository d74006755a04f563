package dev.terrace.jcache.redis;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Sentinel deployment on loopback ports: a master, one replica ({@code --replicaof}) and three
 * {@code redis-server --sentinel} processes, each with its own writable config file in a temporary directory
 * (Sentinel rewrites it). {@link #start()} returns once the three sentinels agree (quorum reachable, the
 * replica known to every one of them, the replica's link to the master up). Failures are fast: a master is
 * judged down after {@value #DOWN_AFTER_MILLIS} ms, and a failover times out after {@value
 * #FAILOVER_TIMEOUT_MILLIS} ms.
 *
 * <p>Everything binds to 127.0.0.1; {@link #close()} ends only the processes this fixture started, each by its
 * own handle.
 */
public final class RedisSentinel implements AutoCloseable {

    /** The name the sentinels monitor the master under ({@code terrace.l3.master-name}). */
    public static final String MASTER_NAME = "terrace";

    static final int DOWN_AFTER_MILLIS = 1_000;
    static final int FAILOVER_TIMEOUT_MILLIS = 3_000;
    private static final int SENTINELS = 3;

    private final List<RedisServer> servers;
    private final List<Sentinel> sentinels;

    private RedisSentinel(List<RedisServer> servers, List<Sentinel> sentinels) {
        this.servers = servers;
        this.sentinels = sentinels;
    }

    /** Starts a master, a replica and three sentinels, and waits until the sentinels agree. */
    public static RedisSentinel start() {
        List<RedisServer> servers = new ArrayList<>();
        List<Sentinel> sentinels = new ArrayList<>();
        try {
            RedisServer master = RedisServer.start();
            servers.add(master);
            servers.add(RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            for (int i = 0; i < SENTINELS; i++) {
                sentinels.add(Sentinel.start(master.port()));
            }
            RedisSentinel deployment = new RedisSentinel(servers, sentinels);
            deployment.awaitAgreement(master.port());
            return deployment;
        } catch (IOException | RuntimeException e) {
            sentinels.forEach(Sentinel::close);
            servers.forEach(RedisServer::close);
            throw new IllegalStateException("Cannot start a Redis Sentinel deployment: " + e, e);
        }
    }

    /** The sentinels' addresses, comma-separated, as {@code terrace.l3.nodes} takes them. */
    public String nodes() {
        return sentinels.stream().map(s -> "redis://127.0.0.1:" + s.port).collect(Collectors.joining(","));
    }

    /** The port of the master every sentinel names now; fails if they disagree. */
    public int masterPort() {
        List<Integer> named =
                sentinels.stream().map(Sentinel::masterPort).distinct().toList();
        if (named.size() != 1) {
            throw new IllegalStateException("The sentinels disagree on the master: " + named);
        }
        return named.get(0);
    }

    /** The port of a replica of the current master that is up. */
    public int replicaPort() {
        int master = masterPort();
        return servers.stream()
                .filter(server -> server.port() != master && isAlive(server))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No replica is up"))
                .port();
    }

    /** The server on {@code port} (one this fixture started). */
    public RedisServer server(int port) {
        return servers.stream()
                .filter(server -> server.port() == port)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No server of this deployment on port " + port));
    }

    /** Kills the current master with SIGKILL (its process only) and returns its port. */
    public int killMaster() {
        int port = masterPort();
        server(port).kill();
        return port;
    }

    /**
     * Cuts the master's replicas off: it drops their links and refuses their attempts to resynchronise, so
     * every write it acknowledges from now on is on the master only, as with a replica that fell behind
     * (replication is asynchronous). The replicas stay what Sentinel may promote.
     */
    public void detachReplicas() throws IOException {
        int port = masterPort();
        command(port, "ACL", "SETUSER", "default", "-psync", "-sync");
        command(port, "CLIENT", "KILL", "TYPE", "replica");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> server(replicaPort()).command("INFO replication").contains("master_link_status:down"));
    }

    /** Asks one sentinel for a planned failover ({@code SENTINEL FAILOVER}) and returns the old master's port. */
    public int failover() throws IOException {
        int port = masterPort();
        Object reply = sentinels.get(0).command("SENTINEL", "FAILOVER", MASTER_NAME);
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("SENTINEL FAILOVER answered " + reply);
        }
        return port;
    }

    /**
     * Waits until every sentinel names a master other than {@code oldPort} and that server says it is a master
     * (a replica was promoted); returns the new master's port.
     */
    public int awaitPromotion(int oldPort, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    int port = masterPort();
                    return port != oldPort
                            && server(port).command("INFO replication").contains("role:master");
                });
        return masterPort();
    }

    /**
     * Restarts the killed server on {@code port} (empty: it keeps nothing on disk) as a replica of the current
     * master, as an operator would bring a failed master back, and waits until its link is up and the
     * sentinels agree again (Sentinel would turn it into a replica itself, some seconds later).
     */
    public void rejoinAsReplica(int port, Duration atMost) throws IOException {
        RedisServer server = server(port);
        server.restart();
        command(port, "REPLICAOF", "127.0.0.1", Integer.toString(masterPort()));
        awaitReplica(port, atMost);
    }

    /**
     * Waits until the server on {@code port} is a replica of the current master again with its link up (after
     * a planned failover Sentinel turns the old master into a replica itself; after a kill, {@link
     * RedisServer#restart()} it first).
     */
    public void awaitReplica(int port, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    String info = server(port).command("INFO replication");
                    return info.contains("role:slave") && info.contains("master_link_status:up");
                });
        awaitAgreement(masterPort());
    }

    /** Sends a command to the server on {@code port} and returns its reply (nested lists for arrays). */
    public static Object command(int port, String... words) throws IOException {
        return Resp.call(port, words);
    }

    private void awaitAgreement(int masterPort) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    for (Sentinel sentinel : sentinels) {
                        Object quorum = sentinel.command("SENTINEL", "CKQUORUM", MASTER_NAME);
                        if (!(quorum instanceof String text) || !text.startsWith("OK " + SENTINELS + " usable")) {
                            return false;
                        }
                        if (sentinel.masterPort() != masterPort) {
                            return false;
                        }
                        List<?> replicas = (List<?>) sentinel.command("SENTINEL", "REPLICAS", MASTER_NAME);
                        if (replicas.size() < servers.size() - 1 - downServers()) {
                            return false;
                        }
                    }
                    return true;
                });
        for (RedisServer server : servers) {
            if (server.port() != masterPort && isAlive(server)) {
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() -> server.command("INFO replication").contains("master_link_status:up"));
            }
        }
    }

    private long downServers() {
        return servers.stream().filter(server -> !isAlive(server)).count();
    }

    private static boolean isAlive(RedisServer server) {
        try {
            return "+PONG".equals(server.command("PING"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        sentinels.forEach(Sentinel::close);
        servers.forEach(RedisServer::close);
    }

    /** One {@code redis-server --sentinel} process with its config file. */
    private static final class Sentinel implements AutoCloseable {
        private final int port;
        private final Path directory;
        private final Process process;

        private Sentinel(int port, Path directory, Process process) {
            this.port = port;
            this.directory = directory;
            this.process = process;
        }

        static Sentinel start(int masterPort) throws IOException {
            int port = freePort();
            Path directory = Files.createTempDirectory("terrace-sentinel-");
            Path config = directory.resolve("sentinel.conf");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "port " + port,
                            "bind 127.0.0.1",
                            "daemonize no",
                            "dir " + directory,
                            "logfile " + directory.resolve("sentinel.log"),
                            "sentinel resolve-hostnames no",
                            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                            "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                            "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
                            "sentinel parallel-syncs " + MASTER_NAME + " 1",
                            ""),
                    StandardCharsets.US_ASCII);
            Process process = new ProcessBuilder(RedisSentinel.binary(), config.toString(), "--sentinel")
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("sentinel.out").toFile())
                    .start();
            Sentinel sentinel = new Sentinel(port, directory, process);
            try {
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(20))
                        .ignoreExceptions()
                        .until(() -> "PONG".equals(sentinel.command("PING")));
            } catch (RuntimeException e) {
                sentinel.close();
                throw e;
            }
            return sentinel;
        }

        Object command(String... words) throws IOException {
            return Resp.call(port, words);
        }

        int masterPort() {
            try {
                List<?> address = (List<?>) command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
                return Integer.parseInt((String) address.get(1));
            } catch (IOException e) {
                throw new IllegalStateException("Sentinel on port " + port + " does not answer: " + e, e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.toHandle().destroyForcibly();
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try (var files = Files.walk(directory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }

    /** Just enough of the Redis protocol to ask sentinels and servers questions. */
    private static final class Resp {
        static Object call(int port, String... words) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                socket.setSoTimeout(5_000);
                StringBuilder request =
                        new StringBuilder("*").append(words.length).append("\r\n");
                for (String word : words) {
                    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
                    request.append('$')
                            .append(bytes.length)
                            .append("\r\n")
                            .append(word)
                            .append("\r\n");
                }
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                return read(new BufferedInputStream(socket.getInputStream()));
            }
        }

        private static Object read(InputStream in) throws IOException {
            String line = line(in);
            if (line.isEmpty()) {
                throw new IOException("connection closed");
            }
            char type = line.charAt(0);
            String rest = line.substring(1);
            return switch (type) {
                case '+', ':' -> rest;
                case '-' -> throw new IOException("error reply: " + rest);
                case '$' -> {
                    int length = Integer.parseInt(rest);
                    if (length < 0) {
                        yield null;
                    }
                    byte[] bytes = in.readNBytes(length + 2);
                    yield new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                case '*' -> {
                    int count = Integer.parseInt(rest);
                    List<Object> items = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        items.add(read(in));
                    }
                    yield items;
                }
                default -> throw new IOException("unexpected reply " + line);
            };
        }

        private static String line(InputStream in) throws IOException {
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

    private static String binary() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
        for (String directory : path.split(":")) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("redis-server is not installed");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
