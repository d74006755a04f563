package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;
import javax.cache.CacheException;

/**
 * The disk tier's record log: every change is appended here, with a checksum, before the MapDB index is
 * changed. The log holds every live entry (compaction rewrites it with only those), so the index can always
 * be rebuilt from it; MapDB is the fast index over the same data.
 *
 * <p>A record is {@code [int length][int crc32c][payload]}, the payload {@code [type][seq][expiresAt]
 * [int keyLength][key][value]}. An append is one positioned write: once it returns, the record survives the
 * death of the process (it is in the operating system's page cache); with {@code fsync} it also survives the
 * loss of the machine. An append that fails (a full device) is cut back, so the journal never holds a torn
 * record before later ones.
 *
 * <p>The journal is also the store's lock: the process that appends to it holds an operating-system lock on
 * the file itself, so no other process can open the store while it is in use, whatever happens to the other
 * files of its directory. Only this class opens the file while the store is open (on Linux, closing any
 * other descriptor of a locked file would drop the lock).
 */
final class Journal implements AutoCloseable {

    static final byte PUT = 1;
    static final byte REMOVE = 2;

    static final int MAGIC = 0x5452_4A31; // "TRJ1"
    static final int HEADER_BYTES = 4;
    static final int RECORD_OVERHEAD = 8;
    static final int PAYLOAD_FIXED = 1 + 8 + 8 + 4;
    /** The largest payload a replay accepts, so that a damaged length never makes it allocate gigabytes. */
    static final int MAX_RECORD = 256 * 1024 * 1024;

    /** One change. {@code value} is empty for removals. */
    record Entry(byte type, long seq, long expiresAt, byte[] key, byte[] value) {
        int bytes() {
            return RECORD_OVERHEAD + PAYLOAD_FIXED + key.length + value.length;
        }
    }

    private final Path path;
    private final boolean fsync;
    private FileChannel channel;
    private FileLock lock;
    private long size;
    private long seq;
    /** Set when a failed append could not be cut back; the next append cuts it back first. */
    private boolean tornTail;

    private Journal(Path path, boolean fsync, FileChannel channel, FileLock lock) throws IOException {
        this.path = path;
        this.fsync = fsync;
        this.channel = channel;
        this.lock = lock;
        this.size = channel.size();
    }

