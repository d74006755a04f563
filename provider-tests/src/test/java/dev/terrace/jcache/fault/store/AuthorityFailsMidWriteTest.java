package dev.terrace.jcache.fault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 11: the authority fails after the remapping of a change ran (between the read and the
 * write). The remapping holds user code (a cache writer, an entry processor) and queues events: it must
 * never run a second time.
 */
class AuthorityFailsMidWriteTest {

    private final HeapTier<String> near = new HeapTier<>(100, Clock.systemUTC(), TierListener.none());

    private TieredStore<String> store(FailingAfterRemapTier<String> authority) {
        return new TieredStore<>(List.of(near, authority));
    }

    @Test
    void withADeferringAuthorityTheRemappingRunsOnceAndItsResultIsKeptNear() {
        FailingAfterRemapTier<String> authority =
                new FailingAfterRemapTier<>(new HeapTier<>(100, Clock.systemUTC(), TierListener.none()), true);
        TieredStore<String> store = store(authority);
        store.compute("k", current -> new TierEntry("v0", TierEntry.ETERNAL));
        authority.failWrites();
        AtomicInteger runs = new AtomicInteger();

        TierEntry result = store.compute("k", current -> {
            runs.incrementAndGet();
            return new TierEntry(current == null ? "from-nothing" : current.value() + "+1", TierEntry.ETERNAL);
        });

        assertThat(runs.get())
                .as("the remapping (a writer, a processor) ran once, not again on the near copy")
                .isEqualTo(1);
        assertThat(result.value()).isEqualTo("v0+1");
        assertThat(near.get("k").value())
                .as("the near tier keeps the change the authority noted for later")
                .isEqualTo("v0+1");
    }

    @Test
    void withoutDeferringTheCallerLearnsTheChangeRanButMayNotBeStored() {
        FailingAfterRemapTier<String> authority =
                new FailingAfterRemapTier<>(new HeapTier<>(100, Clock.systemUTC(), TierListener.none()), false);
        TieredStore<String> store = store(authority);
        store.compute("k", current -> new TierEntry("v0", TierEntry.ETERNAL));
        authority.failWrites();
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> store.compute("k", current -> {
                    runs.incrementAndGet();
                    return new TierEntry("v1", TierEntry.ETERNAL);
                }))
                .isInstanceOf(CacheException.class)
                .isInstanceOf(TierUnavailableException.class)
                .hasMessageContaining(FailingAfterRemapTier.WHERE)
                .hasMessageContaining("may or may not");

        assertThat(runs.get()).isEqualTo(1);
        assertThat(near.get("k"))
                .as("a near copy that may disagree with the authority is dropped")
                .isNull();
    }
}
