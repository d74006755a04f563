package dev.terrace.jcache.fault.store;

import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A tier whose next read, once armed, fetches its entry and then waits until the test lets it return. */
final class PausingTier<K> extends ForwardingTier<K> {

    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile boolean armed;

    PausingTier(Tier<K> delegate) {
        super(delegate);
    }

    /** The next {@link #get} pauses after it has read the entry. */
    void pauseNextRead() {
        armed = true;
    }

    /** Waits until a read has fetched its entry and paused. */
    void awaitPaused() throws InterruptedException {
        if (!paused.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no read reached the paused tier within 30 s");
        }
    }

    /** Lets the paused read return what it fetched. */
    void resume() {
        resumed.countDown();
    }

    @Override
    public TierEntry get(K key) {
        TierEntry entry = delegate.get(key);
        if (armed) {
            armed = false;
            paused.countDown();
            try {
                if (!resumed.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never resumed the paused read");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while paused", e);
            }
        }
        return entry;
    }
}
