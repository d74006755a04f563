package dev.terrace.jcache.internal.tier.disk;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.spi.DiskBackedTier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier (L2): a MapDB store on local disk, bounded in bytes, that survives restarts and crashes.
 *
 * <p>Every change is first appended to a {@link Journal} of checksummed records that always holds every live
 * entry; MapDB (without transactions) is the fast {@link Index} over it and is never trusted across a restart:
 * at every start the journal is verified and the index rebuilt from it ({@link StoreOpener}), and whenever
 * MapDB fails while the store is open the index is rebuilt again. Every value in the index carries a checksum
 * over its key and contents that is verified before it is served; a value that fails is dropped. Nothing MapDB
 * or the JVM throws leaves this class: callers get a {@link CacheException} naming the file.
 *
 * <p>An acknowledged write (the call returned) is in the journal, in the operating system's page cache: it
 * survives the death of the process. With {@code fsync} each append is also forced to the device. The index is
 * changed after the call returns, by the store's {@link IndexApplier} on a thread of its own; until then every
 * read of the key finds the change among the applier's pending ones, and whatever lists or counts the entries
 * applies them first.
 *
 * <p>The tier stays within its byte bound by compaction: when the live data outgrows its share of the bound,
 * or the journal grows to twice the live data, the journal is rewritten with only the live entries, in the
 * order they were written, dropping the oldest (evictions) and the expired ones.
 */
public final class DiskTier<K> implements DiskBackedTier<K> {

    /**
     * How the disk tier is set up. {@code maxBytes} bounds all the store's files together; a {@code temporary}
     * store deletes its files when it closes.
     */
    public record Options(Path directory, long maxBytes, boolean fsync, boolean temporary, Duration ttl, String owner) {

        public Options(Path directory, long maxBytes, boolean fsync) {
            this(directory, maxBytes, fsync, false, Duration.ZERO);
        }

        public Options(Path directory, long maxBytes, boolean fsync, boolean temporary, Duration ttl) {
            this(directory, maxBytes, fsync, temporary, ttl, null);
        }

        /** The same options with a cap on how long an entry lives on disk ({@link Duration#ZERO}: none). */
        public Options withTtl(Duration newTtl) {
            return new Options(directory, maxBytes, fsync, temporary, newTtl, owner);
        }

