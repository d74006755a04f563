package dev.terrace.jcache.internal.tier.disk;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads and verifies a {@link Journal}: every record's length, checksum and fields are checked, and damage is
 * located precisely. A damaged stretch in the middle is skipped by searching, byte by byte, for the next
 * position where a whole record with a matching checksum starts, so the records after it are not lost with it;
 * damage that runs to the end of the file is a torn (or damaged) tail.
 *
 * <p>Reads go through the journal's own file descriptor, in windows, so a replay of a large journal neither
 * holds it in memory nor opens the locked file a second time.
 */
final class JournalReader {

    /** What a replay consumes: the intact records in order, and each damaged stretch where it lies. */
    interface Visitor {
        void record(Journal.Entry entry);

        /**
         * Whether the intact record {@code seq} is to be handed to {@link #record}: one that is not is still verified
         * and counted, but its key and value are not copied out (a compaction skips the dead records, most of a
         * journal, this way).
         */
        default boolean wants(long seq) {
            return true;
        }

        /** A damaged stretch of {@code bytes} bytes lies between the records handed over before and after. */
        default void damaged(long bytes) {}
    }

    /**
     * How a scan ended: the intact records read; the damaged stretches found between intact records and their
     * bytes; where the last of them ended; where the intact records end and how many bytes follow them; and the
     * highest sequence number read.
     */
    record Scan(
            long records,
            int damagedStretches,
            long damagedBytes,
            long lastDamageEnd,
            long goodEnd,
            long tailBytes,
            long maxSeq) {

        boolean intact() {
            return damagedStretches == 0 && tailBytes == 0;
        }
    }

    private static final int WINDOW = 1 << 20;
    // Big-endian, as the journal's ByteBuffers write the fields.
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final FileChannel channel;
    private final long end;
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private final CRC32C crc = new CRC32C();
    private long windowStart = -1;
    private int windowLength;
    /** The payload of the record {@link #verify} found last: in this array, from this offset, this long. */
    private byte[] payload;

    private int payloadOffset;
    private int payloadLength;

    JournalReader(FileChannel channel, long end) {
        this.channel = channel;
        this.end = end;
    }

    /** Reads the whole journal, handing every intact record and every damaged stretch to {@code visitor}. */
    Scan scan(Visitor visitor) throws IOException {
        long records = 0;
        int stretches = 0;
        long damagedBytes = 0;
        long lastDamageEnd = 0;
        long maxSeq = 0;
        long position = Journal.HEADER_BYTES;
        if (end < Journal.HEADER_BYTES || read(0, Journal.HEADER_BYTES).getInt(0) != Journal.MAGIC) {
            // A damaged header is a damaged stretch like any other: the records after it still count.
            position = 0;
        }
        while (position < end) {
            if (position != 0 && verify(position)) {
                long seq = (long) LONG.get(payload, payloadOffset + 1);
                if (visitor.wants(seq)) {
                    visitor.record(entry());
                }
                maxSeq = Math.max(maxSeq, seq);
                records++;
                position += Journal.RECORD_OVERHEAD + payloadLength;
                continue;
            }
            long next = nextRecord(Math.max(position + 1, Journal.HEADER_BYTES));
            if (next < 0) {
                return new Scan(records, stretches, damagedBytes, lastDamageEnd, position, end - position, maxSeq);
            }
            stretches++;
            damagedBytes += next - position;
            lastDamageEnd = next;
            visitor.damaged(next - position);
            position = next;
        }
        return new Scan(records, stretches, damagedBytes, lastDamageEnd, position, 0, maxSeq);
    }

    /** The first position from {@code from} on where an intact record starts, or -1 when none does. */
    private long nextRecord(long from) throws IOException {
        for (long candidate = from; candidate + Journal.RECORD_OVERHEAD + Journal.PAYLOAD_FIXED <= end; candidate++) {
            if (verify(candidate)) {
                return candidate;
            }
        }
        return -1;
    }

    /** The intact record at {@code position}, or {@code null} when what is there is torn or damaged. */
    Journal.Entry readAt(long position) throws IOException {
        return verify(position) ? entry() : null;
    }

