package dev.terrace.jcache.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of real {@code redis-server} processes on loopback ports, formed with {@code redis-cli}: masters
 * only ({@link #start(int)}, what the TCK's Cluster stack uses), or masters with one replica each ({@link
 * #withReplicas(int)}), whose masters can be killed ({@code kill -9}) and replaced by their replica, and whose
 * slots can be moved from one master to another ({@link #migrateSlot}).
 *
 * <p>Everything binds to 127.0.0.1; {@link #close()} ends only the processes this fixture started, each by its own
 * handle.
 */
public final class RedisCluster implements AutoCloseable {

    /** How long a node may not answer before the others judge it failed, with replicas: a quick failover. */
    static final int NODE_TIMEOUT_MILLIS = 1_000;

    private final List<RedisServer> servers;
    private final boolean replicas;
    private final Set<Integer> killed = new HashSet<>();

    private RedisCluster(List<RedisServer> servers, boolean replicas) {
        this.servers = servers;
        this.replicas = replicas;
    }

    /** Starts {@code count} masters (at least 3) and forms a cluster of them, every slot covered. */
    public static RedisCluster start(int count) {
        return form(count, 0, 5_000);
    }

    /**
     * Starts {@code masters} masters (at least 3), each with one replica, and forms a cluster of them. A node is
     * judged failed after {@value #NODE_TIMEOUT_MILLIS} ms, and a replica takes over however long its link to the
     * master was down ({@code cluster-replica-validity-factor 0}), so a killed master is replaced within seconds.
     */
    public static RedisCluster withReplicas(int masters) {
        return form(masters, 1, NODE_TIMEOUT_MILLIS);
    }

    private static RedisCluster form(int masters, int replicasEach, int nodeTimeoutMillis) {
        List<RedisServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < masters * (1 + replicasEach); i++) {
                servers.add(RedisServer.start(
                        "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", Integer.toString(nodeTimeoutMillis),
                        "--cluster-replica-validity-factor", "0"));
            }
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            servers.forEach(server -> command.add("127.0.0.1:" + server.port()));
            command.addAll(List.of("--cluster-replicas", Integer.toString(replicasEach), "--cluster-yes"));
            Process create =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
            RedisCluster cluster = new RedisCluster(servers, replicasEach > 0);
            cluster.awaitHealthy(Duration.ofSeconds(60));
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            servers.forEach(RedisServer::close);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Cannot start a Redis Cluster: " + e, e);
        }
    }

    /**
     * Waits until every live node says {@code cluster_state:ok}, knows every other node, and every live replica's
     * link to its master is up.
     */
    private void awaitHealthy(Duration atMost) {
        for (RedisServer server : live()) {
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> server.command("CLUSTER INFO").contains("cluster_state:ok")
                            && server.command("CLUSTER INFO").contains("cluster_known_nodes:" + servers.size()));
            if (replicas) {
                await().atMost(atMost)
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() -> {
                            String info = server.command("INFO replication");
                            return info.contains("role:master") || info.contains("master_link_status:up");
                        });
            }
        }
    }

    /** Every node's address (masters and replicas), comma-separated, as {@code terrace.l3.nodes} takes them. */
    public String nodes() {
        return servers.stream().map(RedisServer::address).collect(Collectors.joining(","));
    }

    /** The live masters now (after a failover, the promoted replica instead of the killed master). */
    public List<RedisServer> masters() {
        if (!replicas && killed.isEmpty()) {
            return List.copyOf(servers);
        }
        return live().stream()
                .filter(server -> {
                    try {
                        return server.command("INFO replication").contains("role:master");
                    } catch (IOException e) {
                        return false;
                    }
                })
                .toList();
    }

    /** The server of this cluster on {@code port}. */
    public RedisServer server(int port) {
        return servers.stream()
                .filter(server -> server.port() == port)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No server of this cluster on port " + port));
    }

    /** The slot of {@code key}, as the cluster computes it. */
    public int slotOf(String key) throws IOException {
        return Integer.parseInt((String) command(live().get(0).port(), "CLUSTER", "KEYSLOT", key));
    }

    /** The port of the master that serves {@code slot}, as the first live node sees it. */
    public int ownerOf(int slot) throws IOException {
        return ownerOf(slot, live().get(0));
    }

    private int ownerOf(int slot, RedisServer asked) throws IOException {
        for (Node node : nodes(asked).values()) {
            if (node.master() && !node.failed() && node.slots().contains(slot)) {
                return node.port();
            }
        }
        return -1;
    }

    /**
     * Cuts the replica of the master on {@code port} off: the master drops its link and refuses its attempts to
     * resynchronise, so every write it acknowledges from now on is on the master only, as with a replica that
     * fell behind (replication is asynchronous). The replica stays the one the cluster promotes.
     */
    public void detachReplicaOf(int port) throws IOException {
        int replica = replicaOf(port);
        command(port, "ACL", "SETUSER", "default", "-psync", "-sync");
        command(port, "CLIENT", "KILL", "TYPE", "replica");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> server(replica).command("INFO replication").contains("master_link_status:down"));
    }

    /** The port of the replica of the master on {@code port}. */
    public int replicaOf(int port) throws IOException {
        Map<String, Node> nodes = nodes(server(port));
        String masterId = nodes.values().stream()
                .filter(node -> node.port() == port)
                .findFirst()
                .orElseThrow()
                .id();
        return nodes.values().stream()
                .filter(node -> masterId.equals(node.masterId()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("The master on port " + port + " has no replica"))
                .port();
    }

    /** Kills the server on {@code port} with SIGKILL (its process only), as a crash would take it away. */
    public void kill(int port) {
        server(port).kill();
        killed.add(port);
    }

    /**
     * Waits until every live node names a master other than {@code oldPort} for {@code slot}, that master says it
     * is one, and every live node says {@code cluster_state:ok}; returns the new master's port.
     */
    public int awaitPromotion(int oldPort, int slot, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    Set<Integer> owners = new HashSet<>();
                    for (RedisServer server : live()) {
                        if (!server.command("CLUSTER INFO").contains("cluster_state:ok")) {
                            return false;
                        }
                        owners.add(ownerOf(slot, server));
                    }
                    if (owners.size() != 1 || owners.contains(oldPort) || owners.contains(-1)) {
                        return false;
                    }
                    return server(owners.iterator().next())
                            .command("INFO replication")
                            .contains("role:master");
                });
        try {
            return ownerOf(slot);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Moves {@code slot} to the master on {@code toPort} as {@code redis-cli --cluster reshard} would: the target
     * imports and the source migrates the slot ({@code CLUSTER SETSLOT … IMPORTING/MIGRATING}, so clients are sent
     * {@code ASK} for the keys already moved), its keys go over {@code keysPerStep} at a time ({@code MIGRATE}),
     * {@code betweenSteps} running after each step, and finally every master is told the slot's new owner
     * ({@code CLUSTER SETSLOT … NODE}, after which clients are sent {@code MOVED}).
     *
     * @return how many keys were moved
     */
    public int migrateSlot(int slot, int toPort, int keysPerStep, Runnable betweenSteps) throws IOException {
        int fromPort = ownerOf(slot);
        if (fromPort == toPort) {
            return 0;
        }
        beginMigration(slot, toPort);
        int moved = 0;
        while (true) {
            List<?> keys = (List<?>) command(
                    fromPort, "CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), Integer.toString(keysPerStep));
            if (keys.isEmpty()) {
                break;
            }
            migrateKeys(fromPort, toPort, keys.stream().map(String.class::cast).toList());
            moved += keys.size();
            betweenSteps.run();
        }
        finishMigration(slot, fromPort, toPort);
        return moved;
    }

    /** Puts {@code slot} in migration from its owner to the master on {@code toPort}; returns the owner's port. */
    public int beginMigration(int slot, int toPort) throws IOException {
        int fromPort = ownerOf(slot);
        String slotText = Integer.toString(slot);
        command(toPort, "CLUSTER", "SETSLOT", slotText, "IMPORTING", (String) command(fromPort, "CLUSTER", "MYID"));
        command(fromPort, "CLUSTER", "SETSLOT", slotText, "MIGRATING", (String) command(toPort, "CLUSTER", "MYID"));
        return fromPort;
    }

    /** Moves {@code keys} from the master on {@code fromPort} to the one on {@code toPort} ({@code MIGRATE}). */
    public void migrateKeys(int fromPort, int toPort, List<String> keys) throws IOException {
        List<String> migrate = new ArrayList<>(
                List.of("MIGRATE", "127.0.0.1", Integer.toString(toPort), "", "0", "5000", "REPLACE", "KEYS"));
        migrate.addAll(keys);
        command(fromPort, migrate.toArray(String[]::new));
    }

    /**
     * Moves what is left of {@code slot} from {@code fromPort} to {@code toPort}, tells every master the slot's new
     * owner ({@code CLUSTER SETSLOT … NODE}, the target first, so that it serves the slot before the source sends
     * clients there), and waits until every node agrees.
     */
    public void finishMigration(int slot, int fromPort, int toPort) throws IOException {
        String slotText = Integer.toString(slot);
        while (true) {
            List<?> keys = (List<?>) command(fromPort, "CLUSTER", "GETKEYSINSLOT", slotText, "100");
            if (keys.isEmpty()) {
                break;
            }
            migrateKeys(fromPort, toPort, keys.stream().map(String.class::cast).toList());
        }
        String toId = (String) command(toPort, "CLUSTER", "MYID");
        command(toPort, "CLUSTER", "SETSLOT", slotText, "NODE", toId);
        command(fromPort, "CLUSTER", "SETSLOT", slotText, "NODE", toId);
        for (RedisServer master : masters()) {
            if (master.port() != toPort && master.port() != fromPort) {
                command(master.port(), "CLUSTER", "SETSLOT", slotText, "NODE", toId);
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    for (RedisServer server : live()) {
                        if (ownerOf(slot, server) != toPort) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** Sends a command to the server on {@code port} and returns its reply (nested lists for arrays). */
    public static Object command(int port, String... words) throws IOException {
        return RedisSentinel.command(port, words);
    }

    private List<RedisServer> live() {
        return servers.stream()
                .filter(server -> !killed.contains(server.port()))
                .toList();
    }

    /** One line of {@code CLUSTER NODES}. */
    private record Node(String id, int port, boolean master, boolean failed, String masterId, Set<Integer> slots) {}

    /** The nodes as {@code asked} sees them, by id. */
    private static Map<String, Node> nodes(RedisServer asked) throws IOException {
        Map<String, Node> nodes = new HashMap<>();
        for (String line : asked.command("CLUSTER NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 8) {
                continue;
            }
            String address = fields[1];
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
            Set<String> flags = Set.of(fields[2].split(","));
            Set<Integer> slots = new HashSet<>();
            for (int i = 8; i < fields.length; i++) {
                String range = fields[i];
                if (range.startsWith("[")) {
                    // A slot being imported or migrated: still served by this node until SETSLOT NODE.
                    continue;
                }
                int dash = range.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
                for (int slot = from; slot <= to; slot++) {
                    slots.add(slot);
                }
            }
            nodes.put(
                    fields[0],
                    new Node(
                            fields[0],
                            port,
                            flags.contains("master"),
                            flags.contains("fail") || flags.contains("fail?"),
                            fields[3],
                            slots));
        }
        return nodes;
    }

    @Override
    public void close() {
        servers.forEach(RedisServer::close);
    }
}
