package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RStream;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.api.stream.StreamMessageId;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one cache's near copies in this process in line with the cache's invalidation log in Redis.
 *
 * <p>Every change to the cache in Redis takes the next number of the cache's sequence, is appended to the
 * log (a Redis stream, trimmed to about {@code logLength} records) and is announced on the cache's channel,
 * all in the script that makes the change. This class applies announcements in sequence order; when one
 * arrives after a gap, or after a disconnection or a restart, it replays the log from the last change it
 * applied. It clears the near tiers only when it cannot prove what it missed: the epoch changed (the data
 * set was flushed or lost), or the log no longer reaches back far enough.
 *
 * <p>The position (epoch and last applied sequence number) is kept in a file beside the near disk tier when
 * there is one, so a process that restarts replays what it missed instead of dropping its disk copies. The
 * file is written only after the changes it counts were applied to the near tiers, so it never claims more
 * than was done.
 *
 * <p>Not thread-safe: every method runs on the connection's single coherence thread.
 */
final class CoherenceLog {

    /** Where the log's findings go. */
    interface Sink {
        /** Another process changed {@code announcement.key()} (live, with the event if there is one). */
        void changed(Announcement announcement);

        /** Another process changed the key (replayed from the log: no event is known). */
        void changed(byte[] key);

        /** Anything may have changed: drop every near copy. */
        void unknown();
    }

    private static final Logger LOG = LoggerFactory.getLogger(CoherenceLog.class);
    private static final long NONE = -1;
    private static final String POSITION_SCRIPT = RedisTier.script("redis-position.lua");

    private final RedissonClient client;
    private final UUID origin;
    private final byte[] originBytes;
    private final String seqName;
    private final String epochName;
    private final RStream<byte[], byte[]> log;
    private final Path positionFile;
    private final Sink sink;
    private final String cacheName;
    private final Supplier<String> newEpoch;
    private String epoch;
    private long applied = NONE;
    private boolean positionChanged;
    private long seenAtLastPoll = NONE;

    /**
     * @param positionFile where the position survives restarts, {@code null} when there are no near disk copies
     */
    CoherenceLog(
            RedissonClient client,
            UUID origin,
            String prefix,
            Path positionFile,
            String cacheName,
            Supplier<String> newEpoch,
            Sink sink) {
        this.client = client;
        this.origin = origin;
        this.originBytes = Announcement.bytesOf(origin);
        this.seqName = prefix + "seq";
        this.epochName = prefix + "epoch";
        this.log = client.getStream(prefix + "log", ByteArrayCodec.INSTANCE);
        this.positionFile = positionFile;
        this.cacheName = cacheName;
        this.newEpoch = newEpoch;
        this.sink = sink;
        readPosition();
    }

    /** Applies an announcement received on the channel. */
    void onAnnouncement(Announcement announcement) {
        if (!announcement.epoch().equals(epoch)) {
            if (epoch != null) {
                LOG.info(
                        "Cache {}: Redis data set changed epoch ({} to {}): dropping near copies",
                        cacheName,
                        epoch,
                        announcement.epoch());
            }
            sink.unknown();
            adopt(announcement.epoch(), announcement.seq());
            deliver(announcement);
            return;
        }
        if (announcement.seq() > applied + 1 && applied != NONE) {
            replay(applied + 1, announcement.seq() - 1);
        }
        deliver(announcement);
        if (announcement.seq() > applied) {
            adopt(epoch, announcement.seq());
        }
    }

    /**
     * Brings the near copies up to date with Redis: after a start, a re-subscription or an outage, when
     * announcements may have been missed.
     *
     * @throws RuntimeException when Redis cannot be asked (the caller retries when it is back)
     */
    void catchUp() {
        catchUp(position());
    }

    private void catchUp(Position position) {
        String currentEpoch = position.epoch();
        long current = position.seq();
        if (applied != NONE && currentEpoch.equals(epoch) && current < applied) {
            // The sequence went backwards in the same epoch: the control keys were evicted or deleted.
            LOG.info(
                    "Cache {}: the invalidation log's sequence went back from {} to {} (its keys were evicted or"
                            + " deleted in Redis): dropping near copies",
                    cacheName,
                    applied,
                    current);
            sink.unknown();
            adopt(currentEpoch, current);
            return;
        }
        if (!currentEpoch.equals(epoch) || applied == NONE) {
            if (epoch != null) {
                LOG.info(
                        "Cache {}: cannot prove which changes were missed (epoch {} is now {}): dropping near copies",
                        cacheName,
                        epoch,
                        currentEpoch);
            }
            sink.unknown();
            adopt(currentEpoch, current);
            return;
        }
        if (current > applied) {
            replay(applied + 1, current);
            adopt(epoch, current);
        }
    }

