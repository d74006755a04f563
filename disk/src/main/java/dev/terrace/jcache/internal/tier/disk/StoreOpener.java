package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a disk store: takes its journal (and with it the store's lock), verifies every record of it, and
 * builds the MapDB index from it. This runs at every start, clean or not, and whenever the index fails while
 * the store is open, so a damaged, deleted or foreign index file is never trusted; it takes time in
 * proportion to the journal, which compaction keeps within the store's bound.
 *
 * <p>What the journal's damage means:
 *
 * <ul>
 *   <li>a torn tail after a crash is an append that never returned: it is cut off, and what came before is
 *       kept;
 *   <li>a damaged stretch between intact records may have held a later value of any key written before it,
 *       so every entry written before the (last) damaged stretch is dropped, and the entries written after it
 *       kept: entries are lost, never served stale. Damage at the end of a journal that was closed cleanly is
 *       treated the same way, since no append was in flight;
 *   <li>whenever damage is found, the journal as it was is copied aside ({@code journal.log.broken-*}) and the
 *       journal rewritten with only what survives, so later appends follow intact records; the counts are
 *       logged as a warning.
 * </ul>
 *
 * <p>Kept apart from {@link DiskTier} because this is the one place that decides how far the files on disk
 * are trusted.
 */
final class StoreOpener {

    // The tier's logger, not this class's: operators follow the disk store under the one name.
    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);

    /** An opened store: its index, its journal open for appending, and the live bytes of its entries. */
    record Opened(Index index, Journal journal, long liveBytes, long finiteEntries) {}

    /**
     * A rebuilt index, the live bytes of its entries, how many entries were dropped as damaged, and how many of
     * its entries expire (hold another instant than {@code TierEntry.ETERNAL}).
     */
    record Rebuilt(Index index, long liveBytes, long dropped, long finiteEntries) {}

    private StoreOpener() {}

    /** Opens the store in {@code directory}, locking it, verifying its journal and rebuilding its index. */
    static Opened open(StoreDirectory directory, boolean fsync) throws IOException {
        StoreDirectory.CleanState cleanState = directory.lastCleanShutdown();
        boolean clean = cleanState != null;
        boolean hadJournal = Files.exists(directory.journalFile());
        boolean hadIndex = Files.exists(directory.dataFile());
        Journal journal = Journal.open(directory.journalFile(), fsync);
        try {
            if (!clean) {
                LOG.warn(
                        "Disk store {} was not shut down cleanly: rebuilding it from its journal",
                        directory.directory().toAbsolutePath());
            } else if (!hadJournal && hadIndex) {
                LOG.warn(
                        "Disk store {} has an index file but no journal: its entries are lost, starting empty",
                        directory.directory().toAbsolutePath());
            }
            Rebuilt rebuilt = build(directory, journal, clean, clean ? cleanState.journalBytes() : -1);
            return new Opened(rebuilt.index(), journal, rebuilt.liveBytes(), rebuilt.finiteEntries());
        } catch (IOException | RuntimeException | Error e) {
            try {
                journal.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A new index built from {@code journal}, which is verified on the way; {@code cleanEnd} says whether the
     * journal's end must be intact (no append can have been torn by a crash).
     */
    static Rebuilt rebuild(StoreDirectory directory, Journal journal, boolean cleanEnd) throws IOException {
        return build(directory, journal, cleanEnd, -1);
    }

    /** {@link #rebuild}, knowing the size the journal had at its clean shutdown ({@code -1}: unknown). */
    private static Rebuilt build(StoreDirectory directory, Journal journal, boolean cleanEnd, long closedBytes)
            throws IOException {
        Index index = Index.create(directory.dataFile());
        try {
            return fill(directory, journal, cleanEnd, closedBytes, index);
        } catch (IOException | RuntimeException | Error e) {
            index.closeQuietly();
            throw e;
        }
    }

    private static Rebuilt fill(
            StoreDirectory directory, Journal journal, boolean cleanEnd, long closedBytes, Index index)
            throws IOException {
        long journalBytes = journal.size();
        long[] liveBytes = {0};
        long[] finite = {0};
        long[] dropped = {0};
        JournalReader reader = journal.reader();
        JournalReader.Scan scan = reader.scan(new JournalReader.Visitor() {
            @Override
            public void record(Journal.Entry record) {
                if (record.type() == Journal.PUT) {
                    byte[] value = StoredValue.encode(record.key(), record.seq(), record.expiresAt(), record.value());
                    byte[] previous = index.put(record.key(), value);
                    liveBytes[0] +=
                            StoredValue.footprint(record.key(), value) - StoredValue.footprint(record.key(), previous);
                    finite[0] += StoredValue.finite(value) - StoredValue.finite(previous);
                } else {
                    byte[] previous = index.remove(record.key());
                    liveBytes[0] -= StoredValue.footprint(record.key(), previous);
                    finite[0] -= StoredValue.finite(previous);
                }
            }

            @Override
            public void damaged(long bytes) {
                // The damaged records may have replaced any entry written before them: drop them all.
                dropped[0] += index.size();
                index.clear();
                liveBytes[0] = 0;
                finite[0] = 0;
            }
        });
        journal.continueAfter(scan.maxSeq());
        // A journal cut (or grown) at a record boundary since its clean shutdown reads as intact; its size tells.
        boolean resized = closedBytes >= 0 && journalBytes != closedBytes;
        if (scan.intact() && !resized) {
            return new Rebuilt(index, liveBytes[0], 0, finite[0]);
        }
        Path journalFile = directory.journalFile().toAbsolutePath();
        if (scan.damagedStretches() == 0 && !cleanEnd && !resized && reader.zeros(scan.goodEnd())) {
            // Space claimed for appends that no record reached before the process ended: nothing was lost.
            journal.cutTo(scan.goodEnd());
            LOG.info(
                    "Disk store journal {}: cut {} bytes of space claimed for appends after {} intact records",
                    journalFile,
                    scan.tailBytes(),
                    scan.records());
            return new Rebuilt(index, liveBytes[0], 0, finite[0]);
        }
        if (scan.damagedStretches() == 0 && !cleanEnd && !resized) {
            journal.cutTo(scan.goodEnd());
            LOG.warn(
                    "Disk store journal {}: cut {} bytes of a torn append after {} intact records",
                    journalFile,
                    scan.tailBytes(),
                    scan.records());
            return new Rebuilt(index, liveBytes[0], 0, finite[0]);
        }
        long keepFrom = scan.lastDamageEnd();
        if ((scan.tailBytes() > 0 && cleanEnd) || resized) {
            // No append was in flight: the damaged end may have replaced anything before it.
            dropped[0] += index.size();
            index.clear();
            liveBytes[0] = 0;
            finite[0] = 0;
            keepFrom = scan.goodEnd();
        }
        Path aside = directory.asideName(directory.journalFile());
        journal.copyTo(aside);
        journal.keepOnly(Math.max(keepFrom, Journal.HEADER_BYTES), scan.goodEnd());
        LOG.warn(
                "Disk store journal {} is damaged: {} bytes where {} were closed cleanly (-1: unknown), {} damaged"
                        + " stretches ({} bytes) between {} intact records and {} damaged bytes at its end; dropped {}"
                        + " entries written before the damage (a damaged record may have replaced them), kept {}; the"
                        + " damaged journal was copied to {}",
                journalFile,
                journalBytes,
                closedBytes,
                scan.damagedStretches(),
                scan.damagedBytes(),
                scan.records(),
                scan.tailBytes(),
                dropped[0],
                index.size(),
                aside);
        return new Rebuilt(index, liveBytes[0], dropped[0], finite[0]);
    }
}
