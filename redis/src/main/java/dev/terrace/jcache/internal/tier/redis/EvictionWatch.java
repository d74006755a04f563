package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.api.redisnode.RedisNode;
import dev.terrace.jcache.internal.shaded.redisson.api.redisnode.RedisNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that Redis evicted keys, which no announcement reports: an evicted entry must not stay served from
 * near copies, so the cache drops its near copies whenever the masters' {@code evicted_keys} counter grew since
 * the last look (every second). Redis does not say which keys it evicted without keyspace notifications,
 * which are off by default and often not allowed; dropping every near copy costs reloads, never a stale value.
 *
 * <p>At start it reads each master's {@code maxmemory-policy} and says what it means for Terrace. Where the
 * ACL forbids {@code CONFIG GET} or {@code INFO}, it says so once and watches nothing.
 *
 * <p>Not thread-safe: runs on the connection's coherence thread.
 */
final class EvictionWatch {

    private static final Logger LOG = LoggerFactory.getLogger(EvictionWatch.class);
    private static final Set<String> TOLD = ConcurrentHashMap.newKeySet();

    private final RedissonClient client;
    private final RedisSettings.Mode mode;
    private final String description;
    private final String cacheName;
    private long evicted = -1;
    private boolean blind;

    EvictionWatch(RedissonClient client, RedisSettings.Mode mode, String description, String cacheName) {
        this.client = client;
        this.mode = mode;
        this.description = description;
        this.cacheName = cacheName;
    }

    /** Says, once per server and policy, what the masters' eviction policy means for Terrace's keys. */
    void checkPolicy() {
        try {
            for (RedisNode master : masters()) {
                Map<String, String> config = master.getConfig("maxmemory-policy");
                String policy = config.getOrDefault("maxmemory-policy", "");
                if (!TOLD.add(description + " " + master.getAddr() + " " + policy)) {
                    continue;
                }
                if (policy.startsWith("allkeys-")) {
                    LOG.warn(
                            "Redis at {} has maxmemory-policy {}: under memory pressure it evicts any key, Terrace's"
                                    + " entries and its control keys (sequence, epoch, invalidation log) included."
                                    + " Entries then miss and are reloaded, a lost control key starts a new epoch,"
                                    + " and every eviction makes each process drop all its near copies. Prefer"
                                    + " noeviction (changes then fail with an out-of-memory CacheException) or a"
                                    + " volatile-* policy, and size maxmemory for the data",
                            master.getAddr(),
                            policy);
                } else if (policy.startsWith("volatile-")) {
                    LOG.info(
                            "Redis at {} has maxmemory-policy {}: entries with an expiry may be evicted under memory"
                                    + " pressure; each eviction makes each process drop all its near copies",
                            master.getAddr(),
                            policy);
                }
            }
        } catch (RuntimeException e) {
            blindBecause("CONFIG GET maxmemory-policy", e);
        }
    }

    /** Whether Redis evicted keys since the last call (never on the first, which takes the baseline). */
    boolean evictedSinceLastCall() {
        if (blind) {
            return false;
        }
        long now = 0;
        try {
            for (RedisNode master : masters()) {
                String count = master.info(RedisNode.InfoSection.STATS).get("evicted_keys");
                now += count == null ? 0 : Long.parseLong(count.trim());
            }
        } catch (NumberFormatException e) {
            blindBecause("INFO stats", e);
            return false;
        } catch (RuntimeException e) {
            if (RedisFailure.of(e) == RedisFailure.PERMISSION) {
                blindBecause("INFO stats", e);
            }
            // Unreachable: the outage handling drops what it cannot prove.
            return false;
        }
        boolean grew = evicted >= 0 && now > evicted;
        if (grew) {
            LOG.info(
                    "Cache {}: Redis at {} evicted {} keys: dropping near copies, which may hold evicted entries",
                    cacheName,
                    description,
                    now - evicted);
        }
        // A restarted server counts from 0 again; the epoch change covers what it lost.
        evicted = now;
        return grew;
    }

    private void blindBecause(String command, Exception e) {
        blind = true;
        if (TOLD.add(description + " blind")) {
            LOG.info(
                    "Redis at {} does not allow {} to this process ({}): evictions of Terrace's entries are not"
                            + " noticed, and near copies of an evicted entry stay until they expire or change",
                    description,
                    command,
                    RedisFailure.describe(e));
        }
    }

    private List<RedisNode> masters() {
        List<RedisNode> masters = new ArrayList<>();
        switch (mode) {
            case SINGLE -> masters.add(client.getRedisNodes(RedisNodes.SINGLE).getInstance());
            case SENTINEL ->
                masters.add(
                        client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
            case CLUSTER ->
                masters.addAll(client.getRedisNodes(RedisNodes.CLUSTER).getMasters());
        }
        return masters;
    }
}