    /**
     * Called every second: notices a flushed data set even when nothing is written, and replays changes whose
     * announcements did not arrive within a poll interval (a subscription that is being re-established, or
     * lost messages), so that staleness stays bounded whatever pub/sub does.
     */
    void poll() {
        long lastPolled = seenAtLastPoll;
        Position position = position();
        seenAtLastPoll = position.seq();
        if (!position.epoch().equals(epoch) || applied == NONE || position.seq() < applied) {
            catchUp(position);
        } else if (applied < lastPolled) {
            LOG.debug(
                    "Cache {}: announcements up to {} did not arrive; replaying them from the log",
                    cacheName,
                    lastPolled);
            replay(applied + 1, position.seq());
            adopt(epoch, position.seq());
        }
    }

    /** The data set's epoch (started now if it has none) and the last sequence number taken. */
    private Position position() {
        List<Object> position = client.getScript(StringCodec.INSTANCE)
                .eval(
                        epochName,
                        RScript.Mode.READ_WRITE,
                        POSITION_SCRIPT,
                        RScript.ReturnType.LIST,
                        List.of(epochName, seqName),
                        newEpoch.get());
        return new Position(
                (String) position.get(0), Long.parseLong(position.get(1).toString()));
    }

    private record Position(String epoch, long seq) {}

    /** Writes the position to its file if it changed since the last write. */
    void savePosition() {
        if (positionFile == null || !positionChanged || epoch == null) {
            return;
        }
        try {
            Path temporary = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
            Files.writeString(temporary, epoch + " " + applied + "\n", StandardCharsets.US_ASCII);
            Files.move(temporary, positionFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            positionChanged = false;
        } catch (IOException e) {
            LOG.warn(
                    "Cache {}: cannot save the invalidation log position to {}: {}",
                    cacheName,
                    positionFile,
                    e.toString());
        }
    }

    /** The last change applied, for tests and statistics; {@code -1} when none is known. */
    long applied() {
        return applied;
    }

    /** Applies the logged changes {@code from} to {@code to}, or drops every near copy if some are gone. */
    private void replay(long from, long to) {
        Map<StreamMessageId, Map<byte[], byte[]>> records =
                log.range(new StreamMessageId(from, 0), new StreamMessageId(to, 0));
        long expected = from;
        for (Map.Entry<StreamMessageId, Map<byte[], byte[]>> record : records.entrySet()) {
            if (record.getKey().getId0() != expected) {
                break;
            }
            expected++;
        }
        if (expected != to + 1) {
            LOG.info(
                    "Cache {}: the invalidation log no longer holds changes {} to {}: dropping near copies",
                    cacheName,
                    from,
                    to);
            sink.unknown();
            return;
        }
        for (Map<byte[], byte[]> fields : records.values()) {
            byte[] key = null;
            boolean ours = false;
            boolean cleared = false;
            for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
                switch (field.getKey()[0]) {
                    case 'o' -> ours = Arrays.equals(field.getValue(), originBytes);
                    case 'k' -> key = field.getValue();
                    case 'x' -> cleared = true;
                    default -> {
                        // A field a later version added: not needed to invalidate.
                    }
                }
            }
            if (ours) {
                continue;
            }
            if (cleared) {
                sink.unknown();
            } else if (key != null) {
                sink.changed(key);
            }
        }
    }

    private void deliver(Announcement announcement) {
        if (announcement.origin().equals(origin)) {
            return;
        }
        if (announcement.cleared()) {
            sink.unknown();
        } else {
            sink.changed(announcement);
        }
    }

    private void adopt(String newEpoch, long seq) {
        if (!java.util.Objects.equals(newEpoch, epoch) || seq != applied) {
            epoch = newEpoch;
            applied = seq;
            positionChanged = true;
        }
    }

    private void readPosition() {
        if (positionFile == null || !Files.exists(positionFile)) {
            return;
        }
        try {
            String[] parts = Files.readString(positionFile, StandardCharsets.US_ASCII)
                    .trim()
                    .split(" ");
            if (parts.length == 2 && parts[0].length() == Announcement.EPOCH_LENGTH) {
                epoch = parts[0];
                applied = Long.parseLong(parts[1]);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn(
                    "Cache {}: ignoring an unreadable invalidation log position in {}: {}",
                    cacheName,
                    positionFile,
                    e.toString());
        }
    }
}
