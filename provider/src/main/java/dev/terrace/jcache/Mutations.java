package dev.terrace.jcache;

import dev.terrace.jcache.internal.event.EventDispatcher;
import dev.terrace.jcache.internal.expiry.ExpiryCalculator;
import dev.terrace.jcache.internal.tier.DecidedPut;
import dev.terrace.jcache.internal.tier.DecidedWrite;
import dev.terrace.jcache.internal.tier.Remapping;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.cache.Cache;

/**
 * The writes of one cache: each single-key write as one atomic step on its key in the store, and the bulk
 * writes that hand a whole batch to the cache writer before changing the store.
 *
 * <p>A step runs while the store holds its key, decides from the live entry alone, writes through before it
 * stores, and leaves the events it publishes to be delivered once the key is released. Those rules are what
 * makes a write correct, so every write keeps to them here, in one place, apart from the facade's argument
 * checks. Statistics stay with the caller: each write reports what it saw and did, in a {@link Change} or a
 * {@link Bulk}, and the caller counts from that.
 */
final class Mutations<K, V> {

    /** No instant chosen yet: a step reads the clock itself. */
    private static final long UNDECIDED = Long.MIN_VALUE;
    /**
     * The value of a previous entry that a put decided in one step did not bring back (see {@link #putInOneStep}):
     * a put that does not return the previous value reports only whether the entry was there.
     */
    private static final Object NOT_READ = new Object();
    /** How many keys {@link #removeEvery} removes with one batch: about what one SCAN of Redis lists. */
    private static final int REMOVAL_PAGE = 1_000;

    private final CacheCore<K, V> core;

    Mutations(CacheCore<K, V> core) {
        this.core = core;
    }

    /**
     * Stores {@code value} for {@code key}, whether or not the key holds a live entry. With {@code writeThrough}
     * the writer sees the value first; bulk puts pass {@code false} because they have written the batch already.
     * Without {@code wantsPrevious} the result's {@link Change#previous} may be left {@code null}.
     */
    Change put(K key, V value, boolean writeThrough, boolean wantsPrevious) {
        Object stored = core.copier.toStored(value);
        K storedKey = core.copier.copyKey(key);
        if (!wantsPrevious
                && core.writesBlindly(writeThrough)
                && core.store.putWithoutReading(storedKey, new TierEntry(stored, TierEntry.ETERNAL))) {
            return Change.STORED;
        }
        Putting change = putting(key, value, stored, writeThrough);
        if (core.decidesPutsInOneStep(writeThrough) && putInOneStep(storedKey, change, wantsPrevious)) {
            return change;
        }
        return change(storedKey, change);
    }

    /**
     * Makes a put with one step of the store ({@link CacheCore#decidesPutsInOneStep}; Redis: one script call, no
     * read before it): the put's two outcomes, for a key without and with a live entry, are decided here from one
     * reading of the clock and go down together, and the authority picks one. The put's own step then runs on what
     * the authority found, at that same instant, so what the put saw and did is decided by the same step as every
     * other put. Returns {@code false}, having changed nothing, where the put must be made as a compute: an expiry
     * that ends at once (a new entry not stored, an update left expired), or an authority that cannot be reached
     * (the compute then defers or refuses the change under the policy of a change).
     */
    private boolean putInOneStep(K storedKey, Putting change, boolean wantsPrevious) {
        long now = core.clock.millis();
        long created = core.expiry.forCreation(now);
        long updated = core.expiry.forUpdate(now);
        if (created <= now || (updated != ExpiryCalculator.UNCHANGED && updated <= now)) {
            return false;
        }
        DecidedPut.Found found;
        try {
            found = core.store.putDecided(
                    storedKey,
                    new DecidedPut(
                            change.stored,
                            now,
                            created,
                            updated == ExpiryCalculator.UNCHANGED ? DecidedPut.KEEP : updated,
                            wantsPrevious));
        } catch (TierUnavailableException e) {
            return false;
        }
        change.decidedAt = now;
        change.apply(
                found == null
                        ? null
                        : new TierEntry(found.value() == null ? NOT_READ : found.value(), found.expiresAt()));
        return true;
    }

