package dev.terrace.jcache.internal.tier.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.cache.event.EventType;

/**
 * What a change to a cache in Redis announces to every process on the cache's channel: who made it, in which
 * shard, epoch and sequence number, and for each changed entry the key, and for changes that are JCache events the
 * type and the values that some process's listeners want.
 *
 * <p>The Lua script that makes the change sends the announcement, so it always agrees with the data; the
 * script fills in the epoch and the sequence number between a head and a tail built here. Right before it
 * announces, the script trims the tail to what the processes' recorded {@link ListenerInterest interest} asks
 * for: with no listener anywhere, the key alone (the head's kind then says {@link #VALUES_LEFT_OUT}); with
 * listeners of which none wants old values, the key and the new value ({@link #OLD_VALUE_LEFT_OUT}); else all.
 *
 * <p>A single write ({@code redis-write.lua}, {@code redis-undo.lua}) announces one change; a batch ({@code
 * redis-write-batch.lua}) announces all the changes of its call at once, under the one sequence number the call
 * took (kind {@link #BATCH}): after the head and the middle, each change's kind, event type and trimmed tail, in
 * the order the script made them.
 *
 * <p>Only the head and the middle are read by {@link #parse}; the changes are decoded when {@link #changes} is
 * asked, so that a process passes over its own announcements without decoding their keys and values.
 *
 * @param shard the shard whose sequence and log the change took (see {@link ShardLayout})
 * @param cleared whether every entry of the cache was removed (then there are no changes)
 * @param message the announcement as received
 * @param body where its change (the tail) or changes start in {@code message}
 */
record Announcement(UUID origin, int shard, String epoch, long seq, boolean cleared, byte[] message, int body) {

    /**
     * One changed entry of an announcement.
     *
     * @param key the encoded key
     * @param type the event, {@code null} when the change is none (an expiry change alone)
     * @param newValue the encoded new value, when the change is an event that has one
     * @param oldValue the encoded old value, when the change is an event that has one
     * @param left what the script left out: {@link #NOTHING_LEFT_OUT}, {@link #OLD_VALUE_LEFT_OUT} or {@link
     *     #VALUES_LEFT_OUT}
     */
    record Change(byte[] key, EventType type, byte[] newValue, byte[] oldValue, int left) {}

    /** The announcement carries the values of its event as the change had them. */
    static final int NOTHING_LEFT_OUT = 0;
    /** The old value was left out: no process had a listener that wants old values. */
    static final int OLD_VALUE_LEFT_OUT = 1;
    /** Both values were left out: no process had a listener. */
    static final int VALUES_LEFT_OUT = 2;

    /** Length of an epoch's name, as the scripts store it. */
    static final int EPOCH_LENGTH = 16;

    private static final int SEQ_DIGITS = 20;
    private static final int HEAD_LENGTH = 20;
    private static final byte CHANGED = 1;
    private static final byte CLEARED = 2;
    /** A change whose values the script left out (see {@code announcement} in {@code redis-write.lua}). */
    private static final byte CHANGED_WITHOUT_VALUES = 3;
    /** A change whose old value the script left out. */
    private static final byte CHANGED_WITHOUT_OLD_VALUE = 4;
    /** The changes of one call of {@code redis-write-batch.lua}, each with its own kind and event type. */
    static final byte BATCH = 5;

    private static final byte NO_EVENT = 0;

    /** The 16 bytes that stand for a process in announcements and in the log. */
    static byte[] bytesOf(UUID origin) {
        return ByteBuffer.allocate(16)
                .putLong(origin.getMostSignificantBits())
                .putLong(origin.getLeastSignificantBits())
                .array();
    }

    /** The part of a change's announcement before the epoch. */
    static byte[] changeHead(UUID origin, int shard, EventType type) {
        return head(origin, shard, CHANGED, type);
    }

