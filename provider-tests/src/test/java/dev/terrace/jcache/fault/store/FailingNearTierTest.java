package dev.terrace.jcache.fault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The failure policy for near tiers (issue 12, "one failure policy"): a near tier that fails behaves as empty,
 * never fails the call, is counted, and a near tier that cannot drop a copy it may hold wrongly is bypassed.
 */
class FailingNearTierTest {

    private final BrokenTier<String> near =
            new BrokenTier<>(new HeapTier<>(100, Clock.systemUTC(), TierListener.none()));
    private final HeapTier<String> authority = new HeapTier<>(100, Clock.systemUTC(), TierListener.none());
    private final TieredStore<String> store = new TieredStore<>(List.of(near, authority));

    private static TierEntry entry(String value) {
        return new TierEntry(value, TierEntry.ETERNAL);
    }

    @Test
    void aNearTierThatFailsToReadIsAMissAndTheAuthorityAnswers() {
        store.compute("k", current -> entry("v"));
        near.breakDown();

        assertThat(store.get("k").value()).isEqualTo("v");
        assertThat(store.counters().failures(0)).as("the failure is counted").isPositive();
    }

    @Test
    void aWriteSucceedsThoughTheNearTierFailsAndNoStaleCopyIsEverServed() {
        store.compute("k", current -> entry("old"));
        near.breakDown();

        TierEntry written = store.compute("k", current -> entry("new"));

        assertThat(written.value()).isEqualTo("new");
        assertThat(authority.get("k").value()).isEqualTo("new");
        near.heal();
        assertThat(store.get("k").value())
                .as("the near tier could not drop its old copy: it is bypassed, never served")
                .isEqualTo("new");
    }

    @Test
    void aNearTierThatCannotBeClearedIsBypassed() {
        store.compute("k", current -> entry("before"));
        near.breakDown();

        store.clear();
        near.heal();

        assertThat(store.get("k"))
                .as("nothing survives clear(), not even in a near tier that failed")
                .isNull();
    }
}