    /**
     * The change a put makes: one object is the whole write on its way down (the step, its outcome and the
     * store's remapping), so the hot path allocates nothing else but the entry.
     */
    private Putting putting(K key, V value, Object stored, boolean writeThrough) {
        return new Putting(key, value, stored, writeThrough);
    }

    /** The step of a put: a new entry for a key without a live one, else an update of the live one. */
    private final class Putting extends Change {
        private final K key;
        private final V value;
        private final Object stored;
        private final boolean writeThrough;
        /** The instant the step works with, when the store decided it at that instant; else {@link #UNDECIDED}. */
        private long decidedAt = UNDECIDED;

        Putting(K key, V value, Object stored, boolean writeThrough) {
            this.key = key;
            this.value = value;
            this.stored = stored;
            this.writeThrough = writeThrough;
        }

        @Override
        TierEntry step(TierEntry current) {
            if (writeThrough) {
                core.writeThrough(key, value);
            }
            long now = decidedAt == UNDECIDED ? core.now(current) : decidedAt;
            TierEntry live = core.live(key, current, now);
            previous = live;
            TierEntry next =
                    live == null ? core.created(key, value, stored, now) : core.updated(key, live, value, stored, now);
            written = next != null;
            return next;
        }
    }

    /** Stores {@code value} for {@code key} only if the key holds no live entry. */
    Change putIfAbsent(K key, V value) {
        Object stored = core.copier.toStored(value);
        K storedKey = core.copier.copyKey(key);
        Object present = core.store.getWithoutLocking(storedKey);
        if (present != null && !isExpired(present)) {
            // A live entry is left as it is, without a writer call or an event: seen without the key's lock, it
            // was there when the call looked, which is all the answer says.
            return Change.KEPT_LIVE;
        }
        if (core.decidesPutsInOneStep(true)) {
            long now = core.clock.millis();
            long created = core.expiry.forCreation(now);
            if (created > now) {
                Change decided = inOneStep(
                        storedKey,
                        new DecidedWrite(DecidedWrite.Kind.PUT_IF_ABSENT, stored, now, created, 0, false, null));
                if (decided != null) {
                    return decided;
                }
            }
        }
        return change(storedKey, new Change() {
            @Override
            TierEntry step(TierEntry current) {
                long now = core.now(current);
                TierEntry live = core.live(key, current, now);
                previous = live;
                if (live != null) {
                    return live;
                }
                core.writeThrough(key, value);
                TierEntry created = core.created(key, value, stored, now);
                written = created != null;
                return created;
            }
        });
    }

    /** Whether the entry {@code packed} ({@link TierEntry#pack}) has expired; reads no clock for an eternal one. */
    private boolean isExpired(Object packed) {
        long expiresAt = TierEntry.expiresAt(packed);
        return expiresAt != TierEntry.ETERNAL && core.clock.millis() >= expiresAt;
    }

    /** Replaces the live entry of {@code key} with {@code value}; does nothing when the key holds none. */
    Change replace(K key, V value) {
        return replace(key, value, true);
    }

    /**
     * Replaces the live entry of {@code key} with {@code value}; does nothing when the key holds none. Without
     * {@code wantsPrevious} the result's {@link Change#previous} may hold a value that was not read.
     */
    Change replace(K key, V value, boolean wantsPrevious) {
        if (core.decidesPutsInOneStep(true)) {
            long now = core.clock.millis();
            long updated = core.expiry.forUpdate(now);
            if (updated == ExpiryCalculator.UNCHANGED || updated > now) {
                Change decided = inOneStep(
                        core.copier.copyKey(key),
                        new DecidedWrite(
                                DecidedWrite.Kind.REPLACE,
                                core.copier.toStored(value),
                                now,
                                0,
                                updated == ExpiryCalculator.UNCHANGED ? DecidedPut.KEEP : updated,
                                wantsPrevious,
                                null));
                if (decided != null) {
                    // Written also where an expired entry was removed, which is no replace.
                    decided.written = decided.previous != null;
                    return decided;
                }
            }
        }
        return ifLive(key, replacement(key, value));
    }

