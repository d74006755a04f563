package dev.terrace.jcache.internal.tier;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure policy of a {@link TieredStore}, in one place: what a tier that throws means for reads, writes
 * and near copies. Written down in {@code docs/architecture.md}, "Failure policy".
 *
 * <ul>
 *   <li><b>A near tier that fails</b> (any exception or error from reading, storing or dropping a copy) behaves
 *       as empty: the read looks further down, the copy it may hold is dropped, the failure is counted ({@link
 *       TierCounters#failures}) and logged at WARN the first time, then at every tenfold count. A near tier
 *       that cannot even drop a copy (or be cleared) may hold a wrong one: it is bypassed, treated as empty by
 *       every read and write, until the cache is opened again. A near tier never makes a call fail.
 *   <li><b>An authority that cannot be reached</b> ({@link TierUnavailableException}): a read is a miss; a change
 *       is deferred where the authority accepts it ({@link Tier#deferChange}), else refused, and the near copies
 *       of the key go. A change whose remapping already ran is never run again: it is kept near where deferred,
 *       else the caller learns that it was decided but may or may not be stored.
 *   <li><b>An authority that fails otherwise</b>: the caller gets a {@link CacheException} that names the tier,
 *       where it keeps its data, and the outcome; the near copies of the key go. What the remapping itself
 *       threw (a cache writer, an entry processor, a loader) reaches the caller unchanged.
 * </ul>
 */
final class TierFailures<K> {

    private static final Logger LOG = LoggerFactory.getLogger(TierFailures.class);

    /** How long a tier's failure keeps its cache's manager DEGRADED after the last time it failed. */
    static final Duration RECENT = Duration.ofSeconds(30);

    private final List<Tier<K>> tiers;
    private final TierCounters counters;
    private final Clock clock;
    private final AtomicBoolean[] bypassed;
    /** The last failure of each tier, for health checks. */
    private final AtomicReferenceArray<Recent> recent;

    /** What a tier's last failure was, and when it happened ({@code clock} millis). */
    private record Recent(String what, long at) {}

    TierFailures(List<Tier<K>> tiers, TierCounters counters, Clock clock) {
        this.tiers = tiers;
        this.counters = counters;
        this.clock = clock;
        this.bypassed = new AtomicBoolean[tiers.size()];
        for (int i = 0; i < bypassed.length; i++) {
            bypassed[i] = new AtomicBoolean();
        }
        this.recent = new AtomicReferenceArray<>(tiers.size());
    }

    /**
     * Why this store does not work as configured now, one line each: a near tier that is bypassed, a tier that
     * failed within the last {@link #RECENT} (a full or damaged disk, for example). Empty when all is well.
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < tiers.size(); i++) {
            if (bypassed[i].get()) {
                problems.add(describe(tiers.get(i))
                        + " is bypassed: it could not drop copies it may hold wrongly; reopen the cache");
            }
            Recent last = recent.get(i);
            if (last != null && now - last.at() < RECENT.toMillis()) {
                problems.add(last.what() + " (" + Math.max(0, now - last.at()) / 1000 + " s ago)");
            }
        }
        return problems;
    }

    /** Whether near tier {@code index} is bypassed: it could not drop a copy it may hold wrongly. */
    boolean isBypassed(int index) {
        return bypassed[index].get();
    }

    /** Near tier {@code index} failed to read {@code key}: a miss there, and its copy goes. */
    TierEntry nearReadFailed(int index, K key, Throwable failure) {
        record(index, "read", failure);
        dropCopy(index, key);
        return null;
    }

    /** Near tier {@code index} failed to store or drop its copy of {@code key}: the copy must not stay. */
    void nearWriteFailed(int index, K key, Throwable failure) {
        record(index, "store or drop", failure);
        dropCopy(index, key);
    }

    /** Near tier {@code index} failed to drop all its copies: it may hold any of them wrongly. */
    void nearClearFailed(int index, Throwable failure) {
        record(index, "clear", failure);
        bypass(index, failure);
    }

    /** {@code keys}, whose failures reach its user as the policy words them for the authority. */
    Iterator<K> guarded(Iterator<K> keys) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return keys.hasNext();
                } catch (RuntimeException | Error e) {
                    throw authorityReadFailed(e);
                }
            }

            @Override
            public K next() {
                try {
                    return keys.next();
                } catch (java.util.NoSuchElementException e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    throw authorityReadFailed(e);
                }
            }
        };
    }

    /** The authority failed to read an entry (other than by being unreachable). */
    CacheException authorityReadFailed(Throwable failure) {
        note(tiers.size() - 1, "read an entry", failure);
        if (failure instanceof CacheException cacheException) {
            return cacheException;
        }
        return new CacheException(
                describe(authority()) + " failed to read an entry (nothing was changed): " + failure, failure);
    }

    /**
     * The authority failed to apply a change (other than by being unreachable); the near copies of the key are
     * already gone. {@code decided}: the remapping had run to its end, so the writer or processor in it ran.
     */
    CacheException changeFailed(Throwable failure, boolean decided) {
        note(tiers.size() - 1, "store a change", failure);
        if (failure instanceof CacheException cacheException) {
            // A tier's own CacheException already names the tier and what became of the change.
            return cacheException;
        }
        return new CacheException(
                describe(authority()) + " failed while storing a change of an entry: " + failure + "; "
                        + outcome(decided),
                failure);
    }

    /**
     * The authority became unreachable after the remapping of a change had run, and does not take deferred
     * changes: the caller learns that the change may or may not be stored.
     */
    TierUnavailableException decidedChangeUnconfirmed(TierUnavailableException failure) {
        return new TierUnavailableException(failure.getMessage() + "; " + outcome(true), failure);
    }

    /**
     * The authority could not be reached for a change it may have applied already: an earlier attempt of the same
     * change in one step ({@code putDecided}, {@code writeDecided}) was sent and failed without an answer, and this
     * attempt, made as a compute, was refused. The caller learns that the change may or may not be stored.
     */
    TierUnavailableException earlierAttemptUnconfirmed(TierUnavailableException failure) {
        return new TierUnavailableException(
                failure.getMessage() + "; an earlier attempt of this change was sent and not answered: it may or may"
                        + " not be stored there; this process's near copies of the key were dropped",
                failure);
    }

    /**
     * The authority could not be reached before the remapping of a change ran, and does not take deferred
     * changes: the change was not applied anywhere.
     */
    TierUnavailableException changeRefused(TierUnavailableException failure) {
        return new TierUnavailableException(failure.getMessage() + "; " + outcome(false), failure);
    }

    /** A tier failed to close: logged, and the other tiers are closed all the same. */
    void closeFailed(Tier<K> tier, Throwable failure) {
        LOG.warn("{} failed to close: {}", describe(tier), failure.toString(), failure);
    }

    private static String outcome(boolean decided) {
        return decided
                ? "the change was decided (a cache writer or entry processor in it ran) but not confirmed: it may"
                        + " or may not be stored there; this process's near copies of the key were dropped"
                : "the change was not applied; this process's near copies of the key were dropped";
    }

    private void dropCopy(int index, K key) {
        try {
            tiers.get(index).remove(key);
        } catch (RuntimeException | Error e) {
            bypass(index, e);
        }
    }

    private void bypass(int index, Throwable failure) {
        if (bypassed[index].compareAndSet(false, true)) {
            LOG.warn(
                    "{} cannot drop copies it may hold wrongly ({}): it is bypassed, treated as empty, until the"
                            + " cache is opened again; entries are read from the tiers below it",
                    describe(tiers.get(index)),
                    failure.toString());
        }
    }

    private void note(int index, String what, Throwable failure) {
        recent.set(
                index, new Recent(describe(tiers.get(index)) + " failed to " + what + ": " + failure, clock.millis()));
    }

    private void record(int index, String what, Throwable failure) {
        note(index, what + " a copy of an entry", failure);
        long count = counters.recordFailure(index);
        if (count == 1) {
            LOG.warn(
                    "{} failed to {} a copy of an entry: the copy is treated as absent and dropped; the entry is"
                            + " read from the tiers below it",
                    describe(tiers.get(index)),
                    what,
                    failure);
        } else if (isPowerOfTen(count)) {
            LOG.warn(
                    "{} has failed {} times on copies of entries (last: {}): each copy was treated as absent",
                    describe(tiers.get(index)),
                    count,
                    failure.toString());
        }
    }

    private Tier<K> authority() {
        return tiers.get(tiers.size() - 1);
    }

    private static String describe(Tier<?> tier) {
        String location = tier.location();
        return location.equals(tier.name())
                ? "The " + tier.name() + " tier"
                : "The " + tier.name() + " tier at " + location;
    }

    private static boolean isPowerOfTen(long count) {
        long power = 10;
        while (power < count) {
            power *= 10;
        }
        return power == count;
    }
}
