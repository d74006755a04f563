package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;
import javax.cache.CacheException;

/**
 * The disk tier's record log: every change is appended here, with a checksum, before the MapDB index is
 * changed. The log holds every live entry (compaction rewrites it with only those), so the index can always
 * be rebuilt from it; MapDB is the fast index over the same data.
 *
 * <p>A record is {@code [int length][int crc32c][payload]}, the payload {@code [type][seq][expiresAt]
 * [int keyLength][key][value]}. Once an append returns, the record survives the death of the process (it is
 * in the operating system's page cache); with {@code fsync} it also survives the loss of the machine. An
 * append that fails (a full device) is cut back, so the journal never holds a torn record before later ones.
 *
 * <p>Without {@code fsync}, appends are copied into a shared memory mapping of the file rather than written
 * with a system call each: a store into a {@code MAP_SHARED} mapping is in the page cache at once, so it
 * survives {@code kill -9} exactly as a {@code write} does. Storing into a mapped page the file has no block
 * for would end in a bus error (a full device, a sparse file), so the space is first claimed with ordinary
 * {@code write}s of zeros (64 KiB to 1 MiB at a time), which fail with an {@link IOException} on
 * a full device; only claimed space is ever mapped. The file may therefore end in zeros after a crash: a
 * replay reads them as a tail that holds no record ({@link JournalReader#zeros}), and a clean close cuts them
 * off. Every cut (a failed append, a repair, a compaction) drops the mapping, so nothing is ever stored into a
 * page the file no longer has. With {@code fsync} every append is a {@code write} and a {@code force}, as the
 * force dominates anyway.
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

    /** The write buffer's largest size; a record over it is written from a buffer of its own. */
    static final int BUFFER_LIMIT = 1 << 20;

    private static final int BUFFER_START = 64 * 1024;

    /**
     * The least space claimed (written as zeros) and mapped at a time for appends without {@code fsync}; a
     * larger journal claims a sixteenth of its size, up to {@link #RESERVE_MAX} (a claim and its mapping are a
     * few system calls, and the claimed space counts against the store's bound).
     */
    static final int RESERVE_BYTES = 64 * 1024;

    static final int RESERVE_MAX = 1 << 20;

    /** Windows refuses to cut, rename over or delete a file while it is mapped: appends are written there. */
    private static final boolean MAPPING_WORKS =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    /** A compaction's write buffer: a rewrite writes its records this many bytes at a time. */
    private static final int REWRITE_BUFFER = 1 << 20;

    private final Path path;
    private final boolean fsync;
    private final GroupCommit commits = new GroupCommit();
    /** {@link #write}, made once rather than once per append. */
    private final Consumer<List<GroupCommit.Commit>> writer = this::write;

    private final CRC32C crc = new CRC32C();
    /** Reused by every commit (only under this journal's lock): records are framed here, then written. */
    private ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_START);

    private long writeCalls;
    private long channelWrites;
    /** Whether appends are stored into a mapping of claimed space (without {@code fsync}). */
    private final boolean mapped;
    /** The file's length: {@link #size} plus the claimed space after it, which holds zeros. */
    private long fileLength;
    /** The mapping appends are stored into, over claimed space from {@link #mapStart}; {@code null}: none. */
    private MappedByteBuffer mapping;

    private long mapStart;
    /** Zeros to claim space with; direct, so the JDK copies nothing per write. */
    private ByteBuffer zeros;

    private FileChannel channel;
    private FileLock lock;
    /**
     * Changed only under this journal's lock; volatile so that the tier's check whether a compaction is due,
     * made after every write, reads it without taking the lock.
     */
    private volatile long size;

    private long seq;
    /** Set when a failed append could not be cut back; the next append cuts it back first. */
    private boolean tornTail;

    private Journal(Path path, boolean fsync, FileChannel channel, FileLock lock) throws IOException {
        this.path = path;
        this.fsync = fsync;
        this.channel = channel;
        this.lock = lock;
        this.size = channel.size();
        this.fileLength = size;
        this.mapped = !fsync && MAPPING_WORKS;
    }

    /**
     * Opens the journal at {@code path}, creating it if needed, and takes the store's lock on it.
     *
     * @throws StoreInUseException when another process holds it
     */
    static Journal open(Path path, boolean fsync) throws IOException {
        FileChannel channel = UninterruptibleChannel.openFile(
                path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
            journal.fileLength = HEADER_BYTES;
        }
        return journal;
    }

    Path path() {
        return path;
    }

    /** The journal's size in bytes. */
    long size() {
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
     * One record to append: what it changes, and what to run once it is written, with its sequence number,
     * while no other record can follow it (the index update). Built by the caller, run by whichever thread
     * leads the commit it joins. A subclass may override {@link #indexed} instead of passing an index update
     * (one object per record rather than two).
     */
    static class Append extends GroupCommit.Commit {
        final byte type;
        final long expiresAt;
        final byte[] key;
        /** The record's value is {@code value} from {@link #valueOffset} on. */
        final byte[] value;

        final int valueOffset;
        final LongConsumer index;

        Append(byte type, long expiresAt, byte[] key, byte[] value, LongConsumer index) {
            this(type, expiresAt, key, value, 0, index);
        }

        /**
         * A record whose value is {@code value} after its first {@code valueOffset} bytes (the disk tier's stored
         * form, whose header the index update fills in: the value is encoded once for both).
         */
        Append(byte type, long expiresAt, byte[] key, byte[] value, int valueOffset, LongConsumer index) {
            this.type = type;
            this.expiresAt = expiresAt;
            this.key = key;
            this.value = value;
            this.valueOffset = valueOffset;
            this.index = index;
        }

        /** Runs the index update with the record's sequence number, once it is written. */
        void indexed(long seq) {
            index.accept(seq);
        }

        int valueLength() {
            return value.length - valueOffset;
        }

        int bytes() {
            return RECORD_OVERHEAD + PAYLOAD_FIXED + key.length + valueLength();
        }
    }

    /**
     * Appends a record with the next sequence number, then runs {@code index} with that number while no other
     * record can follow it. When the write or {@code index} fails, the record is cut off again, so the journal
     * holds exactly the changes whose append returned. Concurrent appends are written together ({@link
     * #append(Append...)}).
     *
     * @return the record's sequence number
     */
    long append(byte type, long expiresAt, byte[] key, byte[] value, LongConsumer index) throws IOException {
        Append append = new Append(type, expiresAt, key, value, index);
        return append(append);
    }

    /**
     * Appends {@code appends} in order, in one {@code write} call when they fit the journal's write buffer
     * ({@value #BUFFER_LIMIT} bytes), and runs each one's index update, in order, once they are written (and,
     * with {@code fsync}, forced to the device). Returns only once all of them are.
     *
     * <p>This is a group commit: while one thread writes, the appends of other threads queue up, and the next
     * writer takes the whole queue into one {@code write} call; the others wait until their records are
     * written, so no append returns before its record is in the operating system's hands. When the write
     * fails, every record of the commit is cut off again and every caller gets the failure. When an index
     * update fails, its record and the records after it are cut off: their callers get that failure, the
     * records before it stay (so a batch that fails may have been applied in part).
     *
     * @return the sequence number of the last record
     */
    long append(Append... appends) throws IOException {
        for (Append append : appends) {
            requireFits(append);
        }
        return commit(appends.length == 1 ? appends[0] : new GroupCommit.Commit(appends));
    }

    /** {@link #append(Append...)} of one record, which is its own commit: no array and no commit object. */
    long append(Append append) throws IOException {
        requireFits(append);
        return commit(append);
    }

    private void requireFits(Append append) {
        if (!fits(append.key.length, append.valueLength())) {
            throw new CacheException("A record of " + (append.key.length + (long) append.valueLength())
                    + " bytes exceeds the journal's limit of " + MAX_RECORD + " bytes: " + path.toAbsolutePath());
        }
    }

    private long commit(GroupCommit.Commit commit) throws IOException {
        // The leader's writes run the index updates (MapDB maps more of its file as it grows, and the JDK closes a
        // file channel an interrupted thread maps or writes with): an interrupted caller leads without its status.
        boolean interrupted = Thread.interrupted();
        try {
            commits.join(commit, writer);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return commit.result();
    }

    /**
     * The hand-overs of appended records to the operating system so far (each a {@code write} call, or one copy
     * into the mapping), for tests and benchmarks that count them.
     */
    synchronized long writeCalls() {
        return writeCalls;
    }

    /**
     * The {@code FileChannel.write} calls appends have made so far (claiming space aside): without {@code
     * fsync} appends are stored into a mapping instead, so this stays far below {@link #writeCalls()}.
     */
    synchronized long channelWrites() {
        return channelWrites;
    }

    /** The group commit this journal's appends go through, for tests and benchmarks that watch it. */
    GroupCommit commits() {
        return commits;
    }

    /** Writes the commits a leader took from the queue, in order, as one stretch of the journal. */
    private synchronized void write(List<GroupCommit.Commit> batch) {
        long start = size;
        try {
            if (tornTail) {
                cutBack(size);
                start = size;
            }
            writeRecords(batch, start);
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException | RuntimeException | Error e) {
            cutBackQuietly(start, e);
            for (GroupCommit.Commit commit : batch) {
                commit.failure = e;
            }
            return;
        }
        long position = start;
        long recordSeq = seq;
        Throwable failure = null;
        for (GroupCommit.Commit commit : batch) {
            if (failure != null) {
                commit.failure = failure;
                continue;
            }
            for (int i = 0, records = commit.records(); i < records; i++) {
                Append append = commit.record(i);
                try {
                    append.indexed(recordSeq + 1);
                } catch (RuntimeException | Error e) {
                    // This record and every one after it are cut off; those before it stay (also when the cut
                    // fails: the next append cuts back to them first).
                    failure = e;
                    commit.failure = e;
                    size = position;
                    seq = recordSeq;
                    cutBackQuietly(position, e);
                    break;
                }
                recordSeq++;
                position += append.bytes();
            }
            commit.lastSeq = recordSeq;
        }
        if (failure == null) {
            size = position;
            seq = recordSeq;
        }
    }

    /** Frames the batch's records into the write buffer and writes it, flushing whenever it is full. */
    private void writeRecords(List<GroupCommit.Commit> batch, long start) throws IOException {
        long position = start;
        long recordSeq = seq;
        buffer.clear();
        for (GroupCommit.Commit commit : batch) {
            for (int i = 0, records = commit.records(); i < records; i++) {
                Append append = commit.record(i);
                int bytes = append.bytes();
                if (bytes > buffer.remaining()) {
                    position = flush(position);
                    if (bytes > buffer.capacity()) {
                        growOrBypass(bytes);
                    }
                }
                recordSeq++;
                if (bytes > buffer.capacity()) {
                    // A record over the buffer limit is framed on its own, once, rather than kept around.
                    byte[] value = append.valueOffset == 0
                            ? append.value
                            : Arrays.copyOfRange(append.value, append.valueOffset, append.value.length);
                    ByteBuffer large = encode(new Entry(append.type, recordSeq, append.expiresAt, append.key, value));
                    position = writeFully(large, position);
                } else {
                    frame(append, recordSeq);
                }
            }
        }
        flush(position);
    }

    private long flush(long position) throws IOException {
        buffer.flip();
        long end = writeFully(buffer, position);
        buffer.clear();
        return end;
    }

    private long writeFully(ByteBuffer source, long position) throws IOException {
        if (!source.hasRemaining()) {
            return position;
        }
        writeCalls++;
        int length = source.remaining();
        if (mapped && source == buffer && store(source, position)) {
            return position + length;
        }
        channelWrites++;
        while (source.hasRemaining()) {
            position += channel.write(source, position);
        }
        fileLength = Math.max(fileLength, position);
        return position;
    }

    /**
     * Copies {@code source} into the mapping at {@code position}, claiming and mapping more space first if
     * needed. Returns {@code false}, having stored nothing, when it cannot (a record larger than a claim, a
     * device too full to claim a whole stretch, a mapping refused): the caller then writes it as before, and
     * a full device fails that write with an {@link IOException}.
     */
    private boolean store(ByteBuffer source, long position) throws IOException {
        int length = source.remaining();
        if (length > RESERVE_BYTES) {
            return false;
        }
        if (mapping == null || position < mapStart || position + length > mapStart + mapping.capacity()) {
            mapping = null;
            long end = position + Math.max(RESERVE_BYTES, Math.min(RESERVE_MAX, position / 16));
            try {
                claim(end);
                mapping = channel.map(FileChannel.MapMode.READ_WRITE, position, end - position);
            } catch (IOException | RuntimeException e) {
                // A part of the claim may have been written: the file's length is what the file says.
                fileLength = Math.max(size, channel.size());
                return false;
            }
            mapStart = position;
        }
        try {
            mapping.put((int) (position - mapStart), source, source.position(), length);
        } catch (InternalError e) {
            // A bus error: someone cut the file under the mapping. Nothing of this batch is acknowledged.
            mapping = null;
            throw new IOException("The journal " + path.toAbsolutePath() + " was cut while it was mapped", e);
        }
        source.position(source.limit());
        return true;
    }

    /** Writes zeros from the file's end to {@code end}, so every block up to it belongs to the file. */
    private void claim(long end) throws IOException {
        if (zeros == null) {
            zeros = ByteBuffer.allocateDirect(RESERVE_BYTES);
        }
        while (fileLength < end) {
            zeros.clear().limit((int) Math.min(RESERVE_BYTES, end - fileLength));
            while (zeros.hasRemaining()) {
                fileLength += channel.write(zeros, fileLength);
            }
        }
    }

    private void growOrBypass(int bytes) {
        if (bytes <= BUFFER_LIMIT) {
            buffer = ByteBuffer.allocateDirect(Math.min(BUFFER_LIMIT, Math.max(bytes, buffer.capacity() * 2)));
        }
    }

    /** Frames one record at the write buffer's position, exactly as {@link #encode} does. */
    private void frame(Append append, long recordSeq) {
        int valueLength = append.valueLength();
        int payload = PAYLOAD_FIXED + append.key.length + valueLength;
        int recordStart = buffer.position();
        buffer.putInt(payload).putInt(0);
        buffer.put(append.type).putLong(recordSeq).putLong(append.expiresAt);
        buffer.putInt(append.key.length).put(append.key).put(append.value, append.valueOffset, valueLength);
        int end = buffer.position();
        buffer.position(recordStart + RECORD_OVERHEAD);
        buffer.limit(end);
        crc.reset();
        crc.update(buffer);
        buffer.limit(buffer.capacity());
        buffer.putInt(recordStart + 4, (int) crc.getValue());
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
        try (FileChannel out = UninterruptibleChannel.openFile(
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
        rewrite.flush();
        if (fsync) {
            // Without fsync nothing is promised past the death of the process, which the rename alone survives;
            // a device flush per compaction was most of what a compaction cost.
            rewrite.channel.force(true);
        }
        Files.move(rewrite.target, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileChannel old = channel;
        channel = rewrite.channel;
        lock = rewrite.lock;
        size = rewrite.size;
        fileLength = size;
        mapping = null;
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
                if (tornTail || fileLength > size) {
                    // A torn append, or claimed space holding no record yet: a clean journal ends at its last record.
                    cutBack(size);
                }
                channel.force(true);
            } finally {
                mapping = null;
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
            this.channel = UninterruptibleChannel.openFile(
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
            this.written = HEADER_BYTES;
        }

        /** Records are gathered here and written a buffer-full at a time (a write per record cost most of it). */
        private final ByteBuffer pending = ByteBuffer.allocateDirect(REWRITE_BUFFER);
        /** Where {@link #pending} goes in the file. */
        private long written;

        private long writeCalls;

        void append(Entry entry) throws IOException {
            ByteBuffer record = encode(entry);
            if (record.remaining() > pending.remaining()) {
                flush();
            }
            if (record.remaining() > pending.capacity()) {
                write(record);
            } else {
                pending.put(record);
            }
            size += entry.bytes();
        }

        /** Writes what was appended so far. */
        void flush() throws IOException {
            pending.flip();
            write(pending);
            pending.clear();
        }

        /** The {@code write} calls this rewrite made, for tests that count them. */
        long writeCalls() {
            return writeCalls;
        }

        private void write(ByteBuffer source) throws IOException {
            if (!source.hasRemaining()) {
                return;
            }
            writeCalls++;
            while (source.hasRemaining()) {
                written += channel.write(source, written);
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
        // Nothing may be stored into the mapping once the file is shorter than it.
        mapping = null;
        channel.truncate(end);
        fileLength = end;
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
