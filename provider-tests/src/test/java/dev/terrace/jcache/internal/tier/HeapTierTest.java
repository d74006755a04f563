package dev.terrace.jcache.internal.tier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapTierTest extends TierConformanceTest {

    private final List<String> evicted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> expired = Collections.synchronizedList(new ArrayList<>());

    @Override
    protected Tier<String> newTier(MutableClock clock) {
        return new HeapTier<>(10_000, clock, (tier, key, entry, wasExpired) -> {
            (wasExpired ? expired : evicted).add(key);
        });
    }

    @Test
    void staysWithinItsBoundAndReportsEachEviction() {
        HeapTier<String> small = new HeapTier<>(100, clock, (t, key, entry, wasExpired) -> evicted.add(key));
        for (int i = 0; i < 1_000; i++) {
            small.put("k" + i, new TierEntry("v" + i, LATER));
        }
        small.cleanUp();

        long held = small.size();
        assertThat(held).as("entries held by a tier bounded at 100").isLessThanOrEqualTo(100);
        assertThat(evicted).as("one eviction reported per entry dropped").hasSize((int) (1_000 - held));
        assertThat(expired).isEmpty();
        small.close();
    }

    @Test
    void reclaimsExpiredEntriesNobodyReadAndReportsThemAsExpired() {
        HeapTier<String> heap = new HeapTier<>(100, clock, (t, key, entry, wasExpired) -> {
            (wasExpired ? expired : evicted).add(key);
        });
        heap.put("short", new TierEntry("v", clock.millis() + 1_000));
        heap.put("long", new TierEntry("v", TierEntry.ETERNAL));

        clock.advance(Duration.ofMillis(1_000 + HeapTier.RECLAIM_GRACE_MILLIS + 1));
        heap.cleanUp();

        assertThat(expired).containsExactly("short");
        assertThat(heap.get("long")).isNotNull();
        assertThat(evicted).isEmpty();
        heap.close();
    }

    @Test
    void keepsAnExpiredEntryDuringTheGracePeriodSoTheCacheObservesTheExpiry() {
        HeapTier<String> heap = new HeapTier<>(100, clock, TierListener.none());
        heap.put("k", new TierEntry("v", clock.millis() + 10));

        clock.advance(Duration.ofMillis(20));

        TierEntry entry = heap.get("k");
        assertThat(entry).as("expired entry still held within the grace period").isNotNull();
        assertThat(entry.isExpired(clock.millis())).isTrue();
        heap.close();
    }

    @Test
    void isWithinItsBoundWheneverAWriteReturnsWhileReadsAreMaintainedInTheBackground() {
        HeapTier<String> small = new HeapTier<>(50, Duration.ZERO, clock, TierListener.none(), false);
        for (int i = 0; i < 2_000; i++) {
            small.put("k" + i, new TierEntry("v" + i, TierEntry.ETERNAL));
            // Reads fill Caffeine's read buffers, whose maintenance then runs on another thread, possibly while
            // the next write wants it.
            for (int j = 0; j < 20; j++) {
                small.get("k" + (i - j % 10));
            }
            assertThat(small.size()).as("entries held after write %d", i).isLessThanOrEqualTo(50);
        }
        small.close();
    }

    @Test
    void aTierWhoseEntriesNeverExpireKeepsAnEntryWithAnInstantUntilItIsReadOrEvicted() {
        HeapTier<String> eternal = new HeapTier<>(
                100,
                Duration.ZERO,
                clock,
                (t, key, entry, wasExpired) -> {
                    (wasExpired ? expired : evicted).add(key);
                },
                false);
        eternal.put("short", new TierEntry("v", clock.millis() + 1_000));

        clock.advance(Duration.ofMillis(1_000 + HeapTier.RECLAIM_GRACE_MILLIS + 1));
        eternal.cleanUp();

        assertThat(eternal.get("short"))
                .as("no expiry tracked: the layers above judge it")
                .isNotNull();
        assertThat(expired).isEmpty();
        eternal.close();
    }

    @Test
    void givesBackEachEntryAsItWasStoredWhetherEternalOrNotAndWhateverItsValue() {
        HeapTier<String> heap = new HeapTier<>(100, clock, TierListener.none());
        TierEntry eternal = new TierEntry("v", TierEntry.ETERNAL);
        TierEntry expiring = new TierEntry("w", clock.millis() + 60_000);
        // A value cached by reference may itself be an entry: it must not be taken for the tier's own wrapping.
        TierEntry holdingAnEntry = new TierEntry(new TierEntry("inner", 7L), TierEntry.ETERNAL);
        heap.put("eternal", eternal);
        heap.put("expiring", expiring);
        heap.compute("holding", current -> holdingAnEntry);

        assertThat(heap.get("eternal"))
                .as("an eternal entry kept as its bare value")
                .isEqualTo(eternal);
        assertThat(heap.get("expiring")).as("an entry with an instant keeps it").isEqualTo(expiring);
        assertThat(heap.get("holding"))
                .as("an eternal entry whose value is an entry comes back with that value, not unwrapped")
                .isEqualTo(holdingAnEntry);
        assertThat(heap.compute("eternal", current -> current))
                .as("a compute sees and returns the entry as stored")
                .isEqualTo(eternal);
        heap.close();
    }
}
