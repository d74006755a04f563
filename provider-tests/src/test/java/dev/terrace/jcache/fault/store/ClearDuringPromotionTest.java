package dev.terrace.jcache.fault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 10: {@code clear()} while a read is between fetching an entry from below and promoting it.
 * The read must not put the value from before the clear back into the near tier.
 */
class ClearDuringPromotionTest {

    @Test
    void aReadInFlightDuringClearLeavesNoPreClearCopyInTheNearTier() throws Exception {
        HeapTier<String> near = new HeapTier<>(100, Clock.systemUTC(), TierListener.none());
        PausingTier<String> authority = new PausingTier<>(new HeapTier<>(100, Clock.systemUTC(), TierListener.none()));
        TieredStore<String> store = new TieredStore<>(List.of(near, authority));
        authority.put("k", new TierEntry("before-clear", TierEntry.ETERNAL));

        authority.pauseNextRead();
        CompletableFuture<TierEntry> read = CompletableFuture.supplyAsync(() -> store.get("k"));
        authority.awaitPaused();
        Thread clearing = new Thread(store::clear, "clearing");
        clearing.start();
        // Either the clear is done, or it waits for the read to finish its promotion: both are fine here.
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> !clearing.isAlive() || clearing.getState() == Thread.State.WAITING);
        authority.resume();
        read.get(30, TimeUnit.SECONDS);
        clearing.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(clearing.isAlive()).as("the clear finished").isFalse();
        assertThat(near.get("k"))
                .as("the near tier holds no copy of a value from before clear()")
                .isNull();
        assertThat(store.get("k")).as("after clear() the key is absent").isNull();
    }
}
