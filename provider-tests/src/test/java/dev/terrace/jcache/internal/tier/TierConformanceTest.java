package dev.terrace.jcache.internal.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.MutableClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Tier} must do, whatever it stores in. Each tier's test extends this class and says how to
 * build the tier; the disk and Redis tiers run the same suite.
 */
public abstract class TierConformanceTest {

    /** Far enough in the future that nothing expires during a test. */
    protected static final long LATER = 4_000_000_000_000L;

    protected final MutableClock clock = new MutableClock();
    protected Tier<String> tier;

    /** A new, empty tier holding at least 1,000 entries, measuring expiry with {@code clock}. */
    protected abstract Tier<String> newTier(MutableClock clock);

    @BeforeEach
    void openTier() {
        tier = newTier(clock);
    }

    @AfterEach
    void closeTier() {
        tier.close();
    }

    /** A stored value as the cache layer would hand it to the tier. */
    protected Object value(String text) {
        return text;
    }

    @Test
    void holdsNothingAtFirst() {
        assertThat(tier.get("missing")).isNull();
        assertThat(tier.size()).isZero();
        assertThat(tier.keys().hasNext()).isFalse();
    }

    @Test
    void returnsWhatWasPutWithItsExpiryInstant() {
        tier.put("k", new TierEntry(value("v"), LATER));

        TierEntry entry = tier.get("k");

        assertThat(entry).as("the entry put for k").isNotNull();
        assertThat(entry.value()).isEqualTo(value("v"));
        assertThat(entry.expiresAt()).isEqualTo(LATER);
    }

    @Test
    void aPutReplacesTheEntry() {
        tier.put("k", new TierEntry(value("v1"), LATER));
        tier.put("k", new TierEntry(value("v2"), TierEntry.ETERNAL));

        assertThat(tier.get("k").value()).isEqualTo(value("v2"));
        assertThat(tier.get("k").expiresAt()).isEqualTo(TierEntry.ETERNAL);
        assertThat(tier.size()).isEqualTo(1);
    }

    @Test
    void removeDropsTheEntryAndIgnoresMissingKeys() {
        tier.put("k", new TierEntry(value("v"), LATER));

        tier.remove("k");
        tier.remove("never-there");

        assertThat(tier.get("k")).isNull();
        assertThat(tier.size()).isZero();
    }

    @Test
    void computeCreatesUpdatesAndRemoves() {
        TierEntry created = tier.compute("k", current -> {
            assertThat(current).as("no entry before the first compute").isNull();
            return new TierEntry(value("1"), LATER);
        });
        assertThat(created.value()).isEqualTo(value("1"));

        TierEntry updated = tier.compute("k", current -> new TierEntry(value(current.value() + "+"), LATER));
        assertThat(updated.value()).isEqualTo(value(value("1") + "+"));
        assertThat(tier.get("k").value()).isEqualTo(value(value("1") + "+"));

        assertThat(tier.compute("k", current -> null)).isNull();
        assertThat(tier.get("k")).isNull();
    }

    @Test
    void computeThatThrowsLeavesTheEntryAsItWas() {
        tier.put("k", new TierEntry(value("v"), LATER));

        assertThatThrownBy(() -> tier.compute("k", current -> {
                    throw new IllegalStateException("boom");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boom");

        assertThat(tier.get("k").value()).isEqualTo(value("v"));
    }

    @Test
    void computeIsAtomicPerKey() throws Exception {
        int threads = 4;
        int increments = 500;
        tier.put("counter", new TierEntry(value("0"), LATER));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < increments; i++) {
                        tier.compute(
                                "counter",
                                current -> new TierEntry(value(Integer.toString(counterOf(current) + 1)), LATER));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counterOf(tier.get("counter")))
                .as("every increment of every thread survives")
                .isEqualTo(threads * increments);
    }

    /** The counter a {@link #computeIsAtomicPerKey} entry holds. */
    protected int counterOf(TierEntry entry) {
        return Integer.parseInt((String) entry.value());
    }

    @Test
    void keysListsEveryEntryOnce() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            tier.put("k" + i, new TierEntry(value("v" + i), LATER));
            expected.add("k" + i);
        }

        List<String> seen = new ArrayList<>();
        tier.keys().forEachRemaining(seen::add);

        assertThat(seen).hasSize(200).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(tier.size()).isEqualTo(200);
    }

    @Test
    void keysSurviveConcurrentChange() {
        for (int i = 0; i < 100; i++) {
            tier.put("k" + i, new TierEntry(value("v"), LATER));
        }
        Iterator<String> keys = tier.keys();
        int seen = 0;
        while (keys.hasNext()) {
            String key = keys.next();
            tier.remove(key);
            tier.put("new-" + key, new TierEntry(value("v"), LATER));
            seen++;
            if (seen > 1_000) {
                break;
            }
        }
        assertThat(seen).as("iteration ends while entries change").isBetween(100, 1_000);
    }

    @Test
    void entryPagesListEveryEntryOnceWithItsValueAndMapAKeyGoneBeforeItsPageToNothing() {
        Map<String, Object> expected = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            tier.put("k" + i, new TierEntry(value("v" + i), LATER));
            expected.put("k" + i, value("v" + i));
        }

        Map<String, Object> seen = new HashMap<>();
        int listed = 0;
        for (Iterator<Map<String, TierEntry>> pages = tier.entryPages(100); pages.hasNext(); ) {
            for (Map.Entry<String, TierEntry> entry : pages.next().entrySet()) {
                assertThat(entry.getValue())
                        .as("the entry of %s, listed while held", entry.getKey())
                        .isNotNull();
                listed++;
                seen.put(entry.getKey(), entry.getValue().value());
                assertThat(entry.getValue().expiresAt()).isEqualTo(LATER);
            }
        }
        assertThat(listed).as("each entry listed once").isEqualTo(300);
        assertThat(seen).isEqualTo(expected);

        Iterator<Map<String, TierEntry>> pages = tier.entryPages(100);
        assertThat(pages.hasNext()).isTrue();
        for (int i = 0; i < 300; i++) {
            tier.remove("k" + i);
        }
        List<String> live = new ArrayList<>();
        while (pages.hasNext()) {
            pages.next().forEach((key, entry) -> {
                if (entry != null) {
                    live.add(key);
                }
            });
        }
        assertThat(live)
                .as("a page is read when it is asked for: entries removed before hold nothing")
                .isEmpty();
        assertThat(tier.entryPages(100).hasNext()).isFalse();
    }

    @Test
    void clearDropsEverything() {
        for (int i = 0; i < 50; i++) {
            tier.put("k" + i, new TierEntry(value("v"), LATER));
        }

        tier.clear();

        assertThat(tier.size()).isZero();
        assertThat(tier.get("k1")).isNull();
        assertThat(tier.keys().hasNext()).isFalse();
    }

    @Test
    void anExpiredEntryIsNeverReturnedAsLiveOrWithAnotherInstant() {
        long soon = clock.millis() + 10;
        tier.put("k", new TierEntry(value("v"), soon));
        clock.advance(java.time.Duration.ofMillis(20));

        TierEntry entry = tier.get("k");

        // A tier may drop an expired entry or keep it until asked; it must not report it as live.
        if (entry != null) {
            assertThat(entry.expiresAt()).isEqualTo(soon);
            assertThat(entry.isExpired(clock.millis())).isTrue();
        }
    }
}
