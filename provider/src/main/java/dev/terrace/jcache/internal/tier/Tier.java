package dev.terrace.jcache.internal.tier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One storage tier of a cache (heap, disk, Redis). A tier knows nothing of JCache: it stores {@link
 * TierEntry entries} by key and reports what it drops on its own to its {@link TierListener}.
 *
 * <p>Tiers may return entries whose expiry instant has passed; the layers above decide what an expired entry
 * means (the JCache layer treats it as absent and emits an {@code EXPIRED} event). A tier may drop expired
 * entries on its own, reporting them as expired.
 *
 * @param <K> the key type
 */
public interface Tier<K> extends AutoCloseable {

    /** A short name for logs and statistics, such as {@code heap}. */
    String name();

    /** The entry held for {@code key}, or {@code null} when the tier holds none. */
    TierEntry get(K key);

    /**
     * The entry held for {@code key} in its packed form ({@link TierEntry#pack}), or {@code null}: a read that
     * makes no entry object where the tier holds the entry packed. By default {@link #get}, an entry being its
     * own packed form.
     */
    default Object getPacked(K key) {
        return get(key);
    }

    /**
     * The entries held for those of {@code keys} the tier holds (a key it holds none for is left out), read as
     * {@link #get} reads each. A tier that can read several at once overrides this (Redis: one round trip per
     * node); by default it reads them one by one.
     */
    default Map<K, TierEntry> getAll(Collection<? extends K> keys) {
        Map<K, TierEntry> entries = new LinkedHashMap<>();
        for (K key : keys) {
            TierEntry entry = get(key);
            if (entry != null) {
                entries.put(key, entry);
            }
        }
        return entries;
    }

    /** Stores {@code entry} for {@code key}, replacing what the tier held. */
    void put(K key, TierEntry entry);

    /** Drops what the tier holds for {@code key}, if anything. */
    void remove(K key);

    /**
     * Stores each entry of {@code entries} as {@link #put} does. A tier that can apply several changes at once
     * overrides this (the disk tier appends them with one journal write); by default it puts them one by one,
     * in the map's order. Not atomic: when it throws, some of the entries may have been stored.
     */
    default void putAll(Map<? extends K, ? extends TierEntry> entries) {
        entries.forEach(this::put);
    }

    /**
     * Runs each remapping of {@code remappings} as {@link #compute} does and returns what each key holds
     * afterwards. A tier that can apply several changes at once overrides this (the disk tier appends them with
     * one journal write); by default it computes them one by one, in the map's order. Not atomic as a whole: when
     * a remapping throws, the changes before it are applied, the others are not, and the exception propagates.
     */
    default Map<K, TierEntry> computeAll(Map<K, ? extends UnaryOperator<TierEntry>> remappings) {
        Map<K, TierEntry> results = new LinkedHashMap<>();
        remappings.forEach((key, remapping) -> results.put(key, compute(key, remapping)));
        return results;
    }

    /**
     * Like {@link #computeAll}, for remappings that may run more than once (see {@link #computeRetrying}): a
     * shared tier may then decide the whole batch optimistically, with one read and one write of all its keys
     * (Redis: one round trip per node each). By default the same as {@link #computeAll}.
     */
    default Map<K, TierEntry> computeAllRetrying(Map<K, ? extends UnaryOperator<TierEntry>> remappings) {
        return computeAll(remappings);
    }

    /**
     * Atomically replaces the entry of {@code key} with what {@code remapping} returns for the current one
     * ({@code null} when absent); a {@code null} result removes the entry. No other change to the same key in
     * this tier can interleave. Exceptions thrown by {@code remapping} propagate and leave the entry as it was.
     *
     * @return the entry held afterwards, or {@code null}
     */
    TierEntry compute(K key, UnaryOperator<TierEntry> remapping);

    /**
     * Like {@link #compute}, for a {@code remapping} that may run more than once: it has no effect beyond its
     * result except what the caller undoes before each run. A shared tier may then decide optimistically (read,
     * remap, write if unchanged), which is faster than holding a lock every process respects. By default the
     * same as {@link #compute}.
     */
    default TierEntry computeRetrying(K key, UnaryOperator<TierEntry> remapping) {
        return compute(key, remapping);
    }

    /**
     * Whether {@link #putDecided} makes a put in one step here, cheaper than {@link #computeRetrying} (Redis: one
     * script call instead of a read and a write). By default not.
     */
    default boolean decidesPuts() {
        return false;
    }

    /**
     * Makes {@code put} atomically, choosing in the tier between its two outcomes by whether the key holds an entry
     * live at {@link DecidedPut#now}, and returns what the key held before ({@code null}: nothing). Only where
     * {@link #decidesPuts}; elsewhere throws {@code UnsupportedOperationException}.
     */
    default DecidedPut.Found putDecided(K key, DecidedPut put) {
        throw new UnsupportedOperationException(name() + " does not decide puts itself");
    }