    /**
     * Makes {@code write} with one step of the store, as {@link #putInOneStep} makes a put (same conditions: {@link
     * CacheCore#decidesPutsInOneStep}), and reports the live entry the authority found at the write's instant as
     * the previous one, its value {@link #NOT_READ} unless the write brought it. Returns {@code null}, having
     * changed nothing, where the authority cannot be reached: the caller then makes the write as a compute.
     */
    private Change inOneStep(K storedKey, DecidedWrite write) {
        DecidedWrite.Outcome outcome;
        try {
            outcome = core.store.writeDecided(storedKey, write);
        } catch (TierUnavailableException e) {
            return null;
        }
        DecidedPut.Found found = outcome.found();
        Change change = new Change() {
            @Override
            TierEntry step(TierEntry current) {
                throw new IllegalStateException("a write decided in one step has no step");
            }
        };
        if (write.isLive(found)) {
            change.previous = new TierEntry(found.value() == null ? NOT_READ : found.value(), found.expiresAt());
        }
        change.written = outcome.written();
        return change;
    }

    /**
     * Replaces the live entry of {@code key} with {@code newValue} only if it holds {@code oldValue}. A live
     * entry that holds another value counts as accessed.
     */
    Change replace(K key, V oldValue, V newValue) {
        if (core.decidesPutsInOneStep(true) && bytesDecideEquality(oldValue)) {
            Change decided = replaceInOneStep(key, oldValue, newValue);
            if (decided != null) {
                return decided;
            }
        }
        return ifLive(key, ifHolds(oldValue, replacement(key, newValue)));
    }

    /**
     * Makes {@link #replace(Object, Object, Object)} with one step of the store, where the authority compares the
     * stored bytes: equal bytes replace the live entry. A live entry whose bytes differ is left as it is where its
     * value is not equal either and an access changes no expiry; otherwise (equal values of unequal bytes, an
     * access expiry to store) returns {@code null}, having changed nothing, and the caller makes the replace as a
     * compute.
     */
    private Change replaceInOneStep(K key, V oldValue, V newValue) {
        long now = core.clock.millis();
        long updated = core.expiry.forUpdate(now);
        if (updated != ExpiryCalculator.UNCHANGED && updated <= now) {
            return null;
        }
        DecidedWrite write = new DecidedWrite(
                DecidedWrite.Kind.REPLACE_IF_HOLDS,
                core.copier.toStored(newValue),
                now,
                0,
                updated == ExpiryCalculator.UNCHANGED ? DecidedPut.KEEP : updated,
                true,
                core.copier.toStored(oldValue));
        Change decided = inOneStep(core.copier.copyKey(key), write);
        if (decided == null) {
            return null;
        }
        if (decided.written) {
            // A live entry replaced, or an expired one removed.
            decided.written = decided.previous != null;
            return decided;
        }
        if (decided.previous != null
                && (core.holds(decided.previous, oldValue)
                        || core.expiry.forAccess(now) != ExpiryCalculator.UNCHANGED)) {
            return null;
        }
        return decided;
    }

    /**
     * Whether equal values of {@code value}'s type have equal stored bytes and unequal ones unequal bytes, so that
     * the authority may compare bytes where JCache compares with {@code equals}: the JDK's immutable value types
     * (and byte arrays, which JCache compares by content here).
     */
    private static boolean bytesDecideEquality(Object value) {
        return value instanceof String
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof Character
                || value instanceof Boolean
                || value instanceof byte[];
    }

    /**
     * Removes the entry of {@code key}. With {@code writeThrough} the writer deletes the key first, even when
     * the cache holds no live entry for it; bulk removals pass {@code false} because they have deleted the
     * batch already.
     */
    Change remove(K key, boolean writeThrough) {
        return change(key, removing(key, writeThrough));
    }