        /**
         * The same options for a store that belongs to {@code newOwner} (see {@link StoreNames#owner}): a directory
         * recorded as another's is refused, never served.
         */
        public Options withOwner(String newOwner) {
            return new Options(directory, maxBytes, fsync, temporary, ttl, newOwner);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    private static final int STRIPES = 64;

    private final Options options;
    private final Codec codec;
    private final Clock clock;
    private final StoreDirectory directory;
    private final ReentrantReadWriteLock compaction = new ReentrantReadWriteLock();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final AtomicLong liveBytes = new AtomicLong();
    /**
     * Whether the store may hold an entry that expires: one did when it was opened (or its index last rebuilt),
     * or one was written since. Stays set until {@link #clear}: a cache under the eternal policy never writes one,
     * so it tells only of entries an earlier run left behind (see {@link #takesBlindPuts}).
     */
    private volatile boolean mayHoldExpiring;

    private final Compactor<K> compactor;
    private volatile Index index;
    /** Applies the journal's changes to the index off the writers' threads; reads look at its pending changes first. */
    private IndexApplier applier;
    /** Set when the index failed; the next operation rebuilds it from the journal first. */
    private volatile boolean indexBroken;

    private Journal journal;
    private volatile boolean closed;

    private DiskTier(Options options, Codec codec, Clock clock, TierListener<K> listener) {
        this.options = options;
        this.codec = codec;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.directory = StoreDirectory.acquire(options.directory());
        try {
            directory.claimFor(options.owner());
        } catch (RuntimeException e) {
            closeDirectoryQuietly(e);
            throw e;
        }
        this.compactor = new Compactor<>(this, directory, options.maxBytes(), liveBytes, codec, clock, listener);
    }

    /**
     * Opens the store in {@code options.directory()}, verifying its journal and rebuilding its index from it.
     *
     * @throws CacheException naming the directory when it is in use or cannot be opened
     */
    public static <K> DiskTier<K> open(Options options, Codec codec, Clock clock, TierListener<K> listener) {
        DiskTier<K> tier = new DiskTier<>(options, codec, clock, listener);
        if (options.temporary()) {
            try {
                tier.directory.deleteContents();
            } catch (IOException e) {
                tier.closeDirectoryQuietly(e);
                throw new CacheException("Cannot empty the temporary disk store " + options.directory(), e);
            }
        }
        try {
            tier.start();
        } catch (StoreInUseException e) {
            tier.closeDirectoryQuietly(e);
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            tier.closeDirectoryQuietly(e);
            throw new CacheException(
                    "Cannot open the disk store " + options.directory().toAbsolutePath() + ": " + e, e);
        }
        return tier;
    }

    private void closeDirectoryQuietly(Throwable failure) {
        try {
            directory.close();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    private void start() throws IOException {
        StoreOpener.Opened opened = StoreOpener.open(directory, options.fsync());
        index = opened.index();
        journal = opened.journal();
        liveBytes.set(opened.liveBytes());
        mayHoldExpiring = opened.finiteEntries() > 0;
        try {
            directory.markInUse();
        } catch (IOException | RuntimeException e) {
            index.closeQuietly();
            journal.close();
            throw e;
        }
        applier = new IndexApplier(
                index,
                liveBytes,
                // The count of live bytes lags by what waits: a compaction is late by at most a 32nd of the bound.
                options.maxBytes() / 32,
                this::failed,
                "terrace-disk-index-" + directory.directory().getFileName());
        applier.start();
        LOG.info(
                "Disk store {} open: {} entries, {} live bytes, bound {} bytes",
                directory.directory().toAbsolutePath(),
                index.size(),
                liveBytes.get(),
                options.maxBytes());
    }

    @Override
    public String name() {
        return "disk";
    }

    @Override
    public long evictions() {
        return compactor.evictions();
    }

    @Override
    public String location() {
        return "disk(" + directory.directory().toAbsolutePath() + ", max " + options.maxBytes() / (1024 * 1024) + " MB"
                + (options.fsync() ? ", fsync" : "") + ")";
    }

    @Override
    public TierEntry get(K key) {
        requireOpen();
        byte[] keyBytes = codec.encodeKey(key);
        for (int attempt = 0; ; attempt++) {
            Index current = usableIndex();
            try {
                byte[] stored = stored(current, keyBytes);
                return stored == null ? null : decode(current, key, keyBytes, stored);
            } catch (Index.Failure e) {
                failed(current, e);
                if (attempt > 0) {
                    throw unusable(e);
                }
            }
        }
    }

    /**
     * Stores {@code entry} without reading what the key held first: the index's own answer (the value it
     * replaced) is all the size bound needs.
     */
    /**
     * Whether a put of an eternal entry may be stored without reading the key's entry first: the tier caps no
     * lifetime ({@code terrace.l2.ttl-seconds}) and holds no entry that expires, so an update under the eternal
     * policy (which keeps the entry's instant) leaves the same entry a blind put does.
     */
    @Override
    public boolean takesBlindPuts() {
        return options.ttl().isZero() && !mayHoldExpiring;
    }

    @Override
    public void put(K key, TierEntry entry) {
        requireOpen();
        TierEntry next = capped(Objects.requireNonNull(entry, "entry"));
        byte[] keyBytes = codec.encodeKey(Objects.requireNonNull(key, "key"));
        byte[] payload = checkedPayload(keyBytes, next);
        // As putAll of one entry, without the arrays and the stripe set a batch needs. The usable index is not
        // written here (the applier does it), but a broken one is rebuilt before anything is appended.
        lockedIndex();
        ReentrantLock stripe = stripes[stripeOf(keyBytes)];
        stripe.lock();
        try {
            journal.append(putRecord(keyBytes, next.expiresAt(), payload));
        } catch (IOException e) {
            throw notWritten(e);
        } finally {
            stripe.unlock();
            compaction.readLock().unlock();
        }
        applier.keepBounded();
        compactIfNeeded();
    }

    /**
     * Stores every entry of {@code entries} with one journal {@code write} (when they fit its
     * {@value Journal#BUFFER_LIMIT}-byte write buffer; a bigger batch takes one write per buffer-full): the
     * records follow each other in the journal, and the call returns once all of them are written (with {@code
     * fsync}, forced to the device). The keys' locks are held together, so no other change to these keys in
     * this tier interleaves.
     *
     * <p>A value too big for a journal record fails the call before anything is written. When the index fails
     * part-way, the entries before the failing one stay stored and the caller gets a {@link CacheException}.
     */
    @Override
    public void putAll(Map<? extends K, ? extends TierEntry> entries) {
        requireOpen();
        int count = entries.size();
        if (count == 0) {
            return;
        }
        byte[][] keys = new byte[count][];
        byte[][] payloads = new byte[count][];
        long[] expiries = new long[count];
        int i = 0;
        for (Map.Entry<? extends K, ? extends TierEntry> change : entries.entrySet()) {
            TierEntry next = capped(Objects.requireNonNull(change.getValue(), "entry"));
            keys[i] = codec.encodeKey(Objects.requireNonNull(change.getKey(), "key"));
            payloads[i] = checkedPayload(keys[i], next);
            expiries[i] = next.expiresAt();
            i++;
        }
        lockedIndex();
        ReentrantLock[] held = lockStripes(keys);
        try {
            Journal.Append[] appends = new Journal.Append[count];
            for (int n = 0; n < count; n++) {
                appends[n] = putRecord(keys[n], expiries[n], payloads[n]);
            }
            journal.append(appends);
        } catch (IOException e) {
            throw notWritten(e);
        } finally {
            for (int n = held.length - 1; n >= 0; n--) {
                held[n].unlock();
            }
            compaction.readLock().unlock();
        }
        applier.keepBounded();
        compactIfNeeded();
    }

    /**
     * Runs each remapping on the key's current entry, holding the keys' stripes together, and appends every
     * resulting change with one journal write (a batch larger than a write holds goes in as few as it takes).
     * When a remapping throws (or a result is too large for a record), the changes before it are still written
     * and its exception propagates; when the journal or the index fails, the caller gets a {@link
     * CacheException} and no change of the batch after the failing one is kept.
     */
    @Override
    public Map<K, TierEntry> computeAll(Map<K, ? extends UnaryOperator<TierEntry>> remappings) {
        requireOpen();
        int count = remappings.size();
        if (count == 0) {
            return Map.of();
        }
        List<K> keys = new ArrayList<>(remappings.keySet());
        byte[][] keyBytes = new byte[count][];
        for (int n = 0; n < count; n++) {
            keyBytes[n] = codec.encodeKey(keys.get(n));
        }
        Map<K, TierEntry> results = new LinkedHashMap<>();
        RuntimeException stopped = null;
        Index current = lockedIndex();
        ReentrantLock[] held = lockStripes(keyBytes);
        try {
            List<Journal.Append> appends = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                K key = keys.get(n);
                byte[] bytes = keyBytes[n];
                byte[] stored = stored(current, bytes);
                TierEntry existing = stored == null ? null : decode(current, key, bytes, stored);
                TierEntry result;
                try {
                    result = remappings.get(key).apply(existing);
                    if (result != existing) {
                        result = capped(result);
                        Journal.Append append = changeOf(bytes, stored, result);
                        if (append != null) {
                            appends.add(append);
                        }
                    }
                } catch (RuntimeException e) {
                    stopped = e;
                    break;
                }
                results.put(key, result);
            }
            if (!appends.isEmpty()) {
                journal.append(appends.toArray(new Journal.Append[0]));
            }
        } catch (IOException e) {
            throw notWritten(e);
        } catch (Index.Failure e) {
            // A read of an entry failed, before anything was appended.
            failed(current, e);
            throw unusable(e);
        } finally {
            for (int n = held.length - 1; n >= 0; n--) {
                held[n].unlock();
            }
            compaction.readLock().unlock();
        }
        applier.keepBounded();
        compactIfNeeded();
        if (stopped != null) {
            throw stopped;
        }
        return results;
    }

    /**
     * The journal record that turns {@code previous} (stored bytes, or {@code null}) into {@code next}; once
     * written, the applier applies it to the index.
     */
    private Journal.Append changeOf(byte[] keyBytes, byte[] previous, TierEntry next) {
        if (next == null) {
            return previous == null ? null : applier.remove(keyBytes);
        }
        return putRecord(keyBytes, next.expiresAt(), checkedPayload(keyBytes, next));
    }

    /**
     * The journal record that stores the value of {@code unsealed} (from {@link #checkedPayload}) for the key: the
     * record's value is the encoding after the header, and the index update fills in the header, so the value is
     * encoded and copied once for both.
     */
    private Journal.Append putRecord(byte[] keyBytes, long expiresAt, byte[] unsealed) {
        if (expiresAt != TierEntry.ETERNAL) {
            mayHoldExpiring = true;
        }
        return applier.put(keyBytes, expiresAt, unsealed);
    }

    /**
     * The stored bytes of the key's newest value: an acknowledged change the applier has not applied yet, else the
     * index's; {@code null} when absent.
     */
    private byte[] stored(Index current, byte[] keyBytes) {
        IndexApplier.Change change = applier.pendingFor(keyBytes);
        return change != null ? change.stored() : current.get(keyBytes);
    }

    /**
     * The usable index, with the compaction lock held for reading: fetched again while a rebuild replaced it
     * in between (a rebuild needs that lock free, so it cannot be taken first).
     */
    private Index lockedIndex() {
        Index current = usableIndex();
        compaction.readLock().lock();
        while (current != index) {
            compaction.readLock().unlock();
            current = usableIndex();
            compaction.readLock().lock();
        }
        return current;
    }

    /** Locks the stripes of {@code keys}, each once, in ascending order (so that no two callers deadlock). */
    private ReentrantLock[] lockStripes(byte[][] keys) {
        boolean[] wanted = new boolean[STRIPES];
        int distinct = 0;
        for (byte[] keyBytes : keys) {
            int stripe = stripeOf(keyBytes);
            if (!wanted[stripe]) {
                wanted[stripe] = true;
                distinct++;
            }
        }
        ReentrantLock[] held = new ReentrantLock[distinct];
        int taken = 0;
        try {
            for (int stripe = 0; stripe < STRIPES; stripe++) {
                if (wanted[stripe]) {
                    stripes[stripe].lock();
                    held[taken++] = stripes[stripe];
                }
            }
        } catch (RuntimeException | Error e) {
            for (int n = taken - 1; n >= 0; n--) {
                held[n].unlock();
            }
            throw e;
        }
        return held;
    }

    private static int stripeOf(byte[] keyBytes) {
        return Math.floorMod(Arrays.hashCode(keyBytes), STRIPES);
    }

    /** The journal's number of {@code write} calls for appends so far, for tests that count them. */
    long journalWrites() {
        return journal.writeCalls();
    }

    /** The journal's size in bytes (its records, not the space claimed after them), for tests. */
    long journalBytes() {
        return journal.size();
    }

    /**
     * The index in use now (rebuilt first if it failed), holding every change acknowledged so far, for tests that
     * look at or damage it.
     */
    Index index() {
        return settledIndex();
    }

    /** The index in use now as it is, with the changes the applier has not applied yet, for tests. */
    Index indexWithBacklog() {
        return index;
    }

    /** The applier of the index's changes, for tests that pause it and benchmarks that watch it. */
    IndexApplier applier() {
        return applier;
    }

    /**
     * Compacts the journal now, due or not (evicting only what the bound requires), for tests that check what a
     * compaction keeps after each kind of change.
     */
    void compactNow() throws IOException {
        usableIndex();
        compaction.writeLock().lock();
        try {
            requireOpen();
            applier.drain();
            compactor.compact(journal, index, compactor.evictBytes(liveBytes.get()));
        } finally {
            compaction.writeLock().unlock();
        }
    }

    @Override
    public void remove(K key) {
        compute(key, current -> null);
    }

    @Override
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        requireOpen();
        byte[] keyBytes = codec.encodeKey(key);
        TierEntry result = null;
        for (int attempt = 0; ; attempt++) {
            Index current = usableIndex();
            boolean remapped = false;
            compaction.readLock().lock();
            try {
                ReentrantLock stripe = stripes[stripeOf(keyBytes)];
                stripe.lock();
                try {
                    byte[] stored = stored(current, keyBytes);
                    TierEntry existing = stored == null ? null : decode(current, key, keyBytes, stored);
                    remapped = true;
                    result = remapping.apply(existing);
                    if (result != existing) {
                        result = capped(result);
                        write(keyBytes, existing == null ? null : stored, result);
                    }
                } finally {
                    stripe.unlock();
                }
                break;
            } catch (Index.Failure e) {
                failed(current, e);
                if (remapped || attempt > 0) {
                    // The read failed; the remapping's result was not appended.
                    throw unusable(e);
                }
            } finally {
                compaction.readLock().unlock();
            }
        }
        applier.keepBounded();
        compactIfNeeded();
        return result;
    }

    /** {@code entry} with its expiry brought forward to the tier's time to live, if it has one. */
    private TierEntry capped(TierEntry entry) {
        if (entry == null || options.ttl().isZero()) {
            return entry;
        }
        long limit = clock.millis() + options.ttl().toMillis();
        return entry.expiresAt() > limit ? entry.withExpiresAt(limit) : entry;
    }

    private void write(byte[] keyBytes, byte[] previous, TierEntry next) {
        Journal.Append change = changeOf(keyBytes, previous, next);
        if (change == null) {
            return;
        }
        try {
            journal.append(change);
        } catch (IOException e) {
            throw notWritten(e);
        }
    }

    /**
     * The encoded value of {@code next} after room for its {@link StoredValue} header (unsealed), refused before
     * anything is written if no journal record holds it.
     */
    private byte[] checkedPayload(byte[] keyBytes, TierEntry next) {
        byte[] unsealed = codec.encodeValue(next.value(), StoredValue.HEADER);
        int payloadLength = unsealed.length - StoredValue.HEADER;
        if (!Journal.fits(keyBytes.length, payloadLength)) {
            throw new CacheException("Cannot store a value of " + payloadLength + " bytes in the disk store "
                    + directory.directory().toAbsolutePath() + ": a journal record holds at most "
                    + Journal.MAX_RECORD + " bytes; the value was not stored");
        }
        compactor.warnIfOversized(keyBytes.length + (long) payloadLength);
        return unsealed;
    }

    private CacheException notWritten(IOException e) {
        return new CacheException(
                "Cannot write to the disk store journal " + journal.path().toAbsolutePath() + " (" + e
                        + "); the write was not made",
                e);
    }

    @Override
    public Iterator<K> keys() {
        requireOpen();
        Index current = settledIndex();
        Iterator<byte[]> keys;
        try {
            keys = current.keys();
        } catch (Index.Failure e) {
            failed(current, e);
            throw unusable(e);
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return keys.hasNext();
                } catch (Index.Failure e) {
                    failed(current, e);
                    throw unusable(e);
                }
            }

            @Override
            @SuppressWarnings("unchecked")
            public K next() {
                byte[] next;
                try {
                    next = keys.next();
                } catch (Index.Failure e) {
                    failed(current, e);
                    throw unusable(e);
                }
                return (K) codec.decodeKey(next);
            }
        };
    }

