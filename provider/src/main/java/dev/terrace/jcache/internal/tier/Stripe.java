package dev.terrace.jcache.internal.tier;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stripe of a {@link TieredStore}'s keys: a count of the changes of its keys, and a lock held only for the
 * moment a near copy is stored — never across user code or a wait on the network, so that no key waits for an
 * unrelated one.
 *
 * <p>Every change of a key counts itself here: a change made in this process once the authority has made it,
 * a change made elsewhere (an invalidation) before its near copies are dropped. A read or write notes the
 * count before it asks the authority, and stores the near copy it brings back only if the count has not moved
 * since; otherwise another change of the stripe may have come between, in either order, and it drops the copy
 * instead (the next read fetches it again). Changes made here store their copies under the lock, so that a
 * copy stored by one never replaces a newer one stored by another; invalidations never wait for the lock, and
 * the store checks the count again after storing.
 */
final class Stripe extends ReentrantLock {

    private static final long serialVersionUID = 1L;

    private final AtomicLong changes = new AtomicLong();

    /** How many changes of this stripe's keys were counted so far. */
    long changes() {
        return changes.get();
    }

    /** Counts a change of a key of this stripe; returns the count including it. */
    long changed() {
        return changes.incrementAndGet();
    }
}
