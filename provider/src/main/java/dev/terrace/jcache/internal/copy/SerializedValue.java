package dev.terrace.jcache.internal.copy;

import java.util.Arrays;

/**
 * A value kept as its serialized bytes by a store-by-value cache. Every read deserializes a fresh copy, so
 * callers can never change what the cache holds. Tiers that persist values write these bytes as they are.
 */
public final class SerializedValue {

    private final byte[] bytes;
    private final boolean fromOutside;

    /** Bytes this process serialized itself. */
    public SerializedValue(byte[] bytes) {
        this(bytes, false);
    }

    private SerializedValue(byte[] bytes, boolean fromOutside) {
        this.bytes = bytes;
        this.fromOutside = fromOutside;
    }

    /**
     * Bytes read back from disk or Redis: they may come from another process, or from whoever can write to
     * the store, so they are deserialized through the cache's {@link SerialFilter}.
     */
    public static SerializedValue fromOutside(byte[] bytes) {
        return new SerializedValue(bytes, true);
    }

    /** Whether the bytes came from outside this process (and must pass the allow-list). */
    public boolean isFromOutside() {
        return fromOutside;
    }

    /** The serialized bytes; callers must not modify the array. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SerializedValue that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SerializedValue[" + bytes.length + " bytes]";
    }
}
