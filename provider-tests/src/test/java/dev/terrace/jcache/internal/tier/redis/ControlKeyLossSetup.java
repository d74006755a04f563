package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.redis.RedisServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * What the tests in which Redis loses or damages Terrace's control keys (a shard's sequence, log, epoch) share: a
 * real {@code redis-server}, a writer's and a reader's connection to it (two processes), and the count of the
 * times the reader's process dropped every near copy it held (a new epoch, a gap).
 */
abstract class ControlKeyLossSetup {

    final RedisServer server = RedisServer.start();
    final RedisConnection writer = open();
    final RedisConnection reader = open();
    final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    final AtomicInteger dropped = new AtomicInteger();
    private final String cache;

    /** @param cache the name of the cache (in manager {@code m}) whose control keys the tests damage */
    ControlKeyLossSetup(String cache) {
        this.cache = cache;
    }

    private RedisConnection open() {
        return RedisConnection.open(RedisSettings.from(Map.of("terrace.l3.address", server.address())::get));
    }

    @AfterEach
    void stop() {
        reader.close();
        writer.close();
        server.close();
    }

    /** The cache's Redis tier over {@code connection}. */
    RedisTier<String> tier(RedisConnection connection) {
        return new RedisTier<>(connection, "m", cache, codec);
    }

    /** The reader's tier, subscribed: each time it must drop every near copy, {@link #dropped} counts one. */
    RedisTier<String> subscribedReader() {
        RedisTier<String> other = tier(reader);
        other.subscribe(new RedisTier.Invalidations<>() {
            @Override
            public void changed(String key) {}

            @Override
            public void unknown() {
                dropped.incrementAndGet();
            }
        });
        return other;
    }
}
