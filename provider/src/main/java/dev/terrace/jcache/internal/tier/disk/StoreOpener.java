package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a disk store's MapDB index and journal at start-up. After a clean shutdown the MapDB file is trusted
 * as it is, with the sequence number and live bytes recorded at that shutdown. After a crash, or when MapDB
 * cannot read its file, the file is discarded and the index rebuilt by replaying the journal, whose torn or
 * damaged tail the replay cuts off; a journal damaged at its start is moved aside and the store starts empty.
 *
 * <p>Kept apart from {@link DiskTier} because this is the one place that decides how far the files on disk
 * are trusted, and it runs once, before the tier serves anything.
 */
final class StoreOpener {

    // The tier's logger, not this class's: operators follow the disk store under the one name.
    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);

    /** An opened store: its MapDB file and index, its journal open for appending, and its counters. */
    record Opened(DB db, HTreeMap<byte[], byte[]> map, Journal journal, long seq, long liveBytes) {}

    private final StoreDirectory directory;
    private final boolean fsync;
    private DB db;
    private HTreeMap<byte[], byte[]> map;

    private StoreOpener(StoreDirectory directory, boolean fsync) {
        this.directory = directory;
        this.fsync = fsync;
    }

    /** Opens the store in {@code directory}, rebuilding its index from the journal unless it was shut down cleanly. */
    static Opened open(StoreDirectory directory, boolean fsync) throws IOException {
        return new StoreOpener(directory, fsync).open();
    }

    private Opened open() throws IOException {
        StoreDirectory.CleanState clean = directory.lastCleanShutdown();
        if (clean != null && tryOpenData()) {
            return new Opened(db, map, Journal.open(directory.journalFile(), fsync), clean.seq(), clean.liveBytes());
        }
        if (clean == null) {
            LOG.warn(
                    "Disk store {} was not shut down cleanly: rebuilding it from its journal",
                    directory.directory().toAbsolutePath());
        }
        return rebuildFromJournal();
    }

    /** Opens the MapDB file as it is; false (with the file moved aside) when MapDB cannot read it. */
    private boolean tryOpenData() throws IOException {
        try {
            openData();
            return true;
        } catch (RuntimeException e) {
            closeDataQuietly();
            Path aside = directory.moveAside(directory.dataFile());
            LOG.warn(
                    "Disk store file {} could not be opened ({}); moved it to {} and rebuilding from the journal",
                    directory.dataFile().toAbsolutePath(),
                    e.toString(),
                    aside);
            return false;
        }
    }

    private void openData() {
        db = DBMaker.fileDB(directory.dataFile().toFile())
                .fileMmapEnableIfSupported()
                .fileMmapPreclearDisable()
                .cleanerHackEnable()
                .make();
        map = db.hashMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                .counterEnable()
                .createOrOpen();
    }

    private Opened rebuildFromJournal() throws IOException {
        closeDataQuietly();
        Files.deleteIfExists(directory.dataFile());
        openData();
        long[] seq = {0};
        long[] liveBytes = {0};
        Journal.Replay replay = Journal.replay(directory.journalFile(), record -> {
            seq[0] = Math.max(seq[0], record.seq());
            if (record.type() == Journal.PUT) {
                byte[] value = StoredValue.encode(record.key(), record.seq(), record.expiresAt(), record.value());
                byte[] previous = map.put(record.key(), value);
                liveBytes[0] +=
                        StoredValue.footprint(record.key(), value) - StoredValue.footprint(record.key(), previous);
            } else {
                byte[] previous = map.remove(record.key());
                liveBytes[0] -= StoredValue.footprint(record.key(), previous);
            }
        });
        if (replay.badHeader()) {
            if (Files.exists(directory.journalFile())) {
                Path aside = directory.moveAside(directory.journalFile());
                LOG.warn(
                        "Disk store journal {} is not a Terrace journal or is damaged at its start; moved it to {}"
                                + " and starting empty",
                        directory.journalFile().toAbsolutePath(),
                        aside);
            }
        } else if (replay.truncatedBytes() > 0) {
            LOG.warn(
                    "Disk store journal {}: cut {} bytes of torn or damaged records after {} intact records",
                    directory.journalFile().toAbsolutePath(),
                    replay.truncatedBytes(),
                    replay.records());
        }
        return new Opened(db, map, Journal.open(directory.journalFile(), fsync), seq[0], liveBytes[0]);
    }

    private void closeDataQuietly() {
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing a damaged MapDB file failed", e);
            }
            db = null;
            map = null;
        }
    }
}
