package dev.terrace.jcache.internal.tier.redis;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.cache.event.EventType;

/**
 * What every call of {@code redis-write.lua} on one shard sends alike, built once per tier rather than once per
 * write: the shard's control keys and the announcement heads of this process for each kind of change. Arrays handed
 * out here go to Redis as they are and are never written to.
 */
final class ShardWriteArguments {

    final String sequence;
    final String log;
    final String epoch;
    final String interest;
    /** The four control keys as the write script's KEYS[2], KEYS[3], KEYS[4] and KEYS[6] take them, UTF-8. */
    final byte[] sequenceKey;

    final byte[] logKey;
    final byte[] epochKey;
    final byte[] interestKey;
    private final byte[][] heads;
    private final byte[] noEventHead;

    ShardWriteArguments(ShardLayout layout, int shard, UUID origin) {
        String prefix = layout.prefix(shard);
        this.sequence = prefix + "seq";
        this.log = prefix + "log";
        this.epoch = prefix + "epoch";
        this.interest = ListenerInterest.name(prefix);
        this.sequenceKey = sequence.getBytes(StandardCharsets.UTF_8);
        this.logKey = log.getBytes(StandardCharsets.UTF_8);
        this.epochKey = epoch.getBytes(StandardCharsets.UTF_8);
        this.interestKey = interest.getBytes(StandardCharsets.UTF_8);
        EventType[] types = EventType.values();
        this.heads = new byte[types.length][];
        for (EventType type : types) {
            heads[type.ordinal()] = Announcement.changeHead(origin, shard, type);
        }
        this.noEventHead = Announcement.changeHead(origin, shard, null);
    }

    /** The head of a change announced as {@code type} ({@code null}: no event), as {@link Announcement} makes it. */
    byte[] head(EventType type) {
        return type == null ? noEventHead : heads[type.ordinal()];
    }
}
