package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * The disk tier's index: a MapDB hash map from key bytes to {@link StoredValue}s, in its own file, rebuilt from
 * the journal at every start. Nothing MapDB throws leaves this class raw: a damaged or unwritable file makes
 * MapDB throw anything from {@code DBException} to {@code IndexOutOfBoundsException}, {@code
 * BufferUnderflowException}, {@code NegativeArraySizeException} or an {@code OutOfMemoryError} for a bogus
 * length, and every one of them becomes a {@link Failure}, on which the tier rebuilds the index.
 *
 * <p>The file is memory-mapped (a read through a file channel costs several system calls, and the index is
 * rebuilt at every start), and MapDB clears each part of it as the file grows, so the blocks are claimed when
 * the file grows and a full device makes that growth fail inside this class (as an {@code InternalError} from
 * the bus error) rather than a later write to a hole.
 *
 * <p>The index also keeps the sequence numbers of the records that wrote its values ({@link LiveSeqs}), so a
 * compaction tells live records from dead ones without reading every value back out of MapDB. Every change of
 * the map here changes them too: {@link #put} and {@link #remove(byte[])} (run by the tier's {@link
 * IndexApplier}, one change at a time under its lock and in the journal's order, by a rebuild, or by a
 * compaction under the tier's compaction write lock, once the applier has applied every change), and {@link
 * #clear} (under that write lock and the applier's lock). A rebuild makes a new index, numbers and all. The one
 * exception is {@link #remove(byte[], byte[])}, a read dropping a damaged value with no lock that orders it
 * against those: it leaves the number, which a compaction then finds dead and forgets ({@link #forget}). So
 * the numbers are never fewer than the live records (a missing one would lose an entry at the next compaction)
 * and, after a compaction, exactly those.
 */
final class Index implements AutoCloseable {

    /** MapDB failed: the index can no longer be trusted and must be rebuilt from the journal. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(Path file, Throwable cause) {
            super("The disk store index " + file.toAbsolutePath() + " failed: " + cause, cause);
        }
    }

    private final Path file;
    private final DB db;
    private final HTreeMap<byte[], byte[]> map;
    /** Held for reading by every access, for writing by close: nothing touches the file once it is unmapped. */
    private final StampedLock lifecycle = new StampedLock();
    /** The sequence numbers of the records that wrote the values held now (see the class comment). */
    private final LiveSeqs live = new LiveSeqs();

    private boolean closed;

    private Index(Path file, DB db, HTreeMap<byte[], byte[]> map) {
        this.file = file;
        this.db = db;
        this.map = map;
    }

    /** A new, empty index in {@code file}, replacing whatever the file held. */
    static Index create(Path file) throws IOException {
        Files.deleteIfExists(file);
        DB db = null;
        try {
            // Memory-mapped, and cleared as it grows: the clearing claims the file's blocks at once, so a full
            // device fails the write that grows the file (an InternalError, caught below) instead of a later
            // write to a hole of a sparse file.
            db = DBMaker.fileDB(file.toFile())
                    .fileMmapEnableIfSupported()
                    // Unmapped at once when closed, so a rebuilt index's old file gives its space back; the
                    // lifecycle lock below keeps every access out of an index that is closing.
                    .cleanerHackEnable()
                    .fileLockDisable()
                    .make();
            HTreeMap<byte[], byte[]> map = db.hashMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                    .counterEnable()
                    .createOrOpen();
            return new Index(file, db, map);
        } catch (RuntimeException | Error e) {
            if (db != null) {
                closeQuietly(db);
            }
            throw new IOException("Cannot create the disk store index " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    Path file() {
        return file;
    }

    byte[] get(byte[] key) {
        // As guard() does, written out: every read and write of the tier comes here, and a lambda per call is
        // an allocation the JIT does not always remove.
        long stamp = lifecycle.readLock();
        try {
            requireOpen();
            return map.get(key);
        } catch (Failure e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new Failure(file, e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    /** Stores {@code value}; returns the value it replaced. */
    byte[] put(byte[] key, byte[] value) {
        long stamp = lifecycle.readLock();
        try {
            requireOpen();
            byte[] replaced = map.put(key, value);
            live.replace(StoredValue.seqOf(replaced), StoredValue.seqOf(value));
            return replaced;
        } catch (Failure e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new Failure(file, e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    /**
     * Removes {@code key}; returns the value it had. Only for the applier, a rebuild and a compaction (see the
     * class comment).
     */
    byte[] remove(byte[] key) {
        return guard(() -> {
            byte[] removed = map.remove(key);
            live.remove(StoredValue.seqOf(removed));
            return removed;
        });
    }

    /**
     * Removes {@code key} if it still holds {@code value} (a damaged value a read drops). Its sequence number
     * stays listed until a compaction finds its record dead: no lock orders this call against the others.
     */
    boolean remove(byte[] key, byte[] value) {
        return guard(() -> map.remove(key, value));
    }

    /**
     * Whether the record {@code seq} may have written a value held now: always when it did, and also for a value
     * a read dropped as damaged since the last compaction. Call only while no entry can change (a compaction).
     */
    boolean mayHold(long seq) {
        return live.contains(seq);
    }

    /** Forgets {@code seq}, whose record a compaction found holds no value now. */
    void forget(long seq) {
        live.remove(seq);
    }

    /** The listed sequence numbers, sorted: for tests that compare them with {@link #writtenBy()}. */
    long[] listedSeqs() {
        return guard(live::toSortedArray);
    }

    long size() {
        return guard(map::sizeLong);
    }

    void clear() {
        guard(() -> {
            map.clear();
            live.clear();
            return null;
        });
    }

    /**
     * The sequence numbers of the journal records that wrote the values held now, sorted, read out of the values
     * themselves (every value deserialised): for tests that check {@link #listedSeqs()} against them.
     */
    long[] writtenBy() {
        return guard(() -> {
            long[] seqs = new long[(int) map.sizeLong()];
            int n = 0;
            for (byte[] stored : map.values()) {
                if (n == seqs.length) {
                    seqs = Arrays.copyOf(seqs, n * 2 + 1);
                }
                seqs[n++] = StoredValue.seqOf(stored);
            }
            long[] found = Arrays.copyOf(seqs, n);
            Arrays.sort(found);
            return found;
        });
    }

    /** The keys; the iterator too turns MapDB's failures into {@link Failure}s. */
    Iterator<byte[]> keys() {
        Iterator<byte[]> keys = guard(() -> map.keySet().iterator());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return guard(keys::hasNext);
            }

            @Override
            public byte[] next() {
                return guard(keys::next);
            }
        };
    }

    @Override
    public void close() {
        long stamp = lifecycle.writeLock();
        try {
            if (!closed) {
                closed = true;
                db.close();
            }
        } catch (RuntimeException | Error e) {
            throw new Failure(file, e);
        } finally {
            lifecycle.unlockWrite(stamp);
        }
    }

    /** Closes the index, ignoring what a damaged file makes MapDB throw. */
    void closeQuietly() {
        long stamp = lifecycle.writeLock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(db);
            }
        } finally {
            lifecycle.unlockWrite(stamp);
        }
    }

    private static void closeQuietly(DB db) {
        try {
            db.close();
        } catch (RuntimeException | Error e) {
            // The file is being given up; what MapDB thinks of it no longer matters.
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new Failure(file, new IllegalStateException("the index was closed (rebuilt or shut down)"));
        }
    }

    private <T> T guard(Supplier<T> operation) {
        long stamp = lifecycle.readLock();
        try {
            requireOpen();
            return operation.get();
        } catch (NoSuchElementException | Failure e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new Failure(file, e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }
}