    /**
     * Opens the journal at {@code path}, creating it if needed, and takes the store's lock on it.
     *
     * @throws StoreInUseException when another process holds it
     */
    static Journal open(Path path, boolean fsync) throws IOException {
        FileChannel channel =
                FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new StoreInUseException(path.getParent(), false);
        }
        Journal journal = new Journal(path, fsync, channel, lock);
        if (journal.size == 0) {
            writeHeader(channel);
            channel.force(true);
            journal.size = HEADER_BYTES;
        }
        return journal;
    }

    Path path() {
        return path;
    }

    /** The journal's size in bytes. */
    synchronized long size() {
        return size;
    }

    /** The sequence number of the last record appended or read. */
    synchronized long lastSeq() {
        return seq;
    }

    /** Continues numbering records after {@code last}, the highest sequence number a replay found. */
    synchronized void continueAfter(long last) {
        seq = Math.max(seq, last);
    }

    /** Whether a value of {@code keyBytes} and {@code valueBytes} fits one record a replay will accept. */
    static boolean fits(int keyBytes, long valueBytes) {
        return (long) PAYLOAD_FIXED + keyBytes + valueBytes <= MAX_RECORD;
    }

    /**
     * Appends a record with the next sequence number, then runs {@code index} with that number while no other
     * record can follow it. When the write or {@code index} fails, the record is cut off again, so the journal
     * holds exactly the changes whose append returned.
     *
     * @return the record's sequence number
     */
    synchronized long append(byte type, long expiresAt, byte[] key, byte[] value, LongConsumer index)
            throws IOException {
        if (!fits(key.length, value.length)) {
            throw new CacheException("A record of " + (key.length + (long) value.length)
                    + " bytes exceeds the journal's limit of " + MAX_RECORD + " bytes: " + path.toAbsolutePath());
        }
        if (tornTail) {
            cutBack(size);
        }
        long recordSeq = seq + 1;
        Entry entry = new Entry(type, recordSeq, expiresAt, key, value);
        ByteBuffer buffer = encode(entry);
        long start = size;
        try {
            long position = start;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException | RuntimeException | Error e) {
            cutBackQuietly(start, e);
            throw e;
        }
        try {
            index.accept(recordSeq);
        } catch (RuntimeException | Error e) {
            cutBackQuietly(start, e);
            throw e;
        }
        size = start + entry.bytes();
        seq = recordSeq;
        return recordSeq;
    }

    /** Forces what was appended to the device. */
    synchronized void force() throws IOException {
        channel.force(false);
    }

    /** A reader over the journal as it is now, through the journal's own descriptor. */
    synchronized JournalReader reader() throws IOException {
        return new JournalReader(channel, size);
    }

    /** Cuts the journal at {@code end}: what follows (a torn or damaged tail) is dropped. */
    synchronized void cutTo(long end) throws IOException {
        if (end < HEADER_BYTES) {
            reset();
        } else {
            cutBack(end);
        }
    }

    /** Copies the journal as it is now to {@code target}, for inspection. */
    synchronized void copyTo(Path target) throws IOException {
        try (FileChannel out = FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long copied = 0;
            long length = channel.size();
            while (copied < length) {
                copied += channel.transferTo(copied, length - copied, out);
            }
            out.force(true);
        }
    }

    /** Replaces the journal by a header and its bytes {@code from} to {@code to}, records that are whole. */
    synchronized void keepOnly(long from, long to) throws IOException {
        long length = Math.max(0, to - from);
        try (Rewrite rewrite = startRewrite()) {
            rewrite.channel.position(rewrite.size);
            long copied = 0;
            while (copied < length) {
                copied += channel.transferTo(from + copied, length - copied, rewrite.channel);
            }
            rewrite.size += length;
            install(rewrite);
        }
    }

    /** Starts a rewrite: records appended to the returned writer replace the journal on {@link #install}. */
    Rewrite startRewrite() throws IOException {
        return new Rewrite(path.resolveSibling(path.getFileName() + ".compacting"));
    }

    /**
     * Replaces this journal by {@code rewrite} atomically, and continues appending to it. The rewrite's file is
     * locked before it is moved into place, so the store stays locked throughout.
     */
    synchronized void install(Rewrite rewrite) throws IOException {
        rewrite.channel.force(true);
        Files.move(rewrite.target, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileChannel old = channel;
        channel = rewrite.channel;
        lock = rewrite.lock;
        size = rewrite.size;
        tornTail = false;
        rewrite.installed = true;
        old.close();
    }

    /** Empties the journal. */
    synchronized void reset() throws IOException {
        try (Rewrite rewrite = startRewrite()) {
            install(rewrite);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel.isOpen()) {
            try {
                if (tornTail) {
                    cutBack(size);
                }
                channel.force(true);
            } finally {
                if (lock.isValid()) {
                    lock.release();
                }
                channel.close();
            }
        }
    }

    /** A journal being rewritten by compaction. */
    final class Rewrite implements AutoCloseable {
        private final Path target;
        private final FileChannel channel;
        private final FileLock lock;
        private long size;
        private boolean installed;

        private Rewrite(Path target) throws IOException {
            this.target = target;
            this.channel = FileChannel.open(
                    target,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            FileLock taken;
            try {
                taken = channel.tryLock();
                writeHeader(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                Files.deleteIfExists(target);
                throw e;
            }
            this.lock = taken;
            this.size = HEADER_BYTES;
        }

        void append(Entry entry) throws IOException {
            ByteBuffer buffer = encode(entry);
            while (buffer.hasRemaining()) {
                size += channel.write(buffer, size);
            }
        }

        @Override
        public void close() throws IOException {
            if (!installed && channel.isOpen()) {
                channel.close();
                Files.deleteIfExists(target);
            }
        }
    }

    private void cutBackQuietly(long end, Throwable failure) {
        try {
            cutBack(end);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void cutBack(long end) throws IOException {
        tornTail = true;
        channel.truncate(end);
        if (fsync) {
            channel.force(false);
        }
        size = end;
        tornTail = false;
    }

    private static void writeHeader(FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).flip();
        long position = 0;
        while (header.hasRemaining()) {
            position += channel.write(header, position);
        }
    }

    static ByteBuffer encode(Entry entry) {
        int payload = PAYLOAD_FIXED + entry.key().length + entry.value().length;
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_OVERHEAD + payload);
        buffer.putInt(payload).putInt(0);
        buffer.put(entry.type()).putLong(entry.seq()).putLong(entry.expiresAt());
        buffer.putInt(entry.key().length).put(entry.key()).put(entry.value());
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), RECORD_OVERHEAD, payload);
        buffer.putInt(4, (int) crc.getValue());
        return buffer.flip();
    }
}
