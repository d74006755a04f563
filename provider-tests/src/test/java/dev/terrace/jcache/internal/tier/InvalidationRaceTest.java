package dev.terrace.jcache.internal.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5: an invalidation (a change made elsewhere) never waits for a key's stripe, whose holder may
 * run user code or wait on the network, and the fill race stays closed: a near copy fetched before an
 * invalidation of its key is never left behind it.
 */
class InvalidationRaceTest {

    private static final long LATER = 4_000_000_000_000L;

    private final HeapTier<String> near = new HeapTier<>(1_000, Clock.systemUTC(), TierListener.none());
    private final GatedTier authority = new GatedTier();
    private final TieredStore<String> store = new TieredStore<>(List.of(near, authority));
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        authority.open.countDown();
        threads.shutdownNow();
    }

    @Test
    void anInvalidationDoesNotWaitForAChangeOfAnotherKeyRunningUserCode() throws Exception {
        // Equal hash codes: the same stripe, however the store stripes its keys.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        store.compute("BB", current -> entry("v1"));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<TierEntry> slow = CompletableFuture.supplyAsync(
                () -> store.compute("Aa", current -> {
                    running.countDown();
                    await(finish);
                    return entry("slow");
                }),
                threads);
        await(running);

        promptly(() -> store.invalidateNearCopies("BB"));
        assertThat(near.get("BB")).as("the copy of the unrelated key").isNull();
        promptly(store::clearNearCopies);

        finish.countDown();
        assertThat(slow.get(5, TimeUnit.SECONDS).value()).isEqualTo("slow");
        assertThat(store.get("BB").value()).isEqualTo("v1");
    }

    @Test
    void aReadOvertakenByAnInvalidationLeavesNoCopyOfWhatItFetched() throws Exception {
        authority.delegate.put("k", entry("v1"));
        CompletableFuture<TierEntry> read = gated(() -> store.get("k"));

        changeElsewhere("k", "v2");
        promptly(() -> store.invalidateNearCopies("k"));
        authority.open.countDown();

        assertThat(read.get(5, TimeUnit.SECONDS).value())
                .as("the read answers what it fetched")
                .isEqualTo("v1");
        assertThat(near.get("k"))
                .as("no copy of the value fetched before the change")
                .isNull();
        assertThat(store.get("k").value()).isEqualTo("v2");
    }

    @Test
    void aReadOvertakenByClearingEveryNearCopyLeavesNoCopyOfWhatItFetched() throws Exception {
        authority.delegate.put("k", entry("v1"));
        CompletableFuture<TierEntry> read = gated(() -> store.get("k"));

        changeElsewhere("k", "v2");
        promptly(store::clearNearCopies);
        authority.open.countDown();

        assertThat(read.get(5, TimeUnit.SECONDS).value()).isEqualTo("v1");
        assertThat(near.get("k"))
                .as("no copy of the value fetched before the clear")
                .isNull();
        assertThat(store.get("k").value()).isEqualTo("v2");
    }

    @Test
    void aWriteOvertakenByAnInvalidationLeavesNoCopyOfItsOwnOlderValue() throws Exception {
        CompletableFuture<TierEntry> write = gated(() -> store.compute("k", current -> entry("mine")));

        changeElsewhere("k", "theirs");
        promptly(() -> store.invalidateNearCopies("k"));
        authority.open.countDown();

        assertThat(write.get(5, TimeUnit.SECONDS).value()).isEqualTo("mine");
        assertThat(near.get("k"))
                .as("no copy of a value another process has overwritten since")
                .isNull();
        assertThat(store.get("k").value()).isEqualTo("theirs");
    }

    @Test
    void aCopyFilledAfterTheInvalidationIsKept() {
        authority.delegate.put("k", entry("v1"));
        store.invalidateNearCopies("k");

        assertThat(store.get("k").value()).isEqualTo("v1");
        assertThat(near.get("k")).as("a fill that began after the invalidation").isNotNull();
    }

    /** Runs {@code call} until it has fetched from the authority, where it waits for {@code authority.open}. */
    private CompletableFuture<TierEntry> gated(Supplier<TierEntry> call) {
        authority.gate = true;
        CompletableFuture<TierEntry> future = CompletableFuture.supplyAsync(call, threads);
        await(authority.fetched);
        authority.gate = false;
        return future;
    }

    /** Runs {@code invalidation}, failing if it waits (for a stripe) instead of returning at once. */
    private void promptly(Runnable invalidation) throws Exception {
        CompletableFuture.runAsync(invalidation, threads).get(5, TimeUnit.SECONDS);
    }

    /** Another process changes the key in the authority. */
    private void changeElsewhere(String key, String value) {
        authority.delegate.put(key, entry(value));
    }

    private static TierEntry entry(String value) {
        return new TierEntry(value, LATER);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a latch was not counted down within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A heap tier that, while {@code gate} is set, holds a read or change after it has fetched or decided
     * (as a network reply still on its way would) until {@code open} is counted down.
     */
    private static final class GatedTier implements Tier<String> {
        final HeapTier<String> delegate = new HeapTier<>(1_000, Clock.systemUTC(), TierListener.none());
        final CountDownLatch fetched = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        volatile boolean gate;

        private TierEntry hold(TierEntry entry) {
            if (gate) {
                fetched.countDown();
                await(open);
            }
            return entry;
        }

        @Override
        public String name() {
            return "gated";
        }

        @Override
        public TierEntry get(String key) {
            return hold(delegate.get(key));
        }

        @Override
        public void put(String key, TierEntry entry) {
            delegate.put(key, entry);
        }

        @Override
        public void remove(String key) {
            delegate.remove(key);
        }

        @Override
        public TierEntry compute(String key, UnaryOperator<TierEntry> remapping) {
            return hold(delegate.compute(key, remapping));
        }

        @Override
        public Iterator<String> keys() {
            return delegate.keys();
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
