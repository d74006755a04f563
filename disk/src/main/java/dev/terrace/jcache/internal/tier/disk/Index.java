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
            return putUnderTierLock(key, value);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    /**
     * As {@link #put}, without this index's lifecycle lock: only for a caller that holds the disk tier's
     * compaction lock (for reading or writing) for the whole call. Every close of the tier's live index (a
     * rebuild, the tier's close) holds that lock for writing, so the index cannot close during the call, and a
     * close made before it is seen (the lock orders them): the put throws a {@link Failure} then, as {@link
     * #put} does.
     */
    byte[] putUnderTierLock(byte[] key, byte[] value) {
        try {
            requireOpen();
            return map.put(key, value);
        } catch (Failure e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new Failure(file, e);
        }
    }

    /** Removes {@code key}; returns the value it had. */
    byte[] remove(byte[] key) {
        return guard(() -> map.remove(key));
    }

    /** Removes {@code key} if it still holds {@code value}. */
    boolean remove(byte[] key, byte[] value) {
        return guard(() -> map.remove(key, value));
    }

    long size() {
        return guard(map::sizeLong);
    }

    void clear() {
        guard(() -> {
            map.clear();
            return null;
        });
    }

    /**
     * The sequence numbers of the journal records that wrote the values held now, sorted; {@code null} when
     * the index holds more than {@code limit} entries (the caller then looks each key up instead).
     */
    long[] writtenBy(int limit) {
        return guard(() -> {
            long count = map.sizeLong();
            if (count > limit) {
                return null;
            }
            long[] seqs = new long[(int) count];
            int n = 0;
            for (byte[] stored : map.values()) {
                if (n == seqs.length) {
                    return null;
                }
                seqs[n++] = StoredValue.seqOf(stored);
            }
            long[] found = n == seqs.length ? seqs : Arrays.copyOf(seqs, n);
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
