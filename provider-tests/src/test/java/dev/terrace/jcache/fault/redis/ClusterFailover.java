package dev.terrace.jcache.fault.redis;

import dev.terrace.jcache.redis.RedisCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code CLUSTER_FAILOVER} fault of {@link MultiJvmFaultRun}, as {@code ClusterFailoverTest} injects it: the
 * master that also holds the health probe's key (every JVM is held down until the promotion, the hardest case)
 * has its replica cut off, acknowledges changes the replica never gets while the load goes on, and is killed
 * ({@code kill -9}); the fault ends when every live node names the promoted replica as the probe slot's master.
 *
 * <p>Replication is asynchronous, so the changes the master acknowledged after the cut-off are lost with it: the
 * documented cost of a Cluster failover (operations.md, Redis Cluster). {@link #inject} counts them from the
 * shards' sequence numbers before the kill and on the promoted replica, at least as many as that.
 */
final class ClusterFailover {

    private static final Duration PROMOTION = Duration.ofSeconds(30);

    private ClusterFailover() {}

    /**
     * Injects the failover while the run's JVMs keep their load; {@code loadBetween} waits for the load to make
     * progress between the cut-off and the kill.
     *
     * @return how many changes the killed master acknowledged that the promoted replica lacks (at least)
     */
    static long inject(RedisCluster cluster, Runnable loadBetween) throws IOException {
        int probeSlot = cluster.slotOf("terrace:probe");
        int doomed = cluster.ownerOf(probeSlot);
        List<String> shards = shardsOn(doomed);
        cluster.detachReplicaOf(doomed);
        loadBetween.run();
        Map<String, Long> before = sequences(doomed, shards);
        cluster.kill(doomed);
        int promoted = cluster.awaitPromotion(doomed, probeSlot, PROMOTION);
        Map<String, Long> after = sequences(promoted, shards);
        long lost = 0;
        for (Map.Entry<String, Long> shard : before.entrySet()) {
            lost += Math.max(0, shard.getValue() - after.getOrDefault(shard.getKey(), 0L));
        }
        return lost;
    }

    /** The key prefix ({@code terrace:<cache>:{<shard>}:}) of every shard the master on {@code port} serves. */
    private static List<String> shardsOn(int port) throws IOException {
        return ((List<?>) RedisCluster.command(port, "KEYS", "terrace:*}:epoch"))
                .stream()
                        .map(key -> ((String) key).substring(0, ((String) key).length() - "epoch".length()))
                        .toList();
    }

    /** Each shard's last sequence number on the master on {@code port}. */
    private static Map<String, Long> sequences(int port, List<String> shards) throws IOException {
        Map<String, Long> sequences = new HashMap<>();
        for (String shard : shards) {
            Object sequence = RedisCluster.command(port, "GET", shard + "seq");
            sequences.put(shard, sequence == null ? 0 : Long.parseLong((String) sequence));
        }
        return sequences;
    }
}
