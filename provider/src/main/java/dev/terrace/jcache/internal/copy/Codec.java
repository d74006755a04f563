package dev.terrace.jcache.internal.copy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.cache.CacheException;

/**
 * Turns keys and stored values into bytes for tiers that keep bytes (disk, Redis) and back.
 *
 * <p>Common immutable types get a compact encoding of their own, so that a disk or Redis lookup does not pay
 * for Java serialization of its key; everything else, and the serialized values of store-by-value caches,
 * pass through as Java serialization bytes. The first byte of every encoding names its form. Bytes come back
 * from outside the process, so objects are only decoded through the {@link SerialFilter} allow-list (lazily,
 * when a caller reads it, for the values of store-by-value caches).
 */
public final class Codec {

    private static final byte SERIALIZED_OBJECT = 0;
    private static final byte SERIALIZED_VALUE = 1;
    private static final byte STRING = 2;
    private static final byte LONG = 3;
    private static final byte INTEGER = 4;
    private static final byte BYTES = 5;

    private final JavaSerializer serializer;
    private final SerialFilter filter;
    private final SerialFilter keyFilter;

    /** A codec whose decoded objects may only contain the classes {@code filter} allows. */
    public Codec(JavaSerializer serializer, SerialFilter filter) {
        this.serializer = serializer;
        this.filter = filter;
        this.keyFilter = filter.forKeys();
    }

    /** The bytes of a key; equal keys of the common types always give equal bytes. */
    public byte[] encodeKey(Object key) {
        return encode(key);
    }

    /** The key the bytes of {@link #encodeKey} stand for. */
    public Object decodeKey(byte[] bytes) {
        return decode(bytes, 0, bytes.length, keyFilter);
    }

    /** The bytes of a value in stored form ({@link SerializedValue} bytes are kept as they are). */
    public byte[] encodeValue(Object stored) {
        if (stored instanceof SerializedValue serialized) {
            return tagged(SERIALIZED_VALUE, serialized.bytes());
        }
        return encode(stored);
    }

    /**
     * The bytes of {@link #encodeValue(Object)} after {@code headroom} bytes left zero, in one array: a tier that
     * keeps a header of its own before the encoding (the disk tier) fills it in place instead of copying the
     * encoding into a second array.
     */
    public byte[] encodeValue(Object stored, int headroom) {
        if (stored instanceof SerializedValue serialized) {
            return tagged(SERIALIZED_VALUE, serialized.bytes(), headroom);
        }
        if (stored instanceof byte[] array) {
            return tagged(BYTES, array, headroom);
        }
        byte[] encoded = encode(stored);
        byte[] bytes = new byte[headroom + encoded.length];
        System.arraycopy(encoded, 0, bytes, headroom, encoded.length);
        return bytes;
    }

    /** The stored form of a value from {@code length} bytes of {@code bytes} starting at {@code offset}. */
    public Object decodeValue(byte[] bytes, int offset, int length) {
        if (length > 0 && bytes[offset] == SERIALIZED_VALUE) {
            return SerializedValue.fromOutside(Arrays.copyOfRange(bytes, offset + 1, offset + length));
        }
        return decode(bytes, offset, length, filter);
    }

    private byte[] encode(Object object) {
        if (object instanceof String string) {
            return encodeString(string);
        }
        if (object instanceof Long number) {
            return ByteBuffer.allocate(9).put(LONG).putLong(number).array();
        }
        if (object instanceof Integer number) {
            return ByteBuffer.allocate(5).put(INTEGER).putInt(number).array();
        }
        if (object instanceof byte[] array) {
            return tagged(BYTES, array);
        }
        return tagged(SERIALIZED_OBJECT, serializer.serialize(object));
    }

    private Object decode(byte[] bytes, int offset, int length, SerialFilter filter) {
        if (length < 1) {
            throw new CacheException("An encoded key or value cannot be empty");
        }
        int from = offset + 1;
        int size = length - 1;
        return switch (bytes[offset]) {
            case STRING -> new String(bytes, from, size, StandardCharsets.UTF_8);
            case LONG -> ByteBuffer.wrap(bytes, from, size).getLong();
            case INTEGER -> ByteBuffer.wrap(bytes, from, size).getInt();
            case BYTES -> Arrays.copyOfRange(bytes, from, from + size);
            case SERIALIZED_OBJECT -> serializer.deserialize(Arrays.copyOfRange(bytes, from, from + size), filter);
            default -> throw new CacheException("Unknown encoding " + bytes[offset] + " of a key or value");
        };
    }

    /**
     * The tag and the UTF-8 bytes of {@code string} in one array when it is ASCII (most keys): the same bytes as
     * {@code tagged(STRING, string.getBytes(UTF_8))} without the intermediate array.
     */
    private static byte[] encodeString(String string) {
        int length = string.length();
        byte[] bytes = new byte[length + 1];
        bytes[0] = STRING;
        for (int i = 0; i < length; i++) {
            char c = string.charAt(i);
            if (c >= 0x80) {
                return tagged(STRING, string.getBytes(StandardCharsets.UTF_8));
            }
            bytes[i + 1] = (byte) c;
        }
        return bytes;
    }

    private static byte[] tagged(byte tag, byte[] payload) {
        return tagged(tag, payload, 0);
    }

    private static byte[] tagged(byte tag, byte[] payload, int headroom) {
        byte[] bytes = new byte[headroom + payload.length + 1];
        bytes[headroom] = tag;
        System.arraycopy(payload, 0, bytes, headroom + 1, payload.length);
        return bytes;
    }
}
