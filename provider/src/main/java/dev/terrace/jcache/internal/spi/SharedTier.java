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

    /** What the near tiers and listeners of this process hear about changes made elsewhere. */
    interface Invalidations<K> {
        /** {@code key} changed elsewhere: drop near copies. */
        void changed(K key);

        /** Anything may have changed elsewhere (a clear, a flush, or changes that cannot be replayed). */
        void unknown();

        /**
         * Another process changed {@code key}: {@code type} is {@code CREATED}, {@code UPDATED}, {@code REMOVED}
         * or {@code EXPIRED}; the values are in stored form, {@code null} where there is none.
         */
        default void event(EventType type, K key, Object newValue, Object oldValue) {}
    }
}