    /**
     * The part of a change's announcement before the epoch, as the script sends it when it leaves the values out
     * ({@link #VALUES_LEFT_OUT}): {@code redis-put.lua} takes it ready-made.
     */
    static byte[] changeHeadWithoutValues(UUID origin, int shard, EventType type) {
        return head(origin, shard, CHANGED_WITHOUT_VALUES, type);
    }

    /** The part of a clear's announcement before the epoch. */
    static byte[] clearHead(UUID origin, int shard) {
        return head(origin, shard, CLEARED, null);
    }

    /** The part of a change's announcement after the sequence number. */
    static byte[] changeTail(byte[] key, EventType type, byte[] newValue, byte[] oldValue) {
        ByteBuffer tail = ByteBuffer.allocate(12 + key.length + length(newValue) + length(oldValue));
        putBytes(tail, key);
        putBytes(tail, type == null ? null : newValue);
        putBytes(tail, type == null ? null : oldValue);
        return Arrays.copyOf(tail.array(), tail.position());
    }

    /**
     * The part of a {@code CREATED} or {@code UPDATED} announcement's tail before the old value, which the script of
     * a decided put appends itself (see {@code redis-write.lua}): the same bytes as {@link #changeTail} makes.
     */
    static byte[] tailBeforeOldValue(byte[] key, byte[] newValue) {
        ByteBuffer tail = ByteBuffer.allocate(8 + key.length + newValue.length);
        putBytes(tail, key);
        putBytes(tail, newValue);
        return tail.array();
    }

    /** Reads the head and middle of an announcement as the scripts send it; its changes are read on demand. */
    static Announcement parse(byte[] message) {
        ByteBuffer buffer = ByteBuffer.wrap(message);
        UUID origin = new UUID(buffer.getLong(), buffer.getLong());
        byte kind = buffer.get();
        buffer.get();
        int shard = buffer.getShort() & 0xffff;
        String epoch = ascii(buffer, EPOCH_LENGTH);
        long seq = Long.parseLong(ascii(buffer, SEQ_DIGITS));
        return new Announcement(origin, shard, epoch, seq, kind == CLEARED, message, buffer.position());
    }

    /** The changes announced, in the order they were made; none for a clear. */
    List<Change> changes() {
        if (cleared) {
            return List.of();
        }
        ByteBuffer buffer = ByteBuffer.wrap(message);
        buffer.position(body);
        if (message[16] != BATCH) {
            // A single change: its kind and event type are the head's.
            return List.of(change(buffer, message[16], message[17]));
        }
        List<Change> changes = new ArrayList<>();
        while (buffer.hasRemaining()) {
            byte kind = buffer.get();
            byte eventType = buffer.get();
            changes.add(change(buffer, kind, eventType));
        }
        return changes;
    }

    /** The change whose tail starts at {@code buffer}'s position. */
    private static Change change(ByteBuffer buffer, byte kind, byte eventType) {
        byte[] key = bytes(buffer);
        EventType type = eventType == NO_EVENT ? null : EventType.values()[eventType - 1];
        if (kind == CHANGED_WITHOUT_VALUES) {
            return new Change(key, type, null, null, VALUES_LEFT_OUT);
        }
        int left = kind == CHANGED_WITHOUT_OLD_VALUE ? OLD_VALUE_LEFT_OUT : NOTHING_LEFT_OUT;
        return new Change(key, type, bytes(buffer), bytes(buffer), left);
    }

    private static byte[] head(UUID origin, int shard, byte kind, EventType type) {
        return ByteBuffer.allocate(HEAD_LENGTH)
                .putLong(origin.getMostSignificantBits())
                .putLong(origin.getLeastSignificantBits())
                .put(kind)
                .put(type == null ? NO_EVENT : (byte) (type.ordinal() + 1))
                .putShort((short) shard)
                .array();
    }

    private static String ascii(ByteBuffer buffer, int length) {
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer buffer, byte[] bytes) {
        if (bytes == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(bytes.length).put(bytes);
        }
    }

    /** The next length-prefixed byte array of {@code buffer}, {@code null} for length -1. */
    private static byte[] bytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
