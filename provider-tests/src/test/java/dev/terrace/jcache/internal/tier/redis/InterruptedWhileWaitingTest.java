package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.redis.RedisServer;
import java.util.Map;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * A caller interrupted while it waits for Redis's reply (Redisson gives up at once, with a {@code RedisException}
 * wrapping {@link InterruptedException}): on main that marked Redis down for every thread. Now only that call
 * fails, with a {@link CacheException} that says it was interrupted; the interrupt status is kept and nothing is
 * marked down.
 */
class InterruptedWhileWaitingTest {

    private static final String BUSY = "local s = redis.call('TIME') local start = s[1] * 1000000 + s[2] "
            + "repeat local t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 300000 return 'done'";

    @Test
    void anInterruptWhileWaitingFailsOnlyThatCallAndMarksNothingDown() {
        try (RedisServer server = RedisServer.start();
                RedisConnection connection =
                        RedisConnection.open(RedisSettings.from(Map.of("terrace.l3.address", server.address())::get))) {
            RedisHealth health = connection.health();

            try {
                assertThatThrownBy(() -> health.call(() -> {
                            // Interrupted after the call began, as a cancel arriving while the reply is awaited.
                            Thread.currentThread().interrupt();
                            // A script that keeps Redis busy for 300 ms: the reply cannot be there yet.
                            return connection
                                    .client()
                                    .getScript(StringCodec.INSTANCE)
                                    .eval(RScript.Mode.READ_ONLY, BUSY, RScript.ReturnType.VALUE);
                        }))
                        .isInstanceOf(CacheException.class)
                        .isNotInstanceOf(TierUnavailableException.class)
                        .hasMessageContaining("interrupted")
                        .hasMessageContaining("may or may not be stored");
            } finally {
                assertThat(Thread.interrupted())
                        .as("the interrupt status is kept")
                        .isTrue();
            }
            assertThat(health.isDown()).as("an interrupted caller is no outage").isFalse();
            assertThat(health.problem()).isEqualTo("NONE");
            assertThat(health.call(() -> connection
                            .client()
                            .getBucket("terrace:interrupted", StringCodec.INSTANCE)
                            .isExists()))
                    .isFalse();
        }
    }
}