    /**
     * Whether an intact record starts at {@code position} (its checksum and fields verified); if so, its payload
     * is left in {@link #payload} from {@link #payloadOffset}, {@link #payloadLength} bytes long. Checked in place in
     * the read window's array: a scan verifies every record of the journal, and a buffer view per record was an
     * allocation per record.
     */
    private boolean verify(long position) throws IOException {
        if (position + Journal.RECORD_OVERHEAD + Journal.PAYLOAD_FIXED > end) {
            return false;
        }
        int head = windowOffset(position, Journal.RECORD_OVERHEAD);
        byte[] bytes = window.array();
        int length = (int) INT.get(bytes, head);
        int checksum = (int) INT.get(bytes, head + 4);
        if (length < Journal.PAYLOAD_FIXED
                || length > Journal.MAX_RECORD
                || length > end - position - Journal.RECORD_OVERHEAD) {
            return false;
        }
        int offset;
        if (length > WINDOW) {
            ByteBuffer large = ByteBuffer.allocate(length);
            readFully(large, position + Journal.RECORD_OVERHEAD);
            bytes = large.array();
            offset = 0;
        } else {
            offset = windowOffset(position + Journal.RECORD_OVERHEAD, length);
            bytes = window.array();
        }
        crc.reset();
        crc.update(bytes, offset, length);
        if ((int) crc.getValue() != checksum) {
            return false;
        }
        byte type = bytes[offset];
        int keyLength = (int) INT.get(bytes, offset + 17);
        if ((type != Journal.PUT && type != Journal.REMOVE)
                || keyLength < 0
                || keyLength > length - Journal.PAYLOAD_FIXED) {
            return false;
        }
        payload = bytes;
        payloadOffset = offset;
        payloadLength = length;
        return true;
    }

    /** The record {@link #verify} found, its key and value copied out. */
    private Journal.Entry entry() {
        byte[] bytes = payload;
        int offset = payloadOffset;
        byte type = bytes[offset];
        long seq = (long) LONG.get(bytes, offset + 1);
        long expiresAt = (long) LONG.get(bytes, offset + 9);
        int keyLength = (int) INT.get(bytes, offset + 17);
        int keyStart = offset + Journal.PAYLOAD_FIXED;
        byte[] key = Arrays.copyOfRange(bytes, keyStart, keyStart + keyLength);
        byte[] value = Arrays.copyOfRange(bytes, keyStart + keyLength, offset + payloadLength);
        return new Journal.Entry(type, seq, expiresAt, key, value);
    }

    /**
     * Whether every byte from {@code from} to the journal's end is zero: space an append without {@code fsync}
     * claimed (see {@link Journal}) and no record reached, which a crash leaves at the end of the file.
     */
    boolean zeros(long from) throws IOException {
        for (long position = from; position < end; ) {
            int length = (int) Math.min(WINDOW, end - position);
            ByteBuffer part = read(position, length);
            for (int i = 0; i < length; i++) {
                if (part.get(i) != 0) {
                    return false;
                }
            }
            position += length;
        }
        return true;
    }

    /** {@code length} bytes at {@code position}, which must lie within the journal. */
    private ByteBuffer read(long position, int length) throws IOException {
        if (length > WINDOW) {
            ByteBuffer large = ByteBuffer.allocate(length);
            readFully(large, position);
            return large.flip();
        }
        int offset = windowOffset(position, length);
        return window.duplicate().position(offset).limit(offset + length).slice();
    }

    /**
     * Where the {@code length} bytes at {@code position} (which must lie within the journal, and {@code length} be
     * at most the window's size) lie in the read window's array, read in first if the window does not hold them.
     */
    private int windowOffset(long position, int length) throws IOException {
        if (windowStart < 0 || position < windowStart || position + length > windowStart + windowLength) {
            window.clear();
            window.limit((int) Math.min(WINDOW, end - position));
            readFully(window, position);
            windowStart = position;
            windowLength = window.limit();
        }
        return (int) (position - windowStart);
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new EOFException("The journal ended at " + at + " while " + end + " bytes were expected");
            }
            at += read;
        }
    }
}
