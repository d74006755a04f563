package dev.terrace.jcache;

import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.internal.copy.Copier;
import dev.terrace.jcache.internal.dependency.DependencyHook;
import dev.terrace.jcache.internal.event.EventDispatcher;
import dev.terrace.jcache.internal.expiry.ExpiryCalculator;
import dev.terrace.jcache.internal.management.TerraceStatistics;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.time.Clock;
import java.util.Objects;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one cache that every JCache operation works on, and the steps operations share while they
 * hold a key inside the store's atomic compute: telling live entries from expired ones, computing expiry
 * instants, writing through, and publishing events.
 */
final class CacheCore<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(CacheCore.class);

    final String name;
    final TieredStore<K> store;
    final Copier copier;
    final ExpiryCalculator expiry;
    final EventDispatcher<K, V> events;
    final TerraceStatistics statistics;
    final Clock clock;
    /** The writer when the cache writes through, else {@code null}. */
    final CacheWriter<K, V> writer;
    /** What the entries depend on; a no-op without file dependencies. */
    final DependencyHook<K> dependencies;

    CacheCore(
            String name,
            TieredStore<K> store,
            Copier copier,
            ExpiryCalculator expiry,
            EventDispatcher<K, V> events,
            TerraceStatistics statistics,
            Clock clock,
            CacheWriter<K, V> writer,
            DependencyHook<K> dependencies) {
        this.name = name;
        this.store = store;
        this.copier = copier;
        this.expiry = expiry;
        this.events = events;
        this.statistics = statistics;
        this.clock = clock;
        this.writer = writer;
        this.dependencies = dependencies;
    }

    /**
     * The time a step on a key that holds {@code current} works with: the clock's, except where neither the
     * entry nor the policy can make time matter (an eternal policy and an entry that never expires), where
     * reading the clock would only cost time; then 0, which no expiry instant is at or before.
     */
    long now(TierEntry current) {
        return expiry.isEternal() && (current == null || current.expiresAt() == TierEntry.ETERNAL)
                ? 0L
                : clock.millis();
    }

    /**
     * Whether a put may store its entry without reading what the key held, because nothing would use it: no
     * writer to call ({@code writeThrough} off, or none), no listener to tell, no file dependencies to record,
     * and an eternal policy, under which a new entry and an update both leave an entry that never expires (in a
     * store that holds only entries made under this policy). The statistics of a put do not need it either.
     */
    boolean writesBlindly(boolean writeThrough) {
        return (!writeThrough || writer == null)
                && expiry.isEternal()
                && dependencies instanceof DependencyHook.None
                && !events.hasListeners();
    }

    /**
     * Whether a put may be decided by the store in one step ({@link TieredStore#putDecided}) from outcomes computed
     * before it reaches the key: the authority decides puts itself, no writer to call, no listener (whose events
     * must be published in the key's change order, which only running the step at the authority keeps), no file
     * dependencies, and an expiry policy whose answers are known without running user code ({@link #fixedExpiry}).
     */
    boolean decidesPutsInOneStep(boolean writeThrough) {
        return (!writeThrough || writer == null)
                && dependencies instanceof DependencyHook.None
                && !events.hasListeners()
                && fixedExpiry()
                && store.decidesPuts();
    }

    /**
     * Whether the expiry policy's answers depend on nothing but the clock and run no user code: JCache's own
     * policies, of exactly their classes (a subclass, like any other policy, is the application's code, which may
     * count or vary its answers, so it is asked only when an operation needs it).
     */
    private boolean fixedExpiry() {
        if (expiry.isEternal()) {
            return true;
        }
        Class<?> type = expiry.policy() == null ? null : expiry.policy().getClass();
        return type == CreatedExpiryPolicy.class
                || type == ModifiedExpiryPolicy.class
                || type == AccessedExpiryPolicy.class
                || type == TouchedExpiryPolicy.class;
    }

    /**
     * Whether changes of several keys may be handed to the store as one batch: no listener waits for each
     * change's events and no file dependencies are recorded per change.
     */
    boolean batchesChanges() {
        return dependencies instanceof DependencyHook.None && !events.hasListeners();
    }

    /** The value a caller receives for {@code entry}. */
    V valueOf(TierEntry entry) {
        return copier.fromStored(entry.value());
    }

    /** Whether {@code entry} holds a value equal to {@code value}. */
    boolean holds(TierEntry entry, V value) {
        return Objects.deepEquals(valueOf(entry), value);
    }

    /**
     * {@code current} if it is live at {@code now}; {@code null} if it is absent or expired, publishing the
     * expiry. Call while holding the key.
     */
    TierEntry live(K key, TierEntry current, long now) {
        if (current == null || !current.isExpired(now)) {
            return current;
        }
        if (events.hasListeners()) {
            events.publish(EventType.EXPIRED, key, null, valueOf(current));
        }
        return null;
    }

    /**
     * The entry that stores {@code value} for a key that held none, publishing its creation; {@code null} when
     * the expiry policy makes it expire at once, in which case nothing is stored and nothing published.
     */
    TierEntry created(K key, V value, Object stored, long now) {
        long expiresAt = expiry.forCreation(now);
        if (expiresAt <= now) {
            return null;
        }
        dependencies.stored(key);
        if (events.hasListeners()) {
            events.publish(EventType.CREATED, key, value, null);
        }
        return new TierEntry(stored, expiresAt);
    }

    /** The entry that replaces the live entry {@code previous} with {@code value}, publishing the update. */
    TierEntry updated(K key, TierEntry previous, V value, Object stored, long now) {
        long expiresAt = expiry.forUpdate(now);
        if (expiresAt == ExpiryCalculator.UNCHANGED) {
            expiresAt = previous.expiresAt();
        }
        dependencies.stored(key);
        dependencies.replaced(key);
        if (events.hasListeners()) {
            events.publish(EventType.UPDATED, key, value, valueOf(previous));
        }
        return new TierEntry(stored, expiresAt);
    }

    /** {@code entry} with the expiry instant the policy gives an access at {@code now}. */
    TierEntry accessed(TierEntry entry, long now) {
        long expiresAt = expiry.forAccess(now);
        return expiresAt == ExpiryCalculator.UNCHANGED ? entry : entry.withExpiresAt(expiresAt);
    }

    /** Publishes the removal of the live entry {@code previous}. */
    void removed(K key, TierEntry previous) {
        dependencies.removed(key);
        if (events.hasListeners()) {
            events.publish(EventType.REMOVED, key, null, valueOf(previous));
        }
    }

    /**
     * Removes the entry of {@code key} because something it was derived from changed: from every tier, with a
     * {@code REMOVED} event carrying {@code cause}, but without the writer or the removal statistics (the system
     * of record did not change). Runs {@code underLock} while the store holds the key.
     *
     * @return whether a live entry was removed
     */
    boolean invalidate(K key, InvalidationCause cause, Runnable underLock) {
        boolean[] removed = {false};
        try {
            store.compute(key, current -> {
                underLock.run();
                TierEntry live = live(key, current, clock.millis());
                if (live != null) {
                    removed[0] = true;
                    if (events.hasListeners()) {
                        // Delivered once every tier has dropped the entry: a listener that reads the key then
                        // finds it gone everywhere.
                        events.publish(EventType.REMOVED, key, null, valueOf(live), cause);
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            events.flushAfterFailure(e);
            throw e;
        }
        try {
            events.flush();
        } catch (CacheEntryListenerException e) {
            // Nobody called for this removal, so nobody can be told: the entry is gone all the same.
            LOG.warn("Cache {}: a listener failed on the invalidation of an entry", name, e);
        }
        return removed[0];
    }

    /** Runs {@code action} while the store holds {@code key}, if it has no entry for it. */
    void ifAbsent(K key, Runnable action) {
        store.compute(key, current -> {
            if (current == null) {
                action.run();
            }
            return current;
        });
    }

    /** Applies the access expiry to the entry of {@code key} if it is still {@code seen}. */
    void touch(K key, TierEntry seen, long now) {
        long expiresAt = expiry.forAccess(now);
        if (expiresAt == ExpiryCalculator.UNCHANGED || expiresAt == seen.expiresAt()) {
            return;
        }
        try {
            store.compute(key, current -> seen.equals(current) ? current.withExpiresAt(expiresAt) : current);
        } catch (TierUnavailableException e) {
            // A read never fails for want of a tier: the new expiry is applied at the next access.
            LOG.debug("Cache {}: the access expiry of an entry was not stored: {}", name, e.getMessage());
        }
    }

    /** Drops the entry of {@code key} if it has expired, publishing the expiry to listeners. */
    void expire(K key) {
        try {
            store.compute(key, current -> live(key, current, clock.millis()));
            events.flush();
        } catch (TierUnavailableException e) {
            // The expired entry is not served (the reader checks expiry); it is dropped at a later access.
            LOG.debug("Cache {}: an expired entry was not dropped yet: {}", name, e.getMessage());
            events.flushAfterFailure(e);
        } catch (RuntimeException e) {
            events.flushAfterFailure(e);
            throw e;
        }
    }

    /** Writes {@code key} and {@code value} through to the writer, if the cache writes through. */
    void writeThrough(K key, V value) {
        if (writer == null) {
            return;
        }
        try {
            writer.write(new TerraceCacheEntry<>(key, value));
        } catch (RuntimeException e) {
            throw asWriterException(e);
        }
    }

    /** Deletes {@code key} through the writer, if the cache writes through. */
    void deleteThrough(K key) {
        if (writer == null) {
            return;
        }
        try {
            writer.delete(key);
        } catch (RuntimeException e) {
            throw asWriterException(e);
        }
    }

    static CacheWriterException asWriterException(Exception e) {
        return e instanceof CacheWriterException writerException
                ? writerException
                : new CacheWriterException("The cache writer failed: " + e, e);
    }
}