    @Override
    public long size() {
        requireOpen();
        Index current = settledIndex();
        try {
            return current.size();
        } catch (Index.Failure e) {
            failed(current, e);
            throw unusable(e);
        }
    }

    @Override
    public void clear() {
        requireOpen();
        compaction.writeLock().lock();
        try {
            journal.reset();
            if (indexBroken) {
                rebuildIndex();
            } else {
                // The changes waiting to be applied are cleared with the rest: the applier drops them.
                Index current = index;
                applier.replace(() -> {
                    current.clear();
                    return current;
                });
            }
            liveBytes.set(0);
            mayHoldExpiring = false;
        } catch (IOException e) {
            throw new CacheException(
                    "Cannot clear the disk store " + directory.directory().toAbsolutePath() + ": " + e, e);
        } catch (Index.Failure e) {
            failed(index, e);
            throw unusable(e);
        } finally {
            compaction.writeLock().unlock();
        }
    }

    /** The bytes the store's files take on disk now. */
    public long diskBytes() {
        return directory.diskBytes();
    }

    /** The bytes of the live entries, as the size bound counts them. */
    public long liveBytes() {
        try {
            applier.drain();
        } catch (Index.Failure e) {
            // Rebuilt, with its count, by the next operation; until then the count of what was applied.
            failed(index, e);
        }
        return liveBytes.get();
    }

