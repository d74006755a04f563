package dev.terrace.jcache.copy;

import java.util.Arrays;

/**
 * A value kept as its serialized bytes by a store-by-value cache. Every read deserializes a fresh copy, so
 * callers can never change what the cache holds. Tiers that persist values write these bytes as they are.
 */
public final class SerializedValue {

    private final byte[] bytes;

    public SerializedValue(byte[] bytes) {
        this.bytes = bytes;
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
