package dev.terrace.jcache.internal.tier.disk;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier's compaction: the rewrite of the journal with only the live entries, in the order they were
 * written, that keeps the tier within its byte bound and its journal from growing without end. Expired
 * entries are dropped, and when the live data has outgrown its budget the oldest of the rest are evicted
 * until it is back to four fifths of it; every dropped entry is reported to the tier's listener.
 *
 * <p>The budget for live data is a quarter of the bound because the journal may reach twice the live data
 * before it is compacted, and MapDB's file about as much again. This class decides whether a compaction is
 * due and performs it; the tier decides when one may run, since only the tier knows when it holds its writers
 * off and whether it is still open.
 */
final class Compactor<K> {

    // The tier's logger, not this class's: operators follow the disk store under the one name.
    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    /**
     * Below this size, or a sixteenth of the bound if that is more, the journal is left alone however much of
     * it is dead, to keep compactions rare: a compaction rewrites every live entry, so a store holding far less
     * than its bound would otherwise rewrite all of it every few thousand writes. A sixteenth of the bound is
     * well within the journal's share of it (twice the budget for live data: half the bound).
     */
    private static final long MIN_JOURNAL_BYTES = 1 << 20;

    private final Tier<K> tier;
    private final StoreDirectory directory;
    private final Codec codec;
    private final Clock clock;
    private final TierListener<K> listener;
    /** The tier's count of live bytes, which a compaction lowers by what it drops. */
    private final AtomicLong liveBytes;

    private final long liveBudget;
    /** The journal size below which no compaction is due for dead records alone. */
    private final long minJournalBytes;

    private final LongAdder evictions = new LongAdder();

    Compactor(
            Tier<K> tier,
            StoreDirectory directory,
            long maxBytes,
            AtomicLong liveBytes,
            Codec codec,
            Clock clock,
            TierListener<K> listener) {
        this.tier = tier;
        this.directory = directory;
        this.liveBytes = liveBytes;
        this.codec = codec;
        this.clock = clock;
        this.listener = listener;
        this.liveBudget = Math.max(64 * 1024, maxBytes / 4);
        this.minJournalBytes = Math.max(MIN_JOURNAL_BYTES, maxBytes / 16);
    }

    /**
     * Warns when one value of {@code bytes} bytes is larger than the budget for live data: it cannot stay, and
     * the next compaction evicts it (alone: the entries that do fit are kept).
     */
    void warnIfOversized(long bytes) {
        if (bytes > liveBudget) {
            LOG.warn(
                    "Disk store {}: a value of {} bytes is larger than the store's budget for live data ({} bytes,"
                            + " a quarter of its bound); it is evicted at once. Raise terrace.l2.max-size-mb to keep"
                            + " values this large on disk",
                    directory.directory().toAbsolutePath(),
                    bytes,
                    liveBudget);
        }
    }

    /** How many live entries compactions evicted to keep the store within its bound. */
    long evictions() {
        return evictions.sum();
    }

    /** Whether a store with {@code live} bytes of live data and a journal of {@code journalBytes} needs compacting. */
    boolean isDue(long live, long journalBytes) {
        return live > liveBudget || journalBytes > Math.max(minJournalBytes, 2 * live);
    }

    /** The bytes of the oldest live entries to evict so that {@code live} bytes fit the budget with room to spare. */
    long evictBytes(long live) {
        return live > liveBudget ? live - liveBudget * 8 / 10 : 0;
    }

    /**
     * Rewrites {@code journal} with the live entries of {@code index}, oldest first, dropping the expired ones
     * and evicting {@code evictBytes} of the others: first every entry too large to ever fit the budget, then
     * the oldest. Call only while no entry of the tier can change.
     */
    void compact(Journal journal, Index index, long evictBytes) throws IOException {
        long now = clock.millis();
        // The index lists the records that wrote the values it holds: every other record is dead, known without a
        // lookup (the lookups of the dead records were most of a compaction). A sequence number names one record.
        long oversized = evictBytes > 0 ? oversizedBytes(journal, index) : 0;
        long[] evicted = {0, 0, 0}; // all, ordinary, too large
        try (Journal.Rewrite rewrite = journal.startRewrite()) {
            journal.reader().scan(liveOnly(index, record -> {
                if (record.type() != Journal.PUT) {
                    return;
                }
                byte[] stored = index.get(record.key());
                // A record other than the one that wrote the key's current value is dead: leave it behind. Listed,
                // it wrote a value a read dropped as damaged: the index forgets it.
                if (!StoredValue.isWrittenBy(stored, record.seq())) {
                    index.forget(record.seq());
                    return;
                }
                long size = StoredValue.footprint(record.key(), stored);
                boolean expired = record.expiresAt() <= now;
                boolean tooLarge = size > liveBudget;
                boolean evict = tooLarge || evicted[1] + oversized < evictBytes;
                if (expired || evict) {
                    index.remove(record.key());
                    liveBytes.addAndGet(-size);
                    if (!expired) {
                        evicted[0] += size;
                        evicted[tooLarge ? 2 : 1] += size;
                        evictions.increment();
                    }
                    report(record, expired);
                    return;
                }
                try {
                    rewrite.append(record);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            journal.install(rewrite);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        LOG.debug(
                "Disk store {} compacted: {} live bytes, journal {} bytes, {} bytes evicted",
                directory.directory(),
                liveBytes.get(),
                journal.size(),
                evicted[0]);
    }

    /** The bytes of the live entries too large to ever fit the budget, which are evicted before any other. */
    private long oversizedBytes(Journal journal, Index index) throws IOException {
        long[] oversized = {0};
        journal.reader().scan(liveOnly(index, record -> {
            if (record.type() == Journal.PUT && record.key().length + (long) record.value().length > liveBudget) {
                byte[] stored = index.get(record.key());
                if (StoredValue.isWrittenBy(stored, record.seq())) {
                    oversized[0] += StoredValue.footprint(record.key(), stored);
                }
            }
        }));
        return oversized[0];
    }

    /**
     * A scan that hands {@code visitor} only the records that may have written a value held now, by the sequence
     * numbers {@code index} lists; the dead ones are verified and skipped without their key and value being
     * copied out.
     */
    private static JournalReader.Visitor liveOnly(Index index, Consumer<Journal.Entry> visitor) {
        return new JournalReader.Visitor() {
            @Override
            public boolean wants(long seq) {
                return index.mayHold(seq);
            }

            @Override
            public void record(Journal.Entry entry) {
                visitor.accept(entry);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private void report(Journal.Entry record, boolean expired) {
        try {
            K key = (K) codec.decodeKey(record.key());
            TierEntry entry =
                    new TierEntry(codec.decodeValue(record.value(), 0, record.value().length), record.expiresAt());
            listener.onDropped(tier, key, entry, expired);
        } catch (RuntimeException e) {
            LOG.warn("Disk store {}: could not report a dropped entry: {}", directory.directory(), e.toString());
        }
    }
}