    /** The directory the store keeps its files in. */
    @Override
    public Path directory() {
        return directory.directory();
    }

    @Override
    public void close() {
        compaction.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            applier.stop();
            index.closeQuietly();
            journal.close();
            directory.markClean(journal.lastSeq(), liveBytes.get(), journal.size());
            if (options.temporary()) {
                directory.delete();
            } else {
                directory.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Closing disk store {} failed; it will be verified and rebuilt from its journal at the next start",
                    directory.directory().toAbsolutePath(),
                    e);
            closeDirectoryQuietly(e);
        } finally {
            compaction.writeLock().unlock();
        }
    }

    /** Closes the store and deletes its files. */
    @Override
    public void destroy() {
        close();
        try {
            directory.delete();
        } catch (IOException e) {
            LOG.warn("Could not delete disk store {}", directory.directory().toAbsolutePath(), e);
        }
    }

    /** The index, rebuilt from the journal first if it failed. */
    private Index usableIndex() {
        if (!indexBroken) {
            return index;
        }
        compaction.writeLock().lock();
        try {
            requireOpen();
            if (indexBroken) {
                rebuildIndex();
            }
            return index;
        } catch (IOException | RuntimeException e) {
            throw new CacheException(
                    "The disk store index " + directory.dataFile().toAbsolutePath()
                            + " failed and cannot be rebuilt from the journal now (" + e
                            + "); the store is unusable until"
                            + " it can",
                    e);
        } finally {
            compaction.writeLock().unlock();
        }
    }

    /**
     * The usable index once the applier has applied every change acknowledged so far: for what lists or counts the
     * entries. A failure of the index while applying rebuilds it (which takes in every change from the journal).
     */
    private Index settledIndex() {
        for (int attempt = 0; ; attempt++) {
            Index current = usableIndex();
            try {
                applier.drain();
                return current;
            } catch (Index.Failure e) {
                failed(current, e);
                if (attempt > 0) {
                    throw unusable(e);
                }
            }
        }
    }

    /** Rebuilds the index from the journal; call with the compaction lock held for writing. */
    private void rebuildIndex() throws IOException {
        Index old = index;
        // Every change the applier holds is in the journal, so in the rebuilt index: the applier drops them.
        StoreOpener.Rebuilt[] rebuilt = new StoreOpener.Rebuilt[1];
        index = applier.replace(() -> {
            old.closeQuietly();
            rebuilt[0] = StoreOpener.rebuild(directory, journal, true);
            liveBytes.set(rebuilt[0].liveBytes());
            return rebuilt[0].index();
        });
        mayHoldExpiring = mayHoldExpiring || rebuilt[0].finiteEntries() > 0;
        indexBroken = false;
        LOG.warn(
                "Disk store index {} rebuilt from the journal: {} entries",
                directory.dataFile().toAbsolutePath(),
                index.size());
    }

    private void failed(Index failedIndex, Index.Failure failure) {
        if (failedIndex == index && !indexBroken) {
            indexBroken = true;
            LOG.warn(
                    "Disk store index {} failed ({}); rebuilding it from the journal",
                    directory.dataFile().toAbsolutePath(),
                    failure.getCause().toString());
        }
    }

    private CacheException unusable(Index.Failure failure) {
        return new CacheException(
                "The disk store index " + directory.dataFile().toAbsolutePath() + " failed (" + failure.getCause()
                        + "); the operation was not made, the index is rebuilt from the journal",
                failure);
    }

    private TierEntry decode(Index current, K key, byte[] keyBytes, byte[] stored) {
        if (!StoredValue.isIntact(keyBytes, stored)) {
            LOG.warn("Disk store {}: dropped an entry whose checksum does not match", directory.directory());
            dropCorrupt(current, keyBytes, stored);
            return null;
        }
        try {
            return StoredValue.decode(codec, stored);
        } catch (RuntimeException e) {
            LOG.warn("Disk store {}: dropped an entry that cannot be decoded: {}", directory.directory(), e.toString());
            dropCorrupt(current, keyBytes, stored);
            return null;
        }
    }

    private void dropCorrupt(Index current, byte[] keyBytes, byte[] stored) {
        if (current.remove(keyBytes, stored)) {
            liveBytes.addAndGet(-StoredValue.footprint(keyBytes, stored));
        }
    }

    private void compactIfNeeded() {
        // The changes waiting to be applied are not counted yet: they may add up to their bytes, or take some away.
        long counted = liveBytes.get();
        long journalBytes = journal.size();
        if (!compactor.isDue(counted, journalBytes)
                && !compactor.isDue(counted + applier.backlogBytes(), journalBytes)) {
            return;
        }
        compaction.writeLock().lock();
        try {
            if (closed || indexBroken) {
                return;
            }
            // The count of live bytes is exact, and the index's list of live records complete, once the applier
            // has applied every change (none can be appended meanwhile).
            applier.drain();
            long live = liveBytes.get();
            if (compactor.isDue(live, journal.size())) {
                compactor.compact(journal, index, compactor.evictBytes(live));
            }
        } catch (IOException e) {
            LOG.warn(
                    "Compacting disk store {} failed; will retry",
                    directory.directory().toAbsolutePath(),
                    e);
        } catch (Index.Failure e) {
            failed(index, e);
        } finally {
            compaction.writeLock().unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The disk store " + directory.directory() + " is closed");
        }
    }
}
