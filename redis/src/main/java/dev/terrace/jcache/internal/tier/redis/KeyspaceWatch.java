package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.shaded.redisson.api.RPatternTopic;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.api.redisnode.RedisNode;
import dev.terrace.jcache.internal.shaded.redisson.api.redisnode.RedisNodes;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears of entries that Redis removed behind Terrace's back — a {@code DEL} by an operator, an eviction, an
 * expiry — where the server publishes keyspace events ({@code notify-keyspace-events} with {@code K} and
 * {@code g}, or {@code A}), so that near copies of such an entry are dropped at once. Off where the server does
 * not publish them (the default) and on a Cluster (whose events are per node); {@link EvictionWatch} then
 * covers evictions, and a {@code DEL} of single entries is not noticed.
 *
 * <p>Not thread-safe: runs on the connection's coherence thread.
 */
final class KeyspaceWatch {

    private static final Logger LOG = LoggerFactory.getLogger(KeyspaceWatch.class);
    private static final Set<String> REMOVALS = Set.of("del", "unlink", "evicted", "expired");

    private final RedissonClient client;
    private final RedisSettings settings;
    private final ShardLayout layout;
    private final String cacheName;
    private RPatternTopic topic;
    private int listener = -1;

    KeyspaceWatch(RedissonClient client, RedisSettings settings, ShardLayout layout, String cacheName) {
        this.client = client;
        this.settings = settings;
        this.layout = layout;
        this.cacheName = cacheName;
    }

    /**
     * Subscribes to the removals of this cache's entries if the server publishes them; {@code removed} gets
     * the key bytes of each, on a Redisson thread.
     */
    void start(Consumer<byte[]> removed) {
        if (listener >= 0 || settings.mode() == RedisSettings.Mode.CLUSTER) {
            return;
        }
        String flags;
        try {
            RedisNode node = settings.mode() == RedisSettings.Mode.SINGLE
                    ? client.getRedisNodes(RedisNodes.SINGLE).getInstance()
                    : client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster();
            flags = node.getConfig("notify-keyspace-events").getOrDefault("notify-keyspace-events", "");
        } catch (RuntimeException e) {
            LOG.debug("Cache {}: cannot read notify-keyspace-events ({})", cacheName, RedisFailure.describe(e));
            return;
        }
        if (!flags.contains("K") || !(flags.contains("g") || flags.contains("A"))) {
            return;
        }
        String channelPrefix = "__keyspace@" + settings.database() + "__:";
        String pattern = channelPrefix + layout.entryPattern();
        int start = channelPrefix.length();
        topic = client.getPatternTopic(pattern, StringCodec.INSTANCE);
        listener = topic.addListener(String.class, (matched, channel, event) -> {
            if (REMOVALS.contains(event)) {
                byte[] key = layout.keyOf(channel.toString().substring(start));
                if (key != null) {
                    removed.accept(key);
                }
            }
        });
        LOG.info(
                "Cache {}: Redis publishes keyspace events: entries removed in Redis drop their near copies",
                cacheName);
    }

    /** Unsubscribes, if subscribed. */
    void stop() {
        if (listener >= 0) {
            try {
                topic.removeListener(listener);
            } catch (RuntimeException e) {
                // The connection goes with the manager anyway.
            }
            listener = -1;
        }
    }
}
