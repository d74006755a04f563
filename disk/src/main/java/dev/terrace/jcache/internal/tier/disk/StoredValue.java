package dev.terrace.jcache.internal.tier.disk;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The layout of a value in the disk tier's MapDB index: {@code [int crc32c][long seq][long expiresAt]
 * [encoded value]}, and the bytes an entry counts for against the size bound.
 *
 * <p>The checksum covers the key and everything after itself, so a read can tell an entry MapDB damaged
 * without trusting MapDB. The sequence number is that of the journal record that wrote the value, so
 * compaction can tell the record that holds a key's live value from the records it overwrote. Kept in one
 * place because the writes, the reads, the recovery and the compaction of the tier must all agree on it.
 */
final class StoredValue {

    /** The bytes before the encoded value: checksum, sequence number, expiry instant. */
    static final int HEADER = 4 + 8 + 8;

    /** An estimate of what MapDB spends on an entry beyond its key and value. */
    private static final int ENTRY_OVERHEAD = 64;

    private StoredValue() {}

    /** The stored form of {@code payload}, written by the journal record {@code seq}, for {@code keyBytes}. */
    static byte[] encode(byte[] keyBytes, long seq, long expiresAt, byte[] payload) {
        byte[] stored = new byte[HEADER + payload.length];
        System.arraycopy(payload, 0, stored, HEADER, payload.length);
        return seal(keyBytes, stored, seq, expiresAt);
    }

    /**
     * Fills in the header of {@code stored}, whose encoded value follows {@link #HEADER} bytes left for it
     * ({@code Codec.encodeValue(value, HEADER)}), and returns it: the stored form without a second array.
     */
    static byte[] seal(byte[] keyBytes, byte[] stored, long seq, long expiresAt) {
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        buffer.putLong(4, seq).putLong(12, expiresAt);
        buffer.putInt(0, checksum(keyBytes, stored));
        return stored;
    }

    /** Whether {@code stored} is whole and its checksum matches {@code keyBytes} and its contents. */
    static boolean isIntact(byte[] keyBytes, byte[] stored) {
        return stored.length >= HEADER
                && checksum(keyBytes, stored) == ByteBuffer.wrap(stored).getInt(0);
    }

    /** Whether {@code stored}, which may be {@code null}, was written by the journal record {@code seq}. */
    static boolean isWrittenBy(byte[] stored, long seq) {
        return stored != null
                && stored.length >= HEADER
                && ByteBuffer.wrap(stored).getLong(4) == seq;
    }

    /** The sequence number {@code stored} records, or -1 when it is too short to hold one. */
    static long seqOf(byte[] stored) {
        return stored != null && stored.length >= HEADER
                ? ByteBuffer.wrap(stored).getLong(4)
                : -1;
    }

    /** The entry an intact {@code stored} value holds; throws whatever {@code codec} throws on a bad value. */
    static TierEntry decode(Codec codec, byte[] stored) {
        long expiresAt = ByteBuffer.wrap(stored).getLong(12);
        return new TierEntry(codec.decodeValue(stored, HEADER, stored.length - HEADER), expiresAt);
    }

    /** 1 when {@code stored} holds an entry that expires (an instant other than {@link TierEntry#ETERNAL}), else 0. */
    static int finite(byte[] stored) {
        return stored != null
                        && stored.length >= HEADER
                        && ByteBuffer.wrap(stored).getLong(12) != TierEntry.ETERNAL
                ? 1
                : 0;
    }

    /** The bytes an entry takes as the size bound counts them; 0 for a {@code null} (absent) value. */
    static long footprint(byte[] keyBytes, byte[] stored) {
        return stored == null ? 0 : keyBytes.length + stored.length + ENTRY_OVERHEAD;
    }

    private static int checksum(byte[] keyBytes, byte[] stored) {
        CRC32C crc = new CRC32C();
        crc.update(keyBytes, 0, keyBytes.length);
        crc.update(stored, 4, stored.length - 4);
        return (int) crc.getValue();
    }
}
