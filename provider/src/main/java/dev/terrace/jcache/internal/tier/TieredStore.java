package dev.terrace.jcache.internal.tier;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiers of one cache, nearest first. The last tier is authoritative: it holds every entry and decides
 * every atomic operation; the tiers above it hold copies that are refreshed after each write and filled on
 * reads.
 *
 * <p>Reads look in each tier in turn and promote what they find into the nearer tiers. Writes go to the
 * authority first, atomically, and then replace the near copies. A promotion and a write of the same key
 * never interleave (both hold the key's stripe lock), so a read that fetched a value from below just before
 * a write cannot leave that older value in a near tier. Changes made elsewhere invalidate near copies without
 * that lock, which may be held across user code and network calls; a promotion that an invalidation of its
 * stripe overtook drops its copy instead ({@link Stripe}). Entries that leave the authority without a change of
 * their key ({@link #clear}, the authority's own evictions) bump a counter instead, and a read or write that
 * saw it move while it was copying an entry up checks the authority again before it leaves the copy.
 *
 * <p>What a failing tier means is decided in one place, {@link TierFailures}: a near tier that fails behaves
 * as empty; an authority that fails makes the call fail with a {@code CacheException} that names it and the
 * outcome; a remapping (which holds user code) never runs twice because a tier failed.
 */
public final class TieredStore<K> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TieredStore.class);
    private static final int STRIPES = 256;

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
        return readThroughStripe(key);
    }

    /** The entry of {@code key} read from the authority under its stripe and promoted, packed; or a near copy. */
    private Object readThroughStripe(K key) {
        ReentrantLock stripe = stripeOf(key);
        stripe.lock();
        try {
            // Under the key's lock no write can change the key between this read and the promotion.
            Object near = nearTiers.nearestLiveCopy(key);
            if (near != null) {
                return near;
            }
            long drops = authorityDrops.get();
            Object entry = count(tiers.size() - 1, authorityGet(key));
            if (entry != null) {
                refreshNearCopies(key, TierEntry.unpack(entry), drops);
            }
            return entry;
        } finally {
            stripe.unlock();
        }
    }

    /**
     * The entries of those {@code keys} that some tier holds, as {@link #get} finds each: the near tiers first,
     * then the authority once for all the keys they missed (Redis: one round trip per node), its entries promoted
     * into the near tiers under the keys' stripes, each kept only if no invalidation of its stripe arrived
     * meanwhile (see {@link Stripe}).
     */
    public Map<K, TierEntry> getAll(Collection<? extends K> keys) {
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
        if (nearTiers.isEmpty()) {
            found.putAll(authorityGetAll(missed));
            return found;
        }
        if (holdsAnyStripe()) {
            // Inside a change of a key (an entry processor): taking more stripes could deadlock with a batch
            // that holds some of them and waits for this one; the keys are read one by one instead.
            for (K key : missed) {
                TierEntry entry = TierEntry.unpack(readThroughStripe(key));
                if (entry != null) {
                    found.put(key, entry);
                }
            }
            return found;
        }
        List<Stripe> held = lockStripes(missed);
        try {
            // Under the keys' stripes no write of this process can change them between the read and the promotion.
            List<K> fromAuthority = new ArrayList<>(missed.size());
            for (K key : missed) {
                Object near = nearTiers.nearestLiveCopy(key);
                if (near != null) {
                    found.put(key, TierEntry.unpack(near));
                } else {
                    fromAuthority.add(key);
                }
            }
            if (fromAuthority.isEmpty()) {
                return found;
            }
            long drops = authorityDrops.get();
            Map<K, TierEntry> entries = authorityGetAll(fromAuthority);
            refreshNearCopies(entries, drops);
            found.putAll(entries);
            return found;
        } finally {
            unlock(held);
        }
    }

    /** The authority's entries of {@code keys}, counted; none (all misses) while it cannot be reached. */
    private Map<K, TierEntry> authorityGetAll(List<K> keys) {
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

    /** Whether the calling thread holds the stripe of some key (it is inside a change of that key). */
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
        ReentrantLock stripe = stripeOf(key);
        stripe.lock();
        try {
            long drops = authorityDrops.get();
            TierEntry result;
            try {
                result = retrying ? authority.computeRetrying(key, run) : authority.compute(key, run);
            } catch (TierUnavailableException e) {
                if (run.thrown() != null || !defer(key)) {
                    // The change was not applied, or not confirmed; a near copy of the key might disagree with
                    // the authority once it is back, so it goes.
                    throw changeFailed(key, run, e);
                }
                // The authority noted the key and drops it everywhere when it is back; meanwhile the near tiers
                // take the change. A remapping that already ran is not run again: it holds user code and has
                // queued its events.
                result = run.decided()
                        ? run.result()
                        : remapping.apply(TierEntry.unpack(nearTiers.nearestLiveCopy(key)));
                refreshNearCopies(key, result, -1);
                return result;
            } catch (RuntimeException | Error e) {
                throw changeFailed(key, run, e);
            }
            refreshNearCopies(key, result, drops);
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
     * read and one write per node), holding the keys' stripes, and refreshes the near copies as {@link #compute}
     * does. The remappings may run more than once where the authority is shared. Returns {@code null} where the
     * caller should make the changes one by one: a heap authority (which gains nothing from a batch), or a caller
     * already inside a change of a key (taking more stripes could deadlock). When a remapping throws, the changes
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
        List<Stripe> held = lockStripes(remappings.keySet());
        try {
            long drops = authorityDrops.get();
            Map<K, TierEntry> results;
            try {
                results = shared ? authority.computeAllRetrying(remappings) : authority.computeAll(remappings);
            } catch (TierUnavailableException e) {
                if (!shared || thrownBy(remappings) != null) {
                    for (K key : remappings.keySet()) {
                        removeNearCopies(key);
                    }
                    throw batchFailed(remappings, e);
                }
                // Each change alone, under the policy of a single change (deferred to the near tiers, or failed).
                // The stripes are held already; the remappings may run again, as a retrying compute's do.
                results = new LinkedHashMap<>();
                for (Map.Entry<K, ? extends Remapping> change : remappings.entrySet()) {
                    results.put(change.getKey(), compute(change.getKey(), change.getValue(), true));
                }
                return results;
            } catch (RuntimeException | Error e) {
                for (K key : remappings.keySet()) {
                    removeNearCopies(key);
                }
                throw batchFailed(remappings, e);
            }
            refreshNearCopies(results, drops);
            return results;
        } finally {
            unlock(held);
        }
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

    /** Locks the stripes of {@code keys}, each once, in ascending order, so that no two batches deadlock. */
    private List<Stripe> lockStripes(Collection<? extends K> keys) {
        boolean[] wanted = new boolean[STRIPES];
        for (K key : keys) {
            wanted[stripeIndex(key)] = true;
        }
        List<Stripe> held = new ArrayList<>();
        for (int i = 0; i < STRIPES; i++) {
            if (wanted[i]) {
                stripes[i].lock();
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
        removeNearCopies(key);
        if (failure instanceof TierUnavailableException unavailable) {
            return run.decided() ? failures.decidedChangeUnconfirmed(unavailable) : failures.changeRefused(unavailable);
        }
        return failures.changeFailed(failure, run.decided());
    }

    /**
     * Replaces the near copies of {@code key} with {@code entry} ({@code null}: drops them), under the key's
     * stripe. When an invalidation of the stripe arrived since it was taken, drops them instead: {@code entry}
     * may predate the change it announced (see {@link Stripe}). When the authority dropped entries on its own
     * since {@code drops} was read (-1: do not check), checks that it still holds the key: an entry it evicted
     * at once (larger than its bound) must leave no copy above it.
     */
    private void refreshNearCopies(K key, TierEntry entry, long drops) {
        Stripe stripe = stripeOf(key);
        assert stripe.isHeldByCurrentThread() : "near copies are refreshed under the key's stripe";
        nearTiers.store(key, entry);
        if (entry != null && stripe.invalidatedSinceLocked()) {
            // The invalidation may have dropped the copies before this stored them.
            nearTiers.store(key, null);
            return;
        }
        if (entry != null && drops >= 0 && authorityDrops.get() != drops && authorityGet(key) == null) {
            removeNearCopies(key);
        }
    }

    /**
     * {@link #refreshNearCopies(Object, TierEntry, long)} for every entry of {@code entries}, each near tier
     * changed with one batch (the disk tier appends it with one journal write); then, key by key, the same checks
     * drop each copy an invalidation or an authority's drop may have overtaken.
     */
    private void refreshNearCopies(Map<K, TierEntry> entries, long drops) {
        if (entries.isEmpty()) {
            return;
        }
        if (entries.size() == 1) {
            entries.forEach((key, entry) -> refreshNearCopies(key, entry, drops));
            return;
        }
        Map<K, UnaryOperator<TierEntry>> copies = new LinkedHashMap<>();
        entries.forEach((key, entry) -> copies.put(key, current -> entry));
        for (int i = 0; i < nearTiers.size(); i++) {
            if (failures.isBypassed(i)) {
                continue;
            }
            try {
                tiers.get(i).computeAll(copies);
            } catch (RuntimeException | Error e) {
                // Whatever the batch left, each copy is stored or dropped again one by one, under the policy.
                entries.forEach(nearTiers::store);
            }
        }
        boolean dropped = drops >= 0 && authorityDrops.get() != drops;
        entries.forEach((key, entry) -> {
            if (entry == null) {
                return;
            }
            if (stripeOf(key).invalidatedSinceLocked()) {
                // The invalidation may have dropped the copy before the batch stored it.
                nearTiers.store(key, null);
            } else if (dropped && authorityGet(key) == null) {
                removeNearCopies(key);
            }
        });
    }

    /**
     * Stores {@code entry} for {@code key} without reading what the key held, where the store is a lone heap
     * tier: it decides alone (no near copies to keep in line, no other process), and it holds nothing from an
     * earlier run, so the caller knows what every entry in it was made under. Elsewhere does nothing and
     * returns {@code false}: the caller computes the change instead.
     */
    public boolean putWithoutReading(K key, TierEntry entry) {
        if (!nearTiers.isEmpty() || !(authority instanceof HeapTier)) {
            return false;
        }
        try {
            authority.put(key, entry);
        } catch (RuntimeException | Error e) {
            throw failures.changeFailed(e, false);
        }
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
     * for the key's stripe, whose holder may run user code or wait on the network: it counts the invalidation
     * on the stripe first, so a read or write that is promoting a value it fetched before that change drops its
     * copy instead of leaving it behind (see {@link Stripe}).
     */
    public void invalidateNearCopies(K key) {
        if (nearTiers.isEmpty()) {
            return;
        }
        stripeOf(key).invalidated();
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
            stripe.invalidated();
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
