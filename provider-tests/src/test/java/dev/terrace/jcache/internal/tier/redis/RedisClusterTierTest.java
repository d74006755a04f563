package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.MutableClock;
import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierConformanceTest;
import dev.terrace.jcache.redis.RedisCluster;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The Redis tier passes the tier suite on a three-master Redis Cluster too. */
class RedisClusterTierTest extends TierConformanceTest {

    private static final AtomicInteger CACHES = new AtomicInteger();
    private static RedisCluster cluster;
    private static RedisConnection connection;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3);
        connection = RedisConnection.open(
                RedisSettings.from(Map.of("terrace.l3.mode", "cluster", "terrace.l3.nodes", cluster.nodes())::get));
    }

    @AfterAll
    static void stopCluster() {
        connection.close();
        cluster.close();
    }

    @Override
    protected Tier<String> newTier(MutableClock clock) {
        return new RedisTier<>(
                connection,
                "cluster-test",
                "cache-" + CACHES.incrementAndGet(),
                new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly()));
    }

    @AfterEach
    void dropData() {
        tier.clear();
    }
}