    /**
     * Removes the entry of {@code key} as {@link #remove(Object, boolean)} does, with one step of the store where
     * it decides writes itself ({@link CacheCore#decidesPutsInOneStep}). Without {@code wantsPrevious} the result's
     * {@link Change#previous} may hold a value that was not read.
     */
    Change remove(K key, boolean writeThrough, boolean wantsPrevious) {
        if (core.decidesPutsInOneStep(writeThrough)) {
            Change decided = inOneStep(
                    core.copier.copyKey(key),
                    new DecidedWrite(DecidedWrite.Kind.REMOVE, null, core.clock.millis(), 0, 0, wantsPrevious, null));
            if (decided != null) {
                // Reported by the entry removed, as a removal's step reports it.
                decided.written = false;
                return decided;
            }
        }
        return remove(key, writeThrough);
    }

    /** The change a removal makes. */
    private Change removing(K key, boolean writeThrough) {
        return new Change() {
            @Override
            TierEntry step(TierEntry current) {
                if (writeThrough) {
                    core.deleteThrough(key);
                }
                TierEntry live = core.live(key, current, core.now(current));
                previous = live;
                if (live != null) {
                    core.removed(key, live);
                }
                return null;
            }
        };
    }

    /**
     * Removes the live entry of {@code key} only if it holds {@code oldValue}. A live entry that holds another
     * value counts as accessed.
     */
    Change remove(K key, V oldValue) {
        return ifLive(key, ifHolds(oldValue, (live, now, result) -> {
            core.deleteThrough(key);
            core.removed(key, live);
            result.written = true;
            return null;
        }));
    }

    /**
     * Writes every entry of {@code map} through in one batch, then stores those the writer took. When the
     * writer fails part way it leaves behind the entries it did not write: only the others are stored, and
     * its failure is returned for the caller to throw once it has counted the puts.
     */
    Bulk putAll(Map<? extends K, ? extends V> map) {
        Map<K, V> toStore = new LinkedHashMap<>(map);
        RuntimeException writerFailure = null;
        if (core.writer != null && !toStore.isEmpty()) {
            List<Cache.Entry<? extends K, ? extends V>> unwritten = new ArrayList<>(toStore.size());
            toStore.forEach((key, value) -> unwritten.add(new TerraceCacheEntry<>(key, value)));
            try {
                core.writer.writeAll(unwritten);
            } catch (RuntimeException e) {
                writerFailure = CacheCore.asWriterException(e);
                for (Cache.Entry<? extends K, ? extends V> failed : unwritten) {
                    toStore.remove(failed.getKey());
                }
            }
        }
        Long batched = putDecidedInOneBatch(toStore);
        if (batched == null) {
            batched = putInOneBatch(toStore);
        }
        if (batched != null) {
            return new Bulk(batched, writerFailure);
        }
        long puts = 0;
        for (Map.Entry<K, V> entry : toStore.entrySet()) {
            if (put(entry.getKey(), entry.getValue(), false, false).written) {
                puts++;
            }
        }
        return new Bulk(puts, writerFailure);
    }

    /**
     * Stores the entries of {@code toStore} with one change of the store, where the authority is local and takes
     * batches (the disk tier appends them with one journal write) and no listener or file dependency needs a
     * change's events as it happens; each entry is still decided by the same step as a put (expiry, statistics).
     *
     * @return how many entries were stored, or {@code null} where the entries must be put one by one
     */
    private Long putInOneBatch(Map<K, V> toStore) {
        if (toStore.size() < 2 || !core.batchesChanges()) {
            return null;
        }
        Map<K, Change> changes = new LinkedHashMap<>();
        for (Map.Entry<K, V> entry : toStore.entrySet()) {
            K key = entry.getKey();
            V value = entry.getValue();
            changes.put(core.copier.copyKey(key), putting(key, value, core.copier.toStored(value), false));
        }
        return changeInOneBatch(changes, change -> change.written);
    }

