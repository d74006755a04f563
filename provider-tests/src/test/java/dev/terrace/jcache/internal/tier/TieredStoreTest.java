package dev.terrace.jcache.internal.tier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.MutableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tier stack's rules, with two heap tiers standing in for a near and an authoritative tier. */
class TieredStoreTest extends TierConformanceTest {

    private final HeapTier<String> near = new HeapTier<>(10_000, clock, TierListener.none());
    private final HeapTier<String> authority = new HeapTier<>(10_000, clock, TierListener.none());
    private final TieredStore<String> store = new TieredStore<>(List.of(near, authority));

    /** The store passes the tier suite too, as a tier of its own. */
    @Override
    protected Tier<String> newTier(MutableClock clock) {
        return new StoreAsTier(new TieredStore<>(List.of(
                new HeapTier<>(10_000, clock, TierListener.none()),
                new HeapTier<>(10_000, clock, TierListener.none()))));
    }

    @Test
    void aHitBelowIsPromotedIntoTheNearTier() {
        authority.put("k", new TierEntry("v", LATER));

        assertThat(store.get("k").value()).isEqualTo("v");

        assertThat(near.get("k")).as("near copy after the read").isNotNull();
    }

    @Test
    void computeDecidesInTheAuthorityAndRefreshesNearCopies() {
        near.put("k", new TierEntry("stale", LATER));
        authority.put("k", new TierEntry("v1", LATER));

        store.compute("k", current -> new TierEntry(current.value() + "+", LATER));

        assertThat(authority.get("k").value())
                .as("decided on the authority's value")
                .isEqualTo("v1+");
        assertThat(near.get("k").value()).isEqualTo("v1+");

        store.compute("k", current -> null);
        assertThat(near.get("k")).isNull();
        assertThat(authority.get("k")).isNull();
    }

    @Test
    void aReadHandsOutAnEternalEntryAsItsBareValueAndAnyOtherAsItIs() {
        authority.put("eternal", new TierEntry("v", TierEntry.ETERNAL));
        authority.put("expiring", new TierEntry("w", LATER));
        TierEntry holdingAnEntry = new TierEntry(new TierEntry("inner", 7L), TierEntry.ETERNAL);
        authority.put("holding", holdingAnEntry);

        for (int read = 0; read < 2; read++) {
            String from = read == 0 ? "from the authority" : "from the near copy";
            assertThat(store.getPacked("eternal"))
                    .as("an eternal entry, %s, is its bare value", from)
                    .isEqualTo("v");
            assertThat(store.getPacked("expiring"))
                    .as("an entry with an instant, %s, is the entry", from)
                    .isEqualTo(new TierEntry("w", LATER));
            assertThat(TierEntry.unpack(store.getPacked("holding")))
                    .as("a value that is itself an entry, %s, is not taken for the wrapping", from)
                    .isEqualTo(holdingAnEntry);
            assertThat(store.get("eternal")).isEqualTo(new TierEntry("v", TierEntry.ETERNAL));
        }
        assertThat(near.getPacked("eternal")).as("promoted by the first read").isEqualTo("v");
        assertThat(store.getPacked("absent")).isNull();
    }

    @Test
    void anEvictionFromTheNearTierLeavesTheEntryBelow() {
        store.compute("k", current -> new TierEntry("v", LATER));
        near.remove("k");

        assertThat(store.get("k").value()).isEqualTo("v");
        assertThat(near.get("k")).isNotNull();
    }

    @Test
    void removeAndClearReachEveryTier() {
        store.compute("a", current -> new TierEntry("v", LATER));
        store.compute("b", current -> new TierEntry("v", LATER));

        store.remove("a");
        assertThat(near.get("a")).isNull();
        assertThat(authority.get("a")).isNull();

        store.clear();
        assertThat(near.size()).isZero();
        assertThat(authority.size()).isZero();
    }

    /** Adapts a store to the tier interface so that it runs the conformance suite. */
    private static final class StoreAsTier implements Tier<String> {
        private final TieredStore<String> store;

        StoreAsTier(TieredStore<String> store) {
            this.store = store;
        }

        @Override
        public String name() {
            return "store";
        }

        @Override
        public TierEntry get(String key) {
            return store.get(key);
        }

        @Override
        public void put(String key, TierEntry entry) {
            store.compute(key, current -> entry);
        }

        @Override
        public void remove(String key) {
            store.remove(key);
        }

        @Override
        public TierEntry compute(String key, java.util.function.UnaryOperator<TierEntry> remapping) {
            return store.compute(key, remapping);
        }

        @Override
        public java.util.Iterator<String> keys() {
            return store.keys();
        }

        @Override
        public long size() {
            return store.size();
        }

        @Override
        public void clear() {
            store.clear();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
