package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Expiry measured with a clock the test moves, so nothing waits for real time to pass. */
class ExpiryTest {

    private final MutableClock clock = new MutableClock();
    private final CacheManager manager = Caches.manager("terrace.clock", clock);
    private final List<String> expired = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        manager.close();
    }

    private Cache<String, String> cache(ExpiryPolicy policy, boolean synchronousListener) {
        MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(() -> policy)
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        () -> new ExpiredRecorder(expired), null, true, synchronousListener));
        return manager.createCache("expiring", configuration);
    }

    @Test
    void anEntryIsServedUntilItsExpiryAndThenReportedExpiredOnce() {
        Cache<String, String> cache =
                cache(new CreatedExpiryPolicy(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1)), true);
        cache.put("k", "v");

        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.get("k")).isEqualTo("v");

        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("k")).as("expired at exactly one minute").isNull();
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(cache.get("k")).isNull();
        assertThat(expired).as("one EXPIRED event, with the old value").containsExactly("k=v");
    }

    @Test
    void anAccessPushesTheExpiryBack() {
        Cache<String, String> cache =
                cache(new AccessedExpiryPolicy(new javax.cache.expiry.Duration(TimeUnit.SECONDS, 10)), true);
        cache.put("k", "v");

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(9));
            assertThat(cache.get("k"))
                    .as("read %d, 9 s after the previous one", i)
                    .isEqualTo("v");
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(cache.get("k")).isNull();
    }

    @Test
    void anEntryNobodyReadsIsReclaimedAndReportedExpired() {
        Cache<String, String> cache =
                cache(new CreatedExpiryPolicy(new javax.cache.expiry.Duration(TimeUnit.SECONDS, 1)), false);
        cache.put("unread", "v");

        clock.advance(Duration.ofMinutes(1));
        // Any write runs the heap tier's maintenance, which reclaims what expired long ago.
        cache.put("other", "w");

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(expired).containsExactly("unread=v"));
        assertThat(cache.containsKey("unread")).isFalse();
    }

    @Test
    void aPolicyThatThrowsDoesNotFailTheOperationAndCachesNothingOfUnknownLifetime() {
        Cache<String, String> cache = cache(new ThrowingPolicy(), true);

        cache.put("k", "v");

        assertThat(cache.containsKey("k"))
                .as("a new entry whose lifetime is unknown is not cached")
                .isFalse();
    }

    private static final class ExpiredRecorder
            implements CacheEntryExpiredListener<String, String>, java.io.Serializable {
        private final transient List<String> events;

        ExpiredRecorder(List<String> events) {
            this.events = events;
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
            for (CacheEntryEvent<? extends String, ? extends String> event : batch) {
                events.add(event.getKey() + "=" + event.getOldValue());
            }
        }
    }

    private static final class ThrowingPolicy implements ExpiryPolicy, java.io.Serializable {
        @Override
        public javax.cache.expiry.Duration getExpiryForCreation() {
            throw new IllegalStateException("creation");
        }

        @Override
        public javax.cache.expiry.Duration getExpiryForAccess() {
            throw new IllegalStateException("access");
        }

        @Override
        public javax.cache.expiry.Duration getExpiryForUpdate() {
            throw new IllegalStateException("update");
        }
    }
}
