package dev.terrace.jcache.internal.tier.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.cache.event.EventType;

/**
 * What every call of {@code redis-write.lua} and {@code redis-put.lua} on one shard sends alike, built once per
 * tier rather than once per write: the shard's control keys and the announcement heads of this process for each
 * kind of change. Arrays handed out here go to Redis as they are and are never written to.
 */
final class ShardWriteArguments {

    /** The control keys as the write script's KEYS[2], KEYS[3], KEYS[4], KEYS[6] and KEYS[7] take them, UTF-8. */
    private final byte[] sequenceKey;

    private final byte[] logKey;
    private final byte[] epochKey;
    private final byte[] interestKey;
    /** The no-interest marker ({@link ListenerInterest#markerName}). */
    private final byte[] markerKey;
    /**
     * The write script's ARGV[1], what it takes alike on every call on the shard, as one argument (each argument
     * costs the client a buffer and the server a Lua string): this process's CREATED, UPDATED, REMOVED and EXPIRED
     * heads, one byte n, the log's length in n decimal digits, then the channel.
     */
    final byte[] constants;
    /**
     * {@code redis-put.lua}'s ARGV[1]: this process's CREATED and UPDATED heads as announced without values (the
     * announcement a put makes while no process has a listener, so the script sends them as they are), one byte n,
     * the log's length in n decimal digits, then the channel.
     */
    final byte[] putConstants;

    private final byte[][] heads;
    private final byte[] noEventHead;

    /** @param logLength how many log records the shard keeps (about) */
    ShardWriteArguments(ShardLayout layout, int shard, UUID origin, int logLength) {
        String prefix = layout.prefix(shard);
        this.sequenceKey = (prefix + "seq").getBytes(StandardCharsets.UTF_8);
        this.logKey = (prefix + "log").getBytes(StandardCharsets.UTF_8);
        this.epochKey = (prefix + "epoch").getBytes(StandardCharsets.UTF_8);
        this.interestKey = ListenerInterest.name(prefix).getBytes(StandardCharsets.UTF_8);
        this.markerKey = ListenerInterest.markerName(prefix).getBytes(StandardCharsets.UTF_8);
        EventType[] types = EventType.values();
        this.heads = new byte[types.length][];
        for (EventType type : types) {
            heads[type.ordinal()] = Announcement.changeHead(origin, shard, type);
        }
        this.noEventHead = Announcement.changeHead(origin, shard, null);
        byte[] length = Integer.toString(logLength).getBytes(StandardCharsets.US_ASCII);
        byte[] channel = layout.channel().getBytes(StandardCharsets.UTF_8);
        ByteBuffer packed = ByteBuffer.allocate(4 * heads[0].length + 1 + length.length + channel.length);
        // In the order of the event type byte of a head (1 CREATED, 2 UPDATED, 3 REMOVED, 4 EXPIRED).
        for (EventType type :
                new EventType[] {EventType.CREATED, EventType.UPDATED, EventType.REMOVED, EventType.EXPIRED}) {
            packed.put(head(type));
        }
        this.constants =
                packed.put((byte) length.length).put(length).put(channel).array();
        this.putConstants = ByteBuffer.allocate(2 * heads[0].length + 1 + length.length + channel.length)
                .put(Announcement.changeHeadWithoutValues(origin, shard, EventType.CREATED))
                .put(Announcement.changeHeadWithoutValues(origin, shard, EventType.UPDATED))
                .put((byte) length.length)
                .put(length)
                .put(channel)
                .array();
    }

    /**
     * Puts the write script's first seven keys (KEYS[1] to KEYS[7]: the entry, the control keys, the entry's lock,
     * the interest set and its marker) into {@code arguments} from element 2 on, after the script (element 0) and
     * the number of keys (element 1), which the caller puts.
     */
    void putKeys(Object[] arguments, String entryName, String lockName) {
        arguments[2] = entryName;
        arguments[3] = sequenceKey;
        arguments[4] = logKey;
        arguments[5] = epochKey;
        arguments[6] = lockName;
        arguments[7] = interestKey;
        arguments[8] = markerKey;
    }

    /** The head of a change announced as {@code type} ({@code null}: no event), as {@link Announcement} makes it. */
    byte[] head(EventType type) {
        return type == null ? noEventHead : heads[type.ordinal()];
    }
}
