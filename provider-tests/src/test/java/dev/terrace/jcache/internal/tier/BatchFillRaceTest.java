package dev.terrace.jcache.internal.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, batch reads: {@link TieredStore#getAll} fills near copies with the same protection as a single get. A
 * copy of an entry the batch fetched before an invalidation of its key (a change made elsewhere) is never left
 * behind that invalidation, and the invalidation never waits for the batch's stripes.
 */
class BatchFillRaceTest {

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
    void aBatchReadOvertakenByAnInvalidationLeavesNoCopyOfWhatItFetched() throws Exception {
        authority.delegate.put("a", entry("a1"));
        authority.delegate.put("b", entry("b1"));
        CompletableFuture<Map<String, TierEntry>> read = gated();

        authority.delegate.put("b", entry("b2"));
        CompletableFuture.runAsync(() -> store.invalidateNearCopies("b"), threads)
                .get(5, TimeUnit.SECONDS);
        authority.open.countDown();

        Map<String, TierEntry> found = read.get(5, TimeUnit.SECONDS);
        assertThat(found.get("b").value())
                .as("the read answers what it fetched")
                .isEqualTo("b1");
        assertThat(near.get("b"))
                .as("no copy of the value fetched before the change")
                .isNull();
        assertThat(store.getAll(List.of("a", "b")).get("b").value()).isEqualTo("b2");
    }

    @Test
    void aBatchReadOvertakenByClearingEveryNearCopyLeavesNoCopyOfWhatItFetched() throws Exception {
        authority.delegate.put("a", entry("a1"));
        authority.delegate.put("b", entry("b1"));
        CompletableFuture<Map<String, TierEntry>> read = gated();

        CompletableFuture.runAsync(store::clearNearCopies, threads).get(5, TimeUnit.SECONDS);
        authority.open.countDown();

        assertThat(read.get(5, TimeUnit.SECONDS)).hasSize(2);
        assertThat(near.get("a")).as("no copy fetched before the clear").isNull();
        assertThat(near.get("b")).as("no copy fetched before the clear").isNull();
    }

    @Test
    void aBatchReadFillsNearCopiesAndAnswersNearHitsWithoutTheAuthority() {
        authority.delegate.put("a", entry("a1"));
        authority.delegate.put("b", entry("b1"));

        assertThat(store.getAll(List.of("a", "b", "c"))).containsOnlyKeys("a", "b");
        assertThat(near.get("a").value()).isEqualTo("a1");
        assertThat(near.get("b").value()).isEqualTo("b1");
        assertThat(authority.reads)
                .as("one read per key asked, the absent one included")
                .isEqualTo(3);

        assertThat(store.getAll(List.of("a", "b"))).containsOnlyKeys("a", "b");
        assertThat(authority.reads).as("near hits do not reach the authority").isEqualTo(3);
    }

    @Test
    void aBatchReadInsideAChangeOfAKeyReadsKeyByKeyWithoutTakingMoreStripes() throws Exception {
        authority.delegate.put("a", entry("a1"));
        authority.delegate.put("b", entry("b1"));
        CompletableFuture<Map<String, TierEntry>> inside = CompletableFuture.supplyAsync(
                () -> {
                    AtomicReference<Map<String, TierEntry>> seen = new AtomicReference<>();
                    store.compute("x", current -> {
                        seen.set(store.getAll(List.of("a", "b")));
                        return entry("x1");
                    });
                    return seen.get();
                },
                threads);
        assertThat(inside.get(5, TimeUnit.SECONDS)).containsOnlyKeys("a", "b");
    }

    /** A batch read of a and b, held after it fetched from the authority until {@code authority.open}. */
    private CompletableFuture<Map<String, TierEntry>> gated() {
        authority.gate = true;
        CompletableFuture<Map<String, TierEntry>> future =
                CompletableFuture.supplyAsync(() -> store.getAll(List.of("a", "b")), threads);
        await(authority.fetched);
        authority.gate = false;
        return future;
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
     * A heap tier whose batch read, while {@code gate} is set, holds after it has fetched (as a network reply still
     * on its way would) until {@code open} is counted down; counts the keys it was asked to read.
     */
    private static final class GatedTier implements Tier<String> {
        final HeapTier<String> delegate = new HeapTier<>(1_000, Clock.systemUTC(), TierListener.none());
        final CountDownLatch fetched = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        volatile boolean gate;
        volatile int reads;

        @Override
        public Map<String, TierEntry> getAll(java.util.Collection<? extends String> keys) {
            reads += keys.size();
            Map<String, TierEntry> found = Tier.super.getAll(keys);
            if (gate) {
                fetched.countDown();
                await(open);
            }
            return found;
        }

        @Override
        public String name() {
            return "gated";
        }

        @Override
        public TierEntry get(String key) {
            return delegate.get(key);
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
            return delegate.compute(key, remapping);
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