    /**
     * Stores the entries of {@code toStore} with one batch of decided puts ({@link TieredStore#putAllDecided}; Redis:
     * one script call per shard page, no read before it), where a single put would be decided in one step ({@link
     * CacheCore#decidesPutsInOneStep}; the writer, if any, has taken the batch already). As {@link #putInOneStep}
     * does for one key: both outcomes of every put are decided here from one reading of the clock, the authority
     * picks one per key, and each put's own step then runs on what the authority found, at that same instant, so
     * that statistics and expiry are decided by the same step as every other put.
     *
     * @return how many entries were stored, or {@code null} where the entries must be put otherwise (an expiry
     *     that ends at once, an authority that cannot be reached: each put then goes under the policy of a change)
     */
    private Long putDecidedInOneBatch(Map<K, V> toStore) {
        if (toStore.size() < 2 || !core.decidesPutsInOneStep(false)) {
            return null;
        }
        long now = core.clock.millis();
        long created = core.expiry.forCreation(now);
        long updated = core.expiry.forUpdate(now);
        if (created <= now || (updated != ExpiryCalculator.UNCHANGED && updated <= now)) {
            return null;
        }
        long updatedAt = updated == ExpiryCalculator.UNCHANGED ? DecidedPut.KEEP : updated;
        Map<K, Putting> changes = new LinkedHashMap<>();
        Map<K, DecidedPut> puts = new LinkedHashMap<>();
        for (Map.Entry<K, V> entry : toStore.entrySet()) {
            K key = entry.getKey();
            V value = entry.getValue();
            Object stored = core.copier.toStored(value);
            K storedKey = core.copier.copyKey(key);
            changes.put(storedKey, putting(key, value, stored, false));
            puts.put(storedKey, new DecidedPut(stored, now, created, updatedAt, false));
        }
        Map<K, DecidedPut.Found> found;
        try {
            found = core.store.putAllDecided(puts);
        } catch (TierUnavailableException e) {
            return null;
        }
        if (found == null) {
            return null;
        }
        long written = 0;
        for (Map.Entry<K, Putting> change : changes.entrySet()) {
            Putting putting = change.getValue();
            DecidedPut.Found before = found.get(change.getKey());
            putting.decidedAt = now;
            putting.apply(before == null ? null : new TierEntry(NOT_READ, before.expiresAt()));
            if (putting.written) {
                written++;
            }
        }
        return written;
    }

    /**
     * Removes {@code keys} with one batch of removals the authority decides without a read before them ({@link
     * TieredStore#removeAllDecided}; Redis: one script call per shard page), where puts would be decided so ({@link
     * CacheCore#decidesPutsInOneStep}: no listener, no file dependency needs the removed values; the writer, if
     * any, has deleted the batch already). Each key still goes through the step of a removal, on what the
     * authority found, at the instant it judged it live or expired.
     *
     * @return how many live entries were removed, or {@code null} where the keys must be removed otherwise
     */
    private Long removeDecidedInOneBatch(Collection<K> keys) {
        if (keys.size() < 2 || !core.decidesPutsInOneStep(false)) {
            return null;
        }
        long now = core.clock.millis();
        Map<K, DecidedPut.Found> found;
        try {
            found = core.store.removeAllDecided(keys, now);
        } catch (TierUnavailableException e) {
            return null;
        }
        if (found == null) {
            return null;
        }
        long removals = 0;
        for (K key : keys) {
            DecidedPut.Found before = found.get(key);
            Change removal = removingAt(key, now);
            removal.apply(before == null ? null : new TierEntry(NOT_READ, before.expiresAt()));
            if (removal.previous != null) {
                removals++;
            }
        }
        return removals;
    }

    /** The step of a removal decided by the authority at {@code now}: it judges the entry live at that instant. */
    private Change removingAt(K key, long now) {
        return new Change() {
            @Override
            TierEntry step(TierEntry current) {
                TierEntry live = core.live(key, current, now);
                previous = live;
                if (live != null) {
                    core.removed(key, live);
                }
                return null;
            }
        };
    }