    /**
     * Makes every put of {@code puts} as {@link #putDecided} makes one, in as few round trips as the tier can
     * (Redis: one script call per shard page, one round trip per node), and returns what each key held before (a
     * key that held nothing is left out). The puts share one instant and one expiry decision and bring back no
     * value. Not atomic as a whole. Only where {@link #decidesPuts}; elsewhere throws {@code
     * UnsupportedOperationException}.
     */
    default Map<K, DecidedPut.Found> putAllDecided(Map<K, DecidedPut> puts) {
        throw new UnsupportedOperationException(name() + " does not decide puts itself");
    }

    /**
     * Removes the entry of each of {@code keys} without reading it first, in as few round trips as the tier can,
     * and returns what each key held before (a key that held nothing is left out; values not brought back): an
     * entry whose {@link DecidedPut.Found#expiresAt} is not after {@code now} had expired, and its removal is
     * reported as such to other processes. Not atomic as a whole. Only where {@link #decidesPuts}; elsewhere
     * throws {@code UnsupportedOperationException}.
     */
    default Map<K, DecidedPut.Found> removeAllDecided(Collection<? extends K> keys, long now) {
        throw new UnsupportedOperationException(name() + " does not decide removals itself");
    }

    /**
     * Makes {@code write} atomically, as {@link #putDecided} makes a put: the tier chooses its outcome by whether
     * the key holds an entry, whether it is live at {@link DecidedWrite#now} (and for a {@link
     * DecidedWrite.Kind#REPLACE_IF_HOLDS}, whether its stored bytes are those of the value expected), and returns
     * what the key held before and whether it changed the key. Only where {@link #decidesPuts}; elsewhere throws
     * {@code UnsupportedOperationException}.
     */
    default DecidedWrite.Outcome writeDecided(K key, DecidedWrite write) {
        throw new UnsupportedOperationException(name() + " does not decide writes itself");
    }

    /** A weakly consistent iterator over the keys the tier holds; it never throws on concurrent change. */
    Iterator<K> keys();

    /**
     * The tier's entries a page at a time, weakly consistent as {@link #keys} is: each page maps about {@code
     * pageSize} keys the tier listed to their entries, or to {@code null} for a key whose entry was gone by the time
     * its page was read. A page is read only when it is asked for. By default {@link #keys} in pages, each read with
     * {@link #getAll}; a tier that lists and reads together overrides this (Redis: one round trip per page).
     */
    default Iterator<Map<K, TierEntry>> entryPages(int pageSize) {
        return pagesOf(keys(), pageSize, page -> {
            Map<K, TierEntry> found = getAll(page);
            Map<K, TierEntry> entries = new LinkedHashMap<>();
            for (K key : page) {
                entries.put(key, found.get(key));
            }
            return entries;
        });
    }

    /**
     * {@code keys} in pages of up to {@code pageSize}, each page read by {@code read} only when it is asked for.
     */
    static <K> Iterator<Map<K, TierEntry>> pagesOf(
            Iterator<K> keys, int pageSize, Function<List<K>, Map<K, TierEntry>> read) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            public Map<K, TierEntry> next() {
                List<K> page = new ArrayList<>(pageSize);
                while (page.size() < pageSize && keys.hasNext()) {
                    page.add(keys.next());
                }
                if (page.isEmpty()) {
                    throw new NoSuchElementException();
                }
                return read.apply(page);
            }
        };
    }

    /** How many entries the tier holds, expired ones not yet dropped included. */
    long size();

    /** Drops every entry without reporting them as evicted. */
    void clear();

    /** Releases the tier's resources; the tier is unusable afterwards. Persistent tiers keep their data. */
    @Override
    void close();

    /**
     * Whether {@link #put} of an eternal entry leaves what a compute of the same put under the eternal expiry
     * policy would: every entry this tier holds is eternal, or was made by this cache under that policy, so no
     * update needs the entry it replaces. A put that needs no old value (no writer, listener, file dependency or
     * statistic of it) may then skip the read. By default not.
     */
    default boolean takesBlindPuts() {
        return false;
    }

    /**
     * Whether other processes share this tier's entries (Redis). A change computed on a shared tier holds a
     * lock that every process respects, so work done inside {@link #compute} (such as loading a missing
     * value) is done once across all of them.
     */
    default boolean isShared() {
        return false;
    }

    /**
     * How many entries this tier dropped on its own to stay within its bound (expired entries it reclaimed are
     * not counted), since it was opened; 0 for a tier that does not evict on its own (Redis evicts by its own
     * {@code maxmemory} policy, which this process cannot see).
     */
    default long evictions() {
        return 0;
    }

    /** Where the tier keeps its entries, for the log line a cache writes when it starts: a path, an address. */
    default String location() {
        return name();
    }

    /**
     * This tier could not be reached to change {@code key}: may the near tiers take the change instead? A
     * tier that answers yes has durably noted the key, and once it is reachable again drops the key from
     * itself and from the near tiers of every process, so that no copy of a change it never saw outlives the
     * outage. The default answers no: the change fails.
     */
    default boolean deferChange(K key) {
        return false;
    }

    /** Closes the tier and deletes what it persisted, for a cache that is destroyed. */
    default void destroy() {
        clear();
        close();
    }
}
