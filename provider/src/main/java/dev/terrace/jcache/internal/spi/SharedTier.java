package dev.terrace.jcache.internal.spi;

import dev.terrace.jcache.internal.tier.Tier;
import javax.cache.event.EventType;

/** An authoritative tier that other processes change too, and that tells of their changes. */
public interface SharedTier<K> extends Tier<K> {

    /**
     * Starts telling {@code invalidations} about changes made by other processes, replaying first those that
     * were made while this process was not listening, or saying {@link Invalidations#unknown()} when that
     * cannot be proved.
     */
    void subscribe(Invalidations<K> invalidations);

    /**
     * Tells the tier what this process's listeners want of changes made in other processes, whenever that
     * changes (a listener registered or deregistered, the cache closed), before the registration returns: {@code
     * values} when any listener is registered, {@code oldValues} when one of them requires old values. A tier may
     * then leave out of its announcements the values no process wants; an event whose old value was left out
     * comes to {@link Invalidations#event} with a {@code null} old value. Never fails: what cannot be recorded now
     * is recorded when the tier is reachable again.
     */
    default void listeners(boolean values, boolean oldValues) {}

    /** What the near tiers and listeners of this process hear about changes made elsewhere. */
    interface Invalidations<K> {
        /** {@code key} changed elsewhere: drop near copies. */
        void changed(K key);

        /** Anything may have changed elsewhere (a clear, a flush, or changes that cannot be replayed). */
        void unknown();

        /**
         * Another process changed {@code key}: {@code type} is {@code CREATED}, {@code UPDATED}, {@code REMOVED}
         * or {@code EXPIRED}; the values are in stored form, {@code null} where there is none, or where the old
         * value was left out because no listener wanted it (see {@link SharedTier#listeners}).
         */
        default void event(EventType type, K key, Object newValue, Object oldValue) {}
    }
}