    /**
     * Removes every entry of the cache ({@code removeAll()}) a page of keys at a time, each page with one batch of
     * decided removals ({@link #removeDecidedInOneBatch}), without reading the entries first: where there is no
     * writer (which must be handed the live keys before anything is removed) and removals are decided so.
     *
     * @return how many live entries were removed, or {@code null} where the caller must find the live keys and
     *     remove them with {@link #removeAll(Set)}
     */
    Bulk removeEvery() {
        if (core.writer != null || !core.decidesPutsInOneStep(false)) {
            return null;
        }
        long removals = 0;
        Iterator<K> keys = core.store.keys();
        while (keys.hasNext()) {
            // A set: a scan of Redis may list a key twice, and each live entry counts as removed once.
            Set<K> page = new LinkedHashSet<>();
            while (page.size() < REMOVAL_PAGE && keys.hasNext()) {
                page.add(keys.next());
            }
            Long removed = removeDecidedInOneBatch(page);
            if (removed == null) {
                removed = 0L;
                for (K key : page) {
                    if (remove(key, false).previous != null) {
                        removed++;
                    }
                }
            }
            removals += removed;
        }
        return new Bulk(removals, null);
    }

    /**
     * Hands {@code changes} to the store as one batch (see {@link #putInOneBatch}); a shared authority may run a
     * step more than once, which these steps allow: they call no writer and, with no listener, publish nothing.
     *
     * @return how many changes {@code counted} says did something, or {@code null} where the store made none
     *     and the caller must make them one by one
     */
    private Long changeInOneBatch(Map<K, Change> changes, Predicate<Change> counted) {
        for (Change change : changes.values()) {
            change.mayRunAgain(core.events);
        }
        try {
            if (core.store.computeAll(changes) == null) {
                return null;
            }
        } catch (RuntimeException e) {
            core.events.flushAfterFailure(e);
            throw e;
        }
        core.events.flush();
        long done = 0;
        for (Change change : changes.values()) {
            if (counted.test(change)) {
                done++;
            }
        }
        return done;
    }

    /**
     * Removes {@code keys} with one change of the store where it takes batches and no listener or file dependency
     * needs each change as it happens (see {@link #putInOneBatch}); each key still goes through the same step as
     * a removal.
     *
     * @return how many live entries were removed, or {@code null} where the keys must be removed one by one
     */
    private Long removeInOneBatch(Set<K> keys) {
        if (keys.size() < 2 || !core.batchesChanges()) {
            return null;
        }
        Map<K, Change> changes = new LinkedHashMap<>();
        for (K key : keys) {
            changes.put(key, removing(key, false));
        }
        return changeInOneBatch(changes, change -> change.previous != null);
    }

    /**
     * Deletes {@code keys} through in one batch, then removes those the writer deleted. When the writer fails
     * part way it leaves behind the keys it did not delete: those stay cached (and are taken out of
     * {@code keys}, which must be the caller's own copy), and its failure is returned for the caller to throw
     * once it has counted the removals.
     */
    Bulk removeAll(Set<K> keys) {
        RuntimeException writerFailure = null;
        if (core.writer != null && !keys.isEmpty()) {
            Collection<K> undeleted = new ArrayList<>(keys);
            try {
                core.writer.deleteAll(undeleted);
            } catch (RuntimeException e) {
                writerFailure = CacheCore.asWriterException(e);
                keys.removeAll(undeleted);
            }
        }
        Long batched = removeDecidedInOneBatch(keys);
        if (batched == null) {
            batched = removeInOneBatch(keys);
        }
        if (batched != null) {
            return new Bulk(batched, writerFailure);
        }
        long removals = 0;
        for (K key : keys) {
            if (remove(key, false).previous != null) {
                removals++;
            }
        }
        return new Bulk(removals, writerFailure);
    }

    /** Runs {@code change} atomically on {@code key}, then delivers the events it published. */
    private Change change(K key, Change change) {
        try {
            if (core.writer == null) {
                // Nothing but events leaves the step: a shared authority may decide optimistically and run it
                // again, so each run starts without the events of the one before.
                change.mayRunAgain(core.events);
                core.store.computeRetrying(key, change);
            } else {
                core.store.compute(key, change);
            }
        } catch (RuntimeException e) {
            core.events.flushAfterFailure(e);
            throw e;
        }
        core.events.flush();
        return change;
    }

