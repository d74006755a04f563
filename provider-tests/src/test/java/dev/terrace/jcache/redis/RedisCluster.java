package dev.terrace.jcache.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A Redis Cluster of real {@code redis-server} masters on loopback ports, formed with {@code redis-cli}. */
public final class RedisCluster implements AutoCloseable {

    private final List<RedisServer> masters;

    private RedisCluster(List<RedisServer> masters) {
        this.masters = masters;
    }

    /** Starts {@code count} masters (at least 3) and forms a cluster of them, every slot covered. */
    public static RedisCluster start(int count) {
        List<RedisServer> masters = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                masters.add(RedisServer.start(
                        "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000"));
            }
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            masters.forEach(master -> command.add("127.0.0.1:" + master.port()));
            command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process create =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
            for (RedisServer master : masters) {
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() -> master.command("CLUSTER INFO").contains("cluster_state:ok"));
            }
            return new RedisCluster(masters);
        } catch (IOException | InterruptedException | RuntimeException e) {
            masters.forEach(RedisServer::close);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Cannot start a Redis Cluster: " + e, e);
        }
    }

    /** The masters' addresses, comma-separated, as {@code terrace.l3.nodes} takes them. */
    public String nodes() {
        return masters.stream().map(RedisServer::address).collect(Collectors.joining(","));
    }

    /** The masters, for tests that ask each one directly. */
    public List<RedisServer> masters() {
        return List.copyOf(masters);
    }

    @Override
    public void close() {
        masters.forEach(RedisServer::close);
    }
}
