package dev.terrace.jcache.internal.tier.disk;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import javax.cache.CacheException;
import org.mapdb.DB;
import org.mapdb.HTreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier (L2): a MapDB store on local disk, bounded in bytes, that survives restarts and crashes.
 *
 * <p>MapDB's own write-ahead log does not survive {@code kill -9} reliably, so this tier does not trust
 * MapDB's file after an unclean shutdown. Every change is first appended to a {@link Journal} of
 * checksummed records that always holds every live entry; MapDB (memory-mapped, without transactions) is the
 * fast index over it. After a clean shutdown the MapDB file is used as it is; after a crash it is discarded
 * and rebuilt from the journal, whose torn tail, if any, is cut off. Every value in MapDB carries a checksum
 * over its key and contents that is verified before it is served; a value that fails is dropped.
 *
 * <p>An acknowledged write (the call returned) is in the journal, in the operating system's page cache: it
 * survives the death of the process. With {@code fsync} each append is also forced to the device.
 *
 * <p>The tier stays within its byte bound by compaction: when the live data outgrows its share of the bound,
 * or the journal grows to twice the live data, the journal is rewritten with only the live entries, in the
 * order they were written, dropping the oldest (evictions) and the expired ones.
 */
public final class DiskTier<K> implements Tier<K> {

    /**
     * How the disk tier is set up. {@code maxBytes} bounds all the store's files together; a {@code temporary}
     * store deletes its files when it closes.
     */
    public record Options(Path directory, long maxBytes, boolean fsync, boolean temporary, Duration ttl) {

        public Options(Path directory, long maxBytes, boolean fsync) {
            this(directory, maxBytes, fsync, false, Duration.ZERO);
        }

        /** The same options with a cap on how long an entry lives on disk ({@link Duration#ZERO}: none). */
        public Options withTtl(Duration newTtl) {
            return new Options(directory, maxBytes, fsync, temporary, newTtl);
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
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong liveBytes = new AtomicLong();
    private final Compactor<K> compactor;
    private DB db;
    private HTreeMap<byte[], byte[]> map;
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
        this.compactor = new Compactor<>(this, directory, options.maxBytes(), liveBytes, codec, clock, listener);
    }

