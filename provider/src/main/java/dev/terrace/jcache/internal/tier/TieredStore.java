package dev.terrace.jcache.internal.tier;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiers of one cache, nearest first. The last tier is authoritative: it holds every entry and decides
 * every atomic operation; the tiers above it hold copies that are refreshed after each write and filled on
 * reads.
 *
 * <p>Reads look in each tier in turn and promote what they find into the nearer tiers. Writes go to the
 * authority first, atomically, and then replace the near copies. No lock of this store is held while the
 * authority works (a change may run user code, wait for a key's lock in Redis, or wait on the network): the
 * authority orders the changes of a key, and each key's {@link Stripe} counts them, so that a read or write
 * whose trip to the authority another change of its stripe overlapped, in whichever order, drops its near copy
 * instead of storing it; only storing the copies takes the stripe's lock, for a moment. A read that fetched a
 * value from below just before a write therefore never leaves that older value in a near tier, and no key
 * waits for another. Entries that leave the authority without a change of their key ({@link #clear}, the
 * authority's own evictions) bump a counter instead, and a read or write that saw it move while it was copying
 * an entry up checks the authority again before it leaves the copy.
 *
 * <p>What a failing tier means is decided in one place, {@link TierFailures}: a near tier that fails behaves
 * as empty; an authority that fails makes the call fail with a {@code CacheException} that names it and the
 * outcome; a remapping (which holds user code) never runs twice because a tier failed.
 */
public final class TieredStore<K> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TieredStore.class);
    private static final int STRIPES = 256;
    /**
     * The keys of this store whose change in one step ({@link #putDecided}, {@link #writeDecided}, their batches) failed
     * in a thread after it was sent to the authority, which may have applied it: the compute that thread falls back to
     * reports a refusal of such a change as unconfirmed, not as not applied.
     */
    private final ThreadLocal<Set<Object>> sentUnanswered = ThreadLocal.withInitial(HashSet::new);

    private final List<Tier<K>> tiers;
    private final Tier<K> authority;
    private final NearTiers<K> nearTiers;
    private final TierCounters counters;
    private final Stripe[] stripes;
    private final TierFailures<K> failures;
    /**
     * Counts the entries that left the authority without a change of their key (its own evictions, {@link
     * #clear}): a read or write that sees it move while it copies an entry up checks that the authority still
     * holds the key before it leaves the copy.
     */
    private final AtomicLong authorityDrops = new AtomicLong();

    /** @param tiers the tiers, nearest first; the last one is authoritative */
    public TieredStore(List<Tier<K>> tiers) {
        this(tiers, Clock.systemUTC());
    }

    /**
     * @param tiers the tiers, nearest first; the last one is authoritative
     * @param clock tells when a near copy has expired, so that a read looks further down instead of using it
     */
    public TieredStore(List<Tier<K>> tiers, Clock clock) {
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("a store needs at least one tier");
        }
        this.tiers = List.copyOf(tiers);
        this.authority = this.tiers.get(this.tiers.size() - 1);
        this.counters = new TierCounters(this.tiers.size());
        this.failures = new TierFailures<>(this.tiers, counters, clock);
        this.nearTiers = new NearTiers<>(this.tiers.subList(0, this.tiers.size() - 1), failures, counters, clock);
        this.stripes = new Stripe[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /**
     * Why this store does not work as configured now, one line each (a bypassed near tier, a tier that failed
     * within the last 30 seconds), for the manager's health; empty when all is well.
     */
    public List<String> problems() {
        return failures.problems();
    }

    /** The tiers, nearest first. */
    public List<Tier<K>> tiers() {
        return tiers;
    }

    /** The tier that holds every entry and decides atomic operations. */
    public Tier<K> authority() {
        return authority;
    }

    /** What each tier did: hits, misses, invalidations, read latency. */
    public TierCounters counters() {
        return counters;
    }

    /** How many reads tier {@code index} (0 = nearest) answered. */
    public long hits(int index) {
        return counters.hits(index);
    }

    /** How many reads tier {@code index} (0 = nearest) did not answer. */
    public long misses(int index) {
        return counters.misses(index);
    }

    /** How many entries tier {@code index} (0 = nearest) evicted to stay within its bound. */
    public long evictions(int index) {
        return tiers.get(index).evictions();
    }

    /** The entry of {@code key} from the nearest tier that holds one, promoted into the tiers above it. */
    public TierEntry get(K key) {
        return TierEntry.unpack(getPacked(key));
    }

    /**
     * Like {@link #get}, the entry packed ({@link TierEntry#pack}): a hit on an entry that a tier holds packed
     * makes no entry object.
     */
    public Object getPacked(K key) {
        if (nearTiers.isEmpty()) {
            return count(0, authorityGet(key));
        }
        for (int i = 0; i < nearTiers.size(); i++) {
            Object entry = count(i, nearTiers.liveCopy(i, key, true));
            if (entry != null) {
                return entry;
            }
        }
        return readThrough(key);
    }

    /**
     * The entry of {@code key} read from the authority, packed, and promoted into the near tiers unless another
     * change of its stripe overlapped the read.
     */
    private Object readThrough(K key) {
        long seen = stripeOf(key).changes();
        long drops = authorityDrops.get();
        Object entry = count(tiers.size() - 1, authorityGet(key));
        if (entry != null) {
            promote(key, TierEntry.unpack(entry), seen, drops);
        }
        return entry;
    }

    /**
     * The entries of those {@code keys} that some tier holds, as {@link #get} finds each: the near tiers first,
     * then the authority once for all the keys they missed (Redis: one round trip per node), its entries promoted
     * into the near tiers, each unless another change of its stripe overlapped the read (see {@link Stripe}).
     */
    public Map<K, TierEntry> getAll(Collection<? extends K> keys) {
        if (nearTiers.isEmpty() && !keys.isEmpty()) {
            // Nothing above the authority: its own map is the answer, not copied.
            return authorityGetAll(keys);
        }
        Map<K, TierEntry> found = new LinkedHashMap<>();
        List<K> missed = new ArrayList<>();
        for (K key : keys) {
            Object entry = null;
            for (int i = 0; i < nearTiers.size() && entry == null; i++) {
                entry = count(i, nearTiers.liveCopy(i, key, true));
            }
            if (entry != null) {
                found.put(key, TierEntry.unpack(entry));
            } else {
                missed.add(key);
            }
        }
        if (missed.isEmpty()) {
            return found;
        }
        long[] seen = changesOf(missed);
        long drops = authorityDrops.get();
        Map<K, TierEntry> entries = authorityGetAll(missed);
        promoteAll(missed, entries, seen, drops);
        found.putAll(entries);
        return found;
    }

    /** The authority's entries of {@code keys}, counted; none (all misses) while it cannot be reached. */
    private Map<K, TierEntry> authorityGetAll(Collection<? extends K> keys) {
        Map<K, TierEntry> entries;
        try {
            entries = authority.getAll(keys);
        } catch (TierUnavailableException e) {
            entries = Map.of();
        } catch (RuntimeException | Error e) {
            throw failures.authorityReadFailed(e);
        }
        int last = tiers.size() - 1;
        for (K key : keys) {
            counters.recordRead(last, entries.containsKey(key));
        }
        return entries;
    }

    /** Whether the calling thread holds the stripe of some key (inside a change the near tiers decide). */
    private boolean holdsAnyStripe() {
        for (Stripe stripe : stripes) {
            if (stripe.isHeldByCurrentThread()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Atomically recomputes the entry of {@code key} in the authoritative tier, then brings the near tiers in
     * line with the result.
     *
     * @return the entry held afterwards, or {@code null}
     */
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        return compute(key, remapping, false);
    }

    /**
     * Like {@link #compute}, for a {@code remapping} that may run more than once (see {@link
     * Tier#computeRetrying}); changes of one key by threads of this process still never interleave.
     */
    public TierEntry computeRetrying(K key, UnaryOperator<TierEntry> remapping) {
        return compute(key, remapping, true);
    }

    private TierEntry compute(K key, UnaryOperator<TierEntry> remapping, boolean retrying) {
        Remapping run = remapping instanceof Remapping own ? own : Remapping.of(remapping);
        if (nearTiers.isEmpty() && !authority.isShared()) {
            // A lone local tier runs each remapping once, atomically: no stripe needed.
            try {
                return authority.compute(key, run);
            } catch (RuntimeException | Error e) {
                throw changeFailed(key, run, e);
            }
        }
        long seen = stripeOf(key).changes();
        long drops = authorityDrops.get();
        TierEntry result;
        try {
            result = retrying ? authority.computeRetrying(key, run) : authority.compute(key, run);
        } catch (TierUnavailableException e) {
            if (run.thrown() != null || !defer(key)) {
                // The change was not applied, or not confirmed; a near copy of the key might disagree with the
                // authority once it is back, so it goes.
                throw changeFailed(key, run, e);
            }
            return deferred(key, remapping, run);
        } catch (RuntimeException | Error e) {
            throw changeFailed(key, run, e);
        }
        changed(key, result, seen, drops);
        return result;
    }

    /**
     * Makes a change the authority noted for later ({@link Tier#deferChange}) in the near tiers, which decide it
     * while the authority is away: under the key's stripe, so that changes of the key here do not interleave
     * (the remapping may run user code; the authority fails fast meanwhile, so nothing waits on the network). A
     * remapping that already ran is not run again: it holds user code and has queued its events.
     */
    private TierEntry deferred(K key, UnaryOperator<TierEntry> remapping, Remapping run) {
        Stripe stripe = stripeOf(key);
        stripe.lock();
        try {
            TierEntry result =
                    run.decided() ? run.result() : remapping.apply(TierEntry.unpack(nearTiers.nearestLiveCopy(key)));
            long now = stripe.changed();
            nearTiers.store(key, result);
            if (result != null && stripe.changes() != now) {
                // An invalidation may have dropped the copies before this stored them.
                nearTiers.store(key, null);
            }
            return result;
        } finally {
            stripe.unlock();
        }
    }

    /** Whether the authority takes a change of {@code key} later; a failure to note it counts as a refusal. */
    private boolean defer(K key) {
        try {
            return authority.deferChange(key);
        } catch (RuntimeException e) {
            LOG.warn("{} could not note a change for later: {}", authority.name(), e.toString());
            return false;
        }
    }

    /**
     * Runs the change of each key of {@code remappings} with one call to the authority (the disk tier appends
     * them with one journal write; Redis decides them optimistically, as {@link #computeRetrying} does, with one
     * read and one write per node), and refreshes the near copies as {@link #compute} does. The remappings may
     * run more than once where the authority is shared. Returns {@code null} where the caller should make the
     * changes one by one: a heap authority (which gains nothing from a batch), or a caller inside a change the
     * near tiers decide while the authority is away (which holds a stripe). When a remapping throws, the changes
     * before it stay applied and its exception propagates; when a local authority fails, the near copies of every
     * key of the batch go; when a shared one cannot be reached, each change is made alone, as {@link
     * #computeRetrying} makes it (a near disk tier may take it while Redis is down).
     *
     * @return what each key holds afterwards, or {@code null}
     */
    public Map<K, TierEntry> computeAll(Map<K, ? extends Remapping> remappings) {
        if (authority instanceof HeapTier || holdsAnyStripe()) {
            return null;
        }
        boolean shared = authority.isShared();
        if (nearTiers.isEmpty() && !shared) {
            try {
                return authority.computeAll(remappings);
            } catch (RuntimeException | Error e) {
                throw batchFailed(remappings, e);
            }
        }
        List<K> keys = new ArrayList<>(remappings.keySet());
        long[] seen = changesOf(keys);
        long drops = authorityDrops.get();
        Map<K, TierEntry> results;
        try {
            results = shared ? authority.computeAllRetrying(remappings) : authority.computeAll(remappings);
        } catch (TierUnavailableException e) {
            if (!shared || thrownBy(remappings) != null) {
                keys.forEach(this::changeFailed);
                throw batchFailed(remappings, e);
            }
            // Each change alone, under the policy of a single change (deferred to the near tiers, or failed). The
            // remappings may run again, as a retrying compute's do.
            results = new LinkedHashMap<>();
            for (Map.Entry<K, ? extends Remapping> change : remappings.entrySet()) {
                results.put(change.getKey(), compute(change.getKey(), change.getValue(), true));
            }
            return results;
        } catch (RuntimeException | Error e) {
            keys.forEach(this::changeFailed);
            throw batchFailed(remappings, e);
        }
        changedAll(keys, results, seen, drops);
        return results;
    }

    /** What the first remapping of {@code remappings} that threw threw, or {@code null}. */
    private static Throwable thrownBy(Map<?, ? extends Remapping> remappings) {
        for (Remapping run : remappings.values()) {
            if (run.thrown() != null) {
                return run.thrown();
            }
        }
        return null;
    }

    private static void unlock(List<Stripe> held) {
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).unlock();
        }
    }

    /** What the caller of a batch learns: a remapping's own failure as it is, else the policy's wording. */
    private RuntimeException batchFailed(Map<K, ? extends Remapping> remappings, Throwable failure) {
        for (Remapping run : remappings.values()) {
            if (run.thrown() instanceof Error error) {
                throw error;
            }
            if (run.thrown() != null) {
                return (RuntimeException) run.thrown();
            }
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return failures.changeFailed(failure, true);
    }

    /** The change counts of the stripes of {@code keys}, in their order, before the authority is asked. */
    private long[] changesOf(List<K> keys) {
        long[] seen = new long[keys.size()];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = stripeOf(keys.get(i)).changes();
        }
        return seen;
    }

    /**
     * Locks the stripes of {@code keys}, each once, without waiting: a stripe is held only for a moment, but a
     * change decided in the near tiers holds its stripe across user code, which may call back into this store.
     * Returns {@code null}, holding nothing, when a stripe is taken; the caller then goes key by key.
     */
    private List<Stripe> tryLockStripes(Collection<? extends K> keys) {
        boolean[] wanted = new boolean[STRIPES];
        for (K key : keys) {
            wanted[stripeIndex(key)] = true;
        }
        List<Stripe> held = new ArrayList<>();
        for (int i = 0; i < STRIPES; i++) {
            if (wanted[i]) {
                if (!stripes[i].tryLock()) {
                    unlock(held);
                    return null;
                }
                held.add(stripes[i]);
            }
        }
        return held;
    }

    /**
     * What reaches the caller when the authority failed to apply {@code run}: what the remapping threw, as it
     * is; else the failure as the policy words it, once the near copies of the key are gone.
     */
    private RuntimeException changeFailed(K key, Remapping run, Throwable failure) {
        Throwable thrown = run.thrown();
        if (thrown instanceof Error error) {
            throw error;
        }
        if (thrown != null) {
            // User code failed: the entry is as it was, and the caller sees the failure as it is.
            return (RuntimeException) thrown;
        }
        changeFailed(key);
        if (failure instanceof TierUnavailableException unavailable) {
            if (run.decided()) {
                return failures.decidedChangeUnconfirmed(unavailable);
            }
            return sentUnanswered.get().remove(key)
                    ? failures.earlierAttemptUnconfirmed(unavailable)
                    : failures.changeRefused(unavailable);
        }
        return failures.changeFailed(failure, run.decided());
    }

    /**
     * A change of {@code key} failed, or its outcome is unknown: it counts as a change of its stripe (a read that
     * overlapped it keeps no copy) and the near copies go.
     */
    private void changeFailed(K key) {
        stripeOf(key).changed();
        removeNearCopies(key);
    }

    /**
     * Stores {@code entry}, which a read fetched from the authority, as the near copies of {@code key}, unless a
     * change of its stripe was counted since {@code seen} (noted before the read): that change may be newer than
     * the entry. When the authority dropped entries on its own since {@code drops} was read, checks that it still
     * holds the key: an entry it evicted at once (larger than its bound) must leave no copy above it.
     */
    private void promote(K key, TierEntry entry, long seen, long drops) {
        Stripe stripe = stripeOf(key);
        stripe.lock();
        try {
            if (stripe.changes() != seen) {
                return;
            }
            nearTiers.store(key, entry);
            if (stripe.changes() != seen) {
                // An invalidation may have dropped the copies before this stored them.
                nearTiers.store(key, null);
                return;
            }
        } finally {
            stripe.unlock();
        }
        checkAuthorityHolds(key, drops);
    }

    /**
     * Brings the near copies of {@code key} in line with {@code result}, the entry the authority holds after a
     * change made here ({@code null}: none): counts the change on the key's stripe, and stores the result as the
     * near copies unless another change of the stripe was counted since {@code seen} (noted before the change),
     * in which case the changes' order is unknown here and the copies go instead.
     */
    private void changed(K key, TierEntry result, long seen, long drops) {
        if (nearTiers.isEmpty()) {
            return;
        }
        Stripe stripe = stripeOf(key);
        stripe.lock();
        try {
            boolean overtaken = stripe.changes() != seen;
            long now = stripe.changed();
            TierEntry copy = overtaken ? null : result;
            nearTiers.store(key, copy);
            if (copy != null && stripe.changes() != now) {
                nearTiers.store(key, null);
                return;
            }
        } finally {
            stripe.unlock();
        }
        if (result != null) {
            checkAuthorityHolds(key, drops);
        }
    }

    /** Drops the near copies of {@code key} when the authority dropped entries since {@code drops} and not it. */
    private void checkAuthorityHolds(K key, long drops) {
        if (drops >= 0 && authorityDrops.get() != drops && authorityGet(key) == null) {
            removeNearCopies(key);
        }
    }

    /**
     * {@link #promote} for the entries a batch read fetched for {@code keys} ({@code seen}: their stripes' counts
     * before the read), each near tier changed with one batch (the disk tier appends it with one journal write).
     */
    private void promoteAll(List<K> keys, Map<K, TierEntry> entries, long[] seen, long drops) {
        List<Stripe> held = entries.size() > 1 ? tryLockStripes(entries.keySet()) : null;
        if (held == null) {
            for (int i = 0; i < seen.length; i++) {
                TierEntry entry = entries.get(keys.get(i));
                if (entry != null) {
                    promote(keys.get(i), entry, seen[i], drops);
                }
            }
            return;
        }
        Map<K, TierEntry> copies = new LinkedHashMap<>();
        List<Long> expected = new ArrayList<>();
        try {
            for (int i = 0; i < seen.length; i++) {
                K key = keys.get(i);
                TierEntry entry = entries.get(key);
                if (entry != null && stripeOf(key).changes() == seen[i]) {
                    copies.put(key, entry);
                    expected.add(seen[i]);
                }
            }
            storeNearCopies(copies, expected);
        } finally {
            unlock(held);
        }
        copies.keySet().forEach(key -> checkAuthorityHolds(key, drops));
    }

    /**
     * {@link #changed} for the results of a batch of changes of {@code keys} ({@code seen}: their stripes' counts
     * before the batch), each near tier changed with one batch (the disk tier appends it with one journal write).
     */
    private void changedAll(List<K> keys, Map<K, TierEntry> results, long[] seen, long drops) {
        if (nearTiers.isEmpty()) {
            return;
        }
        List<Stripe> held = keys.size() > 1 ? tryLockStripes(keys) : null;
        if (held == null) {
            for (int i = 0; i < seen.length; i++) {
                changed(keys.get(i), results.get(keys.get(i)), seen[i], drops);
            }
            return;
        }
        Map<K, TierEntry> copies = new LinkedHashMap<>();
        List<Long> expected = new ArrayList<>();
        try {
            // Whether another change overlapped each key's, judged before this batch counts its own.
            boolean[] overtaken = new boolean[seen.length];
            for (int i = 0; i < seen.length; i++) {
                overtaken[i] = stripeOf(keys.get(i)).changes() != seen[i];
            }
            for (K key : keys) {
                stripeOf(key).changed();
            }
            for (int i = 0; i < seen.length; i++) {
                K key = keys.get(i);
                copies.put(key, overtaken[i] ? null : results.get(key));
                expected.add(stripeOf(key).changes());
            }
            storeNearCopies(copies, expected);
        } finally {
            unlock(held);
        }
        copies.forEach((key, copy) -> {
            if (copy != null) {
                checkAuthorityHolds(key, drops);
            }
        });
    }

    /**
     * Stores {@code copies} in each near tier with one batch, the stripes held; then drops each copy whose
     * stripe counted an invalidation since (its count is no longer the one {@code expected}, in the same order):
     * the invalidation may have dropped the copy before the batch stored it.
     */
    private void storeNearCopies(Map<K, TierEntry> copies, List<Long> expected) {
        if (copies.isEmpty()) {
            return;
        }
        Map<K, UnaryOperator<TierEntry>> changes = new LinkedHashMap<>();
        copies.forEach((key, entry) -> changes.put(key, current -> entry));
        for (int i = 0; i < nearTiers.size(); i++) {
            if (failures.isBypassed(i)) {
                continue;
            }
            try {
                tiers.get(i).computeAll(changes);
            } catch (RuntimeException | Error e) {
                // Whatever the batch left, each copy is stored or dropped again one by one, under the policy.
                copies.forEach(nearTiers::store);
            }
        }
        int i = 0;
        for (Map.Entry<K, TierEntry> copy : copies.entrySet()) {
            if (copy.getValue() != null && stripeOf(copy.getKey()).changes() != expected.get(i)) {
                nearTiers.store(copy.getKey(), null);
            }
            i++;
        }
    }

    /** Whether {@link #putDecided} makes puts here: the authority decides them in one step ({@link Tier#decidesPuts}). */
    public boolean decidesPuts() {
        return authority.decidesPuts();
    }

    /**
     * Makes {@code put} in the authority in one step ({@link Tier#putDecided}), then brings the near copies in line
     * with its result as {@link #compute} does: the change counted on the key's stripe, the copy stored unless
     * another change of the stripe overlapped it. Returns what the key held before ({@code null}: nothing). Where
     * the authority cannot be reached, throws its {@link TierUnavailableException} once the change is counted as
     * unknown and the key's near copies are gone, so that the caller makes the change as a compute instead, under
     * the policy of a change (deferred to the near tiers, or refused).
     */
    public DecidedPut.Found putDecided(K key, DecidedPut put) {
        long seen = stripeOf(key).changes();
        long drops = authorityDrops.get();
        DecidedPut.Found found;
        try {
            found = authority.putDecided(key, put);
        } catch (TierUnavailableException e) {
            changeFailed(key);
            noteIfSent(key, e);
            throw e;
        } catch (RuntimeException | Error e) {
            changeFailed(key);
            throw failures.changeFailed(e, false);
        }
        changed(key, put.result(found), seen, drops);
        return found;
    }

    /**
     * Makes every put of {@code puts} in the authority as {@link #putDecided} makes one, as one batch ({@link
     * Tier#putAllDecided}; Redis: one script call per shard page, one round trip per node, no read before it), then
     * brings the near copies in line with the results as {@link #computeAll} does. Returns what each key held
     * before (left out: nothing), or {@code null} where the caller should make the puts otherwise: a caller inside
     * a change the near tiers decide while the authority is away (which holds a stripe). Where the authority cannot
     * be reached, throws its {@link TierUnavailableException} once every key's change is counted as unknown and its
     * near copies are gone, so that the caller makes the changes one by one, under the policy of a change.
     */
    public Map<K, DecidedPut.Found> putAllDecided(Map<K, DecidedPut> puts) {
        if (holdsAnyStripe()) {
            return null;
        }
        List<K> keys = new ArrayList<>(puts.keySet());
        long[] seen = changesOf(keys);
        long drops = authorityDrops.get();
        Map<K, DecidedPut.Found> found;
        try {
            found = authority.putAllDecided(puts);
        } catch (TierUnavailableException e) {
            keys.forEach(this::changeFailed);
            keys.forEach(key -> noteIfSent(key, e));
            throw e;
        } catch (RuntimeException | Error e) {
            keys.forEach(this::changeFailed);
            throw failures.changeFailed(e, false);
        }
        if (!nearTiers.isEmpty()) {
            Map<K, TierEntry> results = new LinkedHashMap<>();
            puts.forEach((key, put) -> results.put(key, put.result(found.get(key))));
            changedAll(keys, results, seen, drops);
        }
        return found;
    }

    /**
     * Removes {@code keys} from the authority without reading them first, as one batch ({@link
     * Tier#removeAllDecided}; Redis: one script call per shard page, one round trip per node), then drops their
     * near copies as {@link #computeAll} does. Returns what each key held before (left out: nothing; values not
     * brought back), or {@code null} as {@link #putAllDecided} does; fails as it does.
     */
    public Map<K, DecidedPut.Found> removeAllDecided(Collection<? extends K> keys, long now) {
        if (holdsAnyStripe()) {
            return null;
        }
        List<K> order = new ArrayList<>(keys);
        long[] seen = changesOf(order);
        long drops = authorityDrops.get();
        Map<K, DecidedPut.Found> found;
        try {
            found = authority.removeAllDecided(order, now);
        } catch (TierUnavailableException e) {
            order.forEach(this::changeFailed);
            order.forEach(key -> noteIfSent(key, e));
            throw e;
        } catch (RuntimeException | Error e) {
            order.forEach(this::changeFailed);
            throw failures.changeFailed(e, false);
        }
        if (!nearTiers.isEmpty()) {
            Map<K, TierEntry> results = new LinkedHashMap<>();
            order.forEach(key -> results.put(key, null));
            changedAll(order, results, seen, drops);
        }
        return found;
    }

    /**
     * Makes {@code write} in the authority in one step ({@link Tier#writeDecided}), then brings the near copies in
     * line with its result as {@link #putDecided} does; a write that changed nothing (a live entry kept by a
     * put-if-absent, no entry to replace or remove) leaves them as they are. Returns what the key held before
     * and whether it changed the key; fails as {@link #putDecided} fails.
     */
    public DecidedWrite.Outcome writeDecided(K key, DecidedWrite write) {
        long seen = stripeOf(key).changes();
        long drops = authorityDrops.get();
        DecidedWrite.Outcome outcome;
        try {
            outcome = authority.writeDecided(key, write);
        } catch (TierUnavailableException e) {
            changeFailed(key);
            noteIfSent(key, e);
            throw e;
        } catch (RuntimeException | Error e) {
            changeFailed(key);
            throw failures.changeFailed(e, false);
        }
        if (outcome.written()) {
            changed(key, write.result(outcome.found()), seen, drops);
        }
        return outcome;
    }

    /**
     * Notes {@code key} as a change in one step the authority may have applied, when {@code failure} came from a call
     * that reached for it (one with a cause; an authority already known to be away fails without one, having been
     * sent nothing). The note lasts until a refused compute of the key in this thread reports it.
     */
    private void noteIfSent(Object key, TierUnavailableException failure) {
        if (failure.getCause() != null) {
            sentUnanswered.get().add(key);
        }
    }

    /**
     * Stores {@code entry} for {@code key} without reading what the key held, where the authority is local and
     * takes blind puts ({@link Tier#takesBlindPuts}: a heap tier, which holds nothing from an earlier run, or a
     * disk tier that holds no entry that expires), so the caller knows what every entry in it was made under. The
     * near copies are brought in line as after any change here. Elsewhere (a shared authority, which other
     * processes change too) does nothing and returns {@code false}: the caller computes the change instead.
     */
    public boolean putWithoutReading(K key, TierEntry entry) {
        if (authority.isShared() || !authority.takesBlindPuts()) {
            return false;
        }
        if (nearTiers.isEmpty()) {
            try {
                authority.put(key, entry);
            } catch (RuntimeException | Error e) {
                throw failures.changeFailed(e, false);
            }
            return true;
        }
        long seen = stripeOf(key).changes();
        long drops = authorityDrops.get();
        try {
            authority.put(key, entry);
        } catch (RuntimeException | Error e) {
            changeFailed(key);
            throw failures.changeFailed(e, false);
        }
        changed(key, entry, seen, drops);
        return true;
    }

    /**
     * The entry of {@code key}, packed ({@link TierEntry#pack}), where the store is a lone heap tier, read
     * without the key's lock and not counted as a read of the tier; {@code null} elsewhere, and where the key has
     * no entry. What it returns was the key's entry at the moment of the read, as a compute that left it
     * unchanged would have seen it.
     */
    public Object getWithoutLocking(K key) {
        if (!nearTiers.isEmpty() || !(authority instanceof HeapTier)) {
            return null;
        }
        try {
            return authority.getPacked(key);
        } catch (RuntimeException | Error e) {
            throw failures.authorityReadFailed(e);
        }
    }

    /** Drops {@code key} from every tier. */
    public void remove(K key) {
        compute(key, current -> null);
    }

    /** Drops the near copies of {@code key}, as when the authority dropped the entry itself. */
    public void removeNearCopies(K key) {
        nearTiers.drop(key);
    }

    /**
     * The authoritative tier dropped {@code key} on its own (evicted or expired): its near copies go, and a
     * write or read of the key in flight, which may be about to copy it up, checks the authority again.
     */
    public void authorityDropped(K key) {
        authorityDrops.incrementAndGet();
        removeNearCopies(key);
    }

    /**
     * Drops the near copies of {@code key} because it changed elsewhere (another process wrote it). Never waits
     * for the key's stripe: it counts the change on the stripe first, so a read or write that is promoting a
     * value it fetched before that change drops its copy instead of leaving it behind (see {@link Stripe}).
     */
    public void invalidateNearCopies(K key) {
        if (nearTiers.isEmpty()) {
            return;
        }
        stripeOf(key).changed();
        removeNearCopies(key);
    }

    /**
     * Drops every near copy, when this process cannot tell which keys changed elsewhere. Like {@link
     * #invalidateNearCopies}, takes no stripe: it counts an invalidation on each first.
     */
    public void clearNearCopies() {
        if (nearTiers.isEmpty()) {
            return;
        }
        for (Stripe stripe : stripes) {
            stripe.changed();
        }
        nearTiers.clear(true);
    }

    /** The keys of the authoritative tier, weakly consistent. */
    public Iterator<K> keys() {
        try {
            return failures.guarded(authority.keys());
        } catch (RuntimeException | Error e) {
            throw failures.authorityReadFailed(e);
        }
    }

    /**
     * The live and expired entries of the authoritative tier a page at a time, weakly consistent, each page read
     * only when it is asked for (a key whose entry is gone by then is left out). With near tiers, a page of {@link
     * #keys} read as {@link #getAll} reads it, so near copies answer what they hold; without, the authority lists
     * and reads each page together ({@link Tier#entryPages}: one round trip per page on Redis). Each read counts
     * as a {@code getAll} counts it; a failure to list or read throws a {@code CacheException}.
     */
    public Iterator<Map<K, TierEntry>> entryPages(int pageSize) {
        if (!nearTiers.isEmpty()) {
            return Tier.pagesOf(keys(), pageSize, this::getAll);
        }
        Iterator<Map<K, TierEntry>> pages;
        try {
            pages = authority.entryPages(pageSize);
        } catch (RuntimeException | Error e) {
            throw failures.authorityReadFailed(e);
        }
        int last = tiers.size() - 1;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return pages.hasNext();
                } catch (RuntimeException | Error e) {
                    throw failures.authorityReadFailed(e);
                }
            }

            @Override
            public Map<K, TierEntry> next() {
                Map<K, TierEntry> page;
                try {
                    page = pages.next();
                } catch (java.util.NoSuchElementException e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    throw failures.authorityReadFailed(e);
                }
                page.entrySet().removeIf(listed -> {
                    counters.recordRead(last, listed.getValue() != null);
                    return listed.getValue() == null;
                });
                return page;
            }
        };
    }

    /** How many entries the authoritative tier holds. */
    public long size() {
        try {
            return authority.size();
        } catch (RuntimeException | Error e) {
            throw failures.authorityReadFailed(e);
        }
    }

    /** Drops every entry of every tier. */
    public void clear() {
        try {
            authority.clear();
        } catch (RuntimeException | Error e) {
            throw failures.changeFailed(e, false);
        }
        // After the authority, and announced before the near tiers are cleared: a read that fetched an entry
        // before the authority was cleared either promotes it before the near tiers are cleared, or sees the
        // count move and finds the key gone from the authority. No key's lock is taken, so a clear() called
        // from inside a change of a key (an entry processor) cannot deadlock with another.
        authorityDrops.incrementAndGet();
        nearTiers.clear(false);
    }

    /** Closes every tier and deletes what they persisted. */
    public void destroy() {
        for (Tier<K> tier : tiers) {
            try {
                tier.destroy();
            } catch (RuntimeException | Error e) {
                failures.closeFailed(tier, e);
            }
        }
    }

    @Override
    public void close() {
        for (Tier<K> tier : tiers) {
            try {
                tier.close();
            } catch (RuntimeException | Error e) {
                failures.closeFailed(tier, e);
            }
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        tiers.forEach(tier -> names.add(tier.name()));
        return String.join("+", names);
    }

    /** The authority's entry, packed ({@link TierEntry#pack}), or {@code null} (a miss) while it cannot be reached. */
    private Object authorityGet(K key) {
        try {
            return counters.timedGet(tiers.size() - 1, authority, key);
        } catch (TierUnavailableException e) {
            return null;
        } catch (RuntimeException | Error e) {
            throw failures.authorityReadFailed(e);
        }
    }

    private Object count(int index, Object entry) {
        counters.recordRead(index, entry != null);
        return entry;
    }

    private Stripe stripeOf(K key) {
        return stripes[stripeIndex(key)];
    }

    private static int stripeIndex(Object key) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (STRIPES - 1);
    }
}
