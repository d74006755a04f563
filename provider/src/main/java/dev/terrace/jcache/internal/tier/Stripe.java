package dev.terrace.jcache.internal.tier;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock of one stripe of a {@link TieredStore}'s keys, which also counts the invalidations of those keys.
 *
 * <p>An invalidation (a change made elsewhere) never takes the lock: its holder may be running user code or
 * waiting on the network, and an unrelated key of the stripe must not stay stale meanwhile. Instead it counts
 * itself here and drops the near copies at once. The holder notes the count when it takes the lock, and keeps
 * a near copy it installs only if the count has not moved since: a value it fetched before an invalidation
 * never outlives that invalidation.
 */
final class Stripe extends ReentrantLock {

    private static final long serialVersionUID = 1L;

    private final AtomicLong invalidations = new AtomicLong();
    /** The count when the holder took the lock; read and written by the holder only. */
    private long seenWhenLocked;

    /** Takes the lock, noting the invalidation count when this thread did not hold it already. */
    @Override
    public void lock() {
        super.lock();
        if (getHoldCount() == 1) {
            seenWhenLocked = invalidations.get();
        }
    }

    /** Counts an invalidation of a key of this stripe; called before its near copies are dropped. */
    void invalidated() {
        invalidations.incrementAndGet();
    }

    /**
     * Whether a key of this stripe was invalidated since the calling thread took the lock (which it holds): a
     * copy it fetched since may be older than the change that invalidation announced.
     */
    boolean invalidatedSinceLocked() {
        return invalidations.get() != seenWhenLocked;
    }
}