    /**
     * Runs {@code onLive} atomically on the live entry of {@code key}, recording it as the previous entry; leaves
     * the key without an entry when it has none or it has expired.
     */
    private Change ifLive(K key, Step onLive) {
        return change(key, new Change() {
            @Override
            TierEntry step(TierEntry current) {
                long now = core.now(current);
                TierEntry live = core.live(key, current, now);
                previous = live;
                return live == null ? null : onLive.apply(live, now, this);
            }
        });
    }

    /** A step that runs {@code onMatch} if the live entry holds {@code expected}, else only accesses the entry. */
    private Step ifHolds(V expected, Step onMatch) {
        return (live, now, result) ->
                core.holds(live, expected) ? onMatch.apply(live, now, result) : core.accessed(live, now);
    }

    /** A step that writes {@code value} through and puts it in place of the live entry. */
    private Step replacement(K key, V value) {
        // Copied now, before the key is held: a value that cannot be copied fails the call before the writer
        // sees it, and the copy takes no time under the key's lock.
        Object stored = core.copier.toStored(value);
        return (live, now, result) -> {
            core.writeThrough(key, value);
            result.written = true;
            return core.updated(key, live, value, stored, now);
        };
    }

    /**
     * One atomic step of a write on a live entry: given the entry and the time, it returns the entry to leave in
     * its place and notes in {@code result} what it saw and did.
     */
    @FunctionalInterface
    private interface Step {
        TierEntry apply(TierEntry entry, long now, Change result);
    }

    /**
     * One atomic step of a write on a key, handed to the store as its remapping, and what the step saw and did.
     * A subclass decides in {@link #step}, from the key's entry ({@code null} when it has none), which entry to
     * leave in its place, and notes what it saw in {@link #previous} and {@link #written}.
     */
    abstract static class Change extends Remapping {
        /** What a put that stored its entry without reading the key's reports: stored, nothing seen. */
        static final Change STORED = new Change() {
            {
                written = true;
            }

            @Override
            TierEntry step(TierEntry current) {
                throw new IllegalStateException("a put that did not read its key has no step");
            }
        };

        /**
         * What a write that found a live entry and left it reports, without having run: the entry is not kept
         * ({@link #previous} is {@code null}), {@link #hadLive} says it was there.
         */
        static final Change KEPT_LIVE = new Change() {
            @Override
            TierEntry step(TierEntry current) {
                throw new IllegalStateException("a write that found a live entry has no step");
            }

            @Override
            boolean hadLive() {
                return true;
            }
        };

        /** The live entry the key had before the step, or {@code null}. */
        TierEntry previous;
        /** Whether the step stored or removed an entry. */
        boolean written;
        /** The dispatcher whose events a run queued, forgotten before the next run; {@code null}: runs once. */
        private EventDispatcher<?, ?> events;

        private int mark;

        /** The entry to leave in place of {@code current}. */
        abstract TierEntry step(TierEntry current);

        /** Whether the key had a live entry before the step. */
        boolean hadLive() {
            return previous != null;
        }

        /** Lets the step run more than once: each run starts as if it were the first. */
        final void mayRunAgain(EventDispatcher<?, ?> dispatcher) {
            this.events = dispatcher;
            this.mark = dispatcher.mark();
        }

        @Override
        protected final TierEntry remap(TierEntry current) {
            if (events != null) {
                events.discardSince(mark);
                previous = null;
                written = false;
            }
            return step(current);
        }
    }

    /**
     * What a bulk write did: how many entries it stored or removed, and the writer's failure, if any. The
     * failure is handed back rather than thrown so that the entries the writer did take are still counted.
     */
    record Bulk(long written, RuntimeException writerFailure) {

        /** Throws the writer's failure, if there was one. */
        void throwWriterFailure() {
            if (writerFailure != null) {
                throw writerFailure;
            }
        }
    }
}