    /**
     * Opens the store in {@code options.directory()}, recovering it from its journal when the last shutdown was
     * not clean.
     *
     * @throws CacheException naming the directory when it is in use or cannot be opened
     */
    public static <K> DiskTier<K> open(Options options, Codec codec, Clock clock, TierListener<K> listener) {
        DiskTier<K> tier = new DiskTier<>(options, codec, clock, listener);
        if (options.temporary()) {
            try {
                tier.directory.deleteContents();
            } catch (IOException e) {
                throw new CacheException("Cannot empty the temporary disk store " + options.directory(), e);
            }
        }
        try {
            tier.start();
        } catch (IOException | RuntimeException e) {
            try {
                tier.directory.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CacheException(
                    "Cannot open the disk store " + options.directory().toAbsolutePath() + ": " + e, e);
        }
        return tier;
    }

    private void start() throws IOException {
        StoreOpener.Opened opened = StoreOpener.open(directory, options.fsync());
        db = opened.db();
        map = opened.map();
        journal = opened.journal();
        seq.set(opened.seq());
        liveBytes.set(opened.liveBytes());
        directory.markInUse();
        LOG.info(
                "Disk store {} open: {} entries, {} live bytes, bound {} bytes",
                directory.directory().toAbsolutePath(),
                map.sizeLong(),
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
        byte[] stored = map.get(keyBytes);
        return stored == null ? null : decode(key, keyBytes, stored);
    }

    @Override
    public void put(K key, TierEntry entry) {
        compute(key, current -> entry);
    }

    @Override
    public void remove(K key) {
        compute(key, current -> null);
    }

    @Override
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        requireOpen();
        byte[] keyBytes = codec.encodeKey(key);
        TierEntry result;
        compaction.readLock().lock();
        try {
            ReentrantLock stripe = stripes[Math.floorMod(java.util.Arrays.hashCode(keyBytes), STRIPES)];
            stripe.lock();
            try {
                byte[] stored = map.get(keyBytes);
                TierEntry current = stored == null ? null : decode(key, keyBytes, stored);
                result = remapping.apply(current);
                if (result != current) {
                    result = capped(result);
                    write(keyBytes, current == null ? null : stored, result);
                }
            } finally {
                stripe.unlock();
            }
        } finally {
            compaction.readLock().unlock();
        }
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
        try {
            if (next == null) {
                if (previous != null) {
                    journal.append(new Journal.Entry(Journal.REMOVE, seq.incrementAndGet(), 0, keyBytes, new byte[0]));
                    map.remove(keyBytes);
                    liveBytes.addAndGet(-StoredValue.footprint(keyBytes, previous));
                }
                return;
            }
            long recordSeq = seq.incrementAndGet();
            byte[] payload = codec.encodeValue(next.value());
            journal.append(new Journal.Entry(Journal.PUT, recordSeq, next.expiresAt(), keyBytes, payload));
            byte[] value = StoredValue.encode(keyBytes, recordSeq, next.expiresAt(), payload);
            byte[] replaced = map.put(keyBytes, value);
            liveBytes.addAndGet(StoredValue.footprint(keyBytes, value) - StoredValue.footprint(keyBytes, replaced));
        } catch (IOException e) {
            throw new CacheException(
                    "Cannot write to the disk store " + directory.directory().toAbsolutePath(), e);
        }
    }

    @Override
    public Iterator<K> keys() {
        requireOpen();
        Iterator<byte[]> keys = map.keySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            @SuppressWarnings("unchecked")
            public K next() {
                return (K) codec.decodeKey(keys.next());
            }
        };
    }

    @Override
    public long size() {
        requireOpen();
        return map.sizeLong();
    }

    @Override
    public void clear() {
        requireOpen();
        compaction.writeLock().lock();
        try {
            journal.reset();
            map.clear();
            liveBytes.set(0);
        } catch (IOException e) {
            throw new CacheException(
                    "Cannot clear the disk store " + directory.directory().toAbsolutePath(), e);
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
        return liveBytes.get();
    }

    /** The directory the store keeps its files in. */
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
            journal.close();
            db.close();
            directory.markClean(seq.get(), liveBytes.get());
            if (options.temporary()) {
                directory.delete();
            } else {
                directory.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Closing disk store {} failed; it will be rebuilt from its journal at the next start",
                    directory.directory().toAbsolutePath(),
                    e);
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

    private TierEntry decode(K key, byte[] keyBytes, byte[] stored) {
        if (!StoredValue.isIntact(keyBytes, stored)) {
            LOG.warn("Disk store {}: dropped an entry whose checksum does not match", directory.directory());
            dropCorrupt(keyBytes, stored);
            return null;
        }
        try {
            return StoredValue.decode(codec, stored);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Disk store {}: dropped an entry of key {} that cannot be decoded: {}",
                    directory.directory(),
                    key,
                    e.toString());
            dropCorrupt(keyBytes, stored);
            return null;
        }
    }

    private void dropCorrupt(byte[] keyBytes, byte[] stored) {
        if (map.remove(keyBytes, stored)) {
            liveBytes.addAndGet(-StoredValue.footprint(keyBytes, stored));
        }
    }

    private void compactIfNeeded() {
        if (!compactor.isDue(liveBytes.get(), journal.size())) {
            return;
        }
        compaction.writeLock().lock();
        try {
            long live = liveBytes.get();
            long journalBytes = journal.size();
            if (!closed && compactor.isDue(live, journalBytes)) {
                compactor.compact(journal, map, compactor.evictBytes(live));
            }
        } catch (IOException e) {
            LOG.warn(
                    "Compacting disk store {} failed; will retry",
                    directory.directory().toAbsolutePath(),
                    e);
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
