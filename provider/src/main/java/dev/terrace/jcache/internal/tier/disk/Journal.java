package dev.terrace.jcache.internal.tier.disk;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The disk tier's record log: every change is appended here, with a checksum, before the MapDB store is
 * changed. The log holds every live entry (compaction rewrites it with only those), so the store can always
 * be rebuilt from it; MapDB is the fast index over the same data.
 *
 * <p>A record is {@code [int length][int crc32c][payload]}, the payload {@code [type][seq][expiresAt]
 * [int keyLength][key][value]}. An append is one {@code write} call: once it returns, the record survives
 * the death of the process (it is in the operating system's page cache); with {@code fsync} it also
 * survives the loss of the machine.
 */
final class Journal implements AutoCloseable {

    static final byte PUT = 1;
    static final byte REMOVE = 2;

    private static final int MAGIC = 0x5452_4A31; // "TRJ1"
    private static final int HEADER_BYTES = 4;
    private static final int RECORD_OVERHEAD = 8;
    private static final int PAYLOAD_FIXED = 1 + 8 + 8 + 4;
    private static final int MAX_RECORD = 256 * 1024 * 1024;

    /** One change. {@code value} is empty for removals. */
    record Entry(byte type, long seq, long expiresAt, byte[] key, byte[] value) {
        int bytes() {
            return RECORD_OVERHEAD + PAYLOAD_FIXED + key.length + value.length;
        }
    }

    /** How a replay ended: the records read, and the bytes past the last good record that were cut off. */
    record Replay(long records, long truncatedBytes, boolean badHeader) {}

    private final Path path;
    private final boolean fsync;
    private FileChannel channel;
    private long size;

    private Journal(Path path, boolean fsync) throws IOException {
        this.path = path;
        this.fsync = fsync;
        openForAppend();
    }

    /** Opens the journal at {@code path} for appending, creating it with a header if it does not exist. */
    static Journal open(Path path, boolean fsync) throws IOException {
        if (!Files.exists(path) || Files.size(path) < HEADER_BYTES) {
            writeEmpty(path);
        }
        return new Journal(path, fsync);
    }

    Path path() {
        return path;
    }

    /** The journal's size in bytes. */
    synchronized long size() {
        return size;
    }

    /** Appends {@code entry}; when this returns the record survives the process. */
    synchronized void append(Entry entry) throws IOException {
        ByteBuffer buffer = encode(entry);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        size += entry.bytes();
        if (fsync) {
            channel.force(false);
        }
    }

    /** Forces what was appended to the device. */
    synchronized void force() throws IOException {
        channel.force(false);
    }

    /**
     * Reads the journal at {@code path} in order, handing every intact record to {@code consumer}; stops at
     * the first torn or corrupt record and cuts the file there, so later appends follow the last good record.
     */
    static Replay replay(Path path, Consumer<Entry> consumer) throws IOException {
        if (!Files.exists(path)) {
            return new Replay(0, 0, false);
        }
        long fileSize = Files.size(path);
        long good;
        long records = 0;
        try (InputStream raw = Files.newInputStream(path);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (fileSize < HEADER_BYTES || in.readInt() != MAGIC) {
                return new Replay(0, fileSize, true);
            }
            good = HEADER_BYTES;
            CRC32C crc = new CRC32C();
            while (good < fileSize) {
                Entry entry = readRecord(in, crc, fileSize - good);
                if (entry == null) {
                    break;
                }
                consumer.accept(entry);
                good += entry.bytes();
                records++;
            }
        }
        if (good < fileSize) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(good);
                channel.force(true);
            }
        }
        return new Replay(records, fileSize - good, false);
    }

    /** Starts a rewrite: records appended to the returned writer replace the journal on {@link #install}. */
    Rewrite startRewrite() throws IOException {
        return new Rewrite(path.resolveSibling(path.getFileName() + ".compacting"));
    }

    /** Replaces this journal by {@code rewrite} atomically, and continues appending to it. */
    synchronized void install(Rewrite rewrite) throws IOException {
        rewrite.finish();
        channel.close();
        Files.move(rewrite.target, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        openForAppend();
    }

    /** Empties the journal. */
    synchronized void reset() throws IOException {
        channel.close();
        writeEmpty(path);
        openForAppend();
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel.isOpen()) {
            channel.force(true);
            channel.close();
        }
    }

    /** A journal being rewritten by compaction. */
    static final class Rewrite implements AutoCloseable {
        private final Path target;
        private final FileChannel channel;

        private Rewrite(Path target) throws IOException {
            this.target = target;
            this.channel = FileChannel.open(
                    target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).flip();
            while (header.hasRemaining()) {
                channel.write(header);
            }
        }

        void append(Entry entry) throws IOException {
            ByteBuffer buffer = encode(entry);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        private void finish() throws IOException {
            channel.force(true);
            channel.close();
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) {
                channel.close();
                Files.deleteIfExists(target);
            }
        }
    }

    private void openForAppend() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    private static void writeEmpty(Path path) throws IOException {
        Path temporary = path.resolveSibling(path.getFileName() + ".new");
        try (FileChannel channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).flip();
            while (header.hasRemaining()) {
                channel.write(header);
            }
            channel.force(true);
        }
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ByteBuffer encode(Entry entry) {
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

    /** The next record, or {@code null} when what follows is torn or corrupt. */
    private static Entry readRecord(DataInputStream in, CRC32C crc, long remaining) throws IOException {
        if (remaining < RECORD_OVERHEAD + PAYLOAD_FIXED) {
            return null;
        }
        try {
            int length = in.readInt();
            int checksum = in.readInt();
            if (length < PAYLOAD_FIXED || length > MAX_RECORD || length > remaining - RECORD_OVERHEAD) {
                return null;
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            crc.reset();
            crc.update(payload, 0, length);
            if ((int) crc.getValue() != checksum) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            byte type = buffer.get();
            long seq = buffer.getLong();
            long expiresAt = buffer.getLong();
            int keyLength = buffer.getInt();
            if (keyLength < 0 || keyLength > buffer.remaining() || (type != PUT && type != REMOVE)) {
                return null;
            }
            byte[] key = new byte[keyLength];
            buffer.get(key);
            byte[] value = new byte[buffer.remaining()];
            buffer.get(value);
            return new Entry(type, seq, expiresAt, key, value);
        } catch (EOFException e) {
            return null;
        }
    }
}
