package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.api.BatchResult;
import dev.terrace.jcache.internal.shaded.redisson.api.RBatch;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RStream;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.api.stream.StreamMessageId;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one cache's near copies in this process in line with the cache's invalidation logs in Redis, one per
 * shard (see {@link ShardLayout}).
 *
 * <p>Every change to a shard in Redis takes the next number of the shard's sequence, is appended to the shard's
 * log (a Redis stream, trimmed to about {@code logLength} records) and is announced on the cache's channel with
 * its shard, all in the script that makes the change. A batch script's call ({@code redis-write-batch.lua}) takes
 * one number for all its changes, logs them as one record (its keys in field {@code m}) and announces them as one
 * {@link Announcement}: a sequence number counts script calls, not entries. This class applies each shard's announcements in that
 * shard's sequence order; when one arrives after a gap, or after a disconnection or a restart, it replays the
 * shard's log from the last change it applied. It clears the near tiers only when it cannot prove what it
 * missed in some shard: the shard's epoch changed (the data set was flushed or lost, or its control keys, or on a
 * Redis Cluster another master serves the shard: see {@code redis-position.lua}), or its log no longer reaches
 * back far enough. Shards are independent: a new epoch in one drops the near copies,
 * and the other shards go on from their positions.
 *
 * <p>The position (each shard's epoch and last applied sequence number, one line per shard) is kept in a file
 * beside the near disk tier when there is one, so a process that restarts replays what it missed instead of
 * dropping its disk copies. The file is written only after the changes it counts were applied to the near
 * tiers, so it never claims more than was done; a file with another number of shards proves nothing.
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
    private final Shard[] shards;
    private final Path positionFile;
    private final Sink sink;
    private final String cacheName;
    private final Supplier<String> newEpoch;
    /**
     * On a Cluster: each shard records the replication id of the master that last vouched for its epoch, and the
     * epoch is renewed when another master serves it (a failover; with Sentinel, {@link RedisConnection} renews
     * every cache's epoch instead, for its one master).
     */
    private final boolean vouchedByMaster;

    private boolean positionChanged;

    /**
     * @param positionFile where the position survives restarts, {@code null} when there are no near disk copies
     */
    CoherenceLog(
            RedissonClient client,
            UUID origin,
            ShardLayout layout,
            Path positionFile,
            String cacheName,
            Supplier<String> newEpoch,
            Sink sink) {
        this.client = client;
        this.origin = origin;
        this.originBytes = Announcement.bytesOf(origin);
        this.positionFile = positionFile;
        this.cacheName = cacheName;
        this.newEpoch = newEpoch;
        this.sink = sink;
        this.vouchedByMaster = client.getConfig().isClusterConfig();
        this.shards = new Shard[layout.count()];
        for (int n = 0; n < shards.length; n++) {
            shards[n] = new Shard(layout.prefix(n), shards.length == 1 ? cacheName : cacheName + " (shard " + n + ")");
        }
        readPosition();
    }

    /** Applies an announcement received on the channel. */
    void onAnnouncement(Announcement announcement) {
        if (announcement.shard() >= shards.length) {
            // Only a process with another shard count sends this, which cache creation refuses: prove nothing.
            LOG.warn(
                    "Cache {}: an announcement for shard {} of {} (another terrace.l3.shards?): dropping near copies",
                    cacheName,
                    announcement.shard(),
                    shards.length);
            sink.unknown();
            return;
        }
        shards[announcement.shard()].onAnnouncement(announcement);
    }

    /**
     * Brings the near copies up to date with Redis: after a start, a re-subscription or an outage, when
     * announcements may have been missed.
     *
     * @throws RuntimeException when Redis cannot be asked (the caller retries when it is back)
     */
    void catchUp() {
        Position[] positions = positions();
        for (int n = 0; n < shards.length; n++) {
            shards[n].catchUp(positions[n]);
        }
    }

    /**
     * Called every second: notices a flushed data set even when nothing is written, and replays changes whose
     * announcements did not arrive within a poll interval (a subscription that is being re-established, or
     * lost messages), so that staleness stays bounded whatever pub/sub does.
     */
    void poll() {
        Position[] positions = positions();
        for (int n = 0; n < shards.length; n++) {
            shards[n].poll(positions[n]);
        }
    }

    /**
     * Each shard's epoch (started now if it has none, renewed on a Cluster when the master serving the shard is
     * another one than the one that last vouched for it) and the last sequence number taken, asked of every shard
     * in one batch: one round trip per master.
     */
    private Position[] positions() {
        if (shards.length == 1) {
            List<?> reply = client.getScript(StringCodec.INSTANCE)
                    .eval(
                            shards[0].epochName,
                            RScript.Mode.READ_WRITE,
                            POSITION_SCRIPT,
                            RScript.ReturnType.LIST,
                            shards[0].positionKeys,
                            newEpoch.get());
            if (renewedForNewMaster(reply)) {
                warnNewMaster(cacheName);
            }
            return new Position[] {position(reply)};
        }
        RBatch batch = client.createBatch();
        for (Shard shard : shards) {
            batch.getScript(StringCodec.INSTANCE)
                    .evalAsync(
                            shard.epochName,
                            RScript.Mode.READ_WRITE,
                            POSITION_SCRIPT,
                            RScript.ReturnType.LIST,
                            shard.positionKeys,
                            newEpoch.get());
        }
        BatchResult<?> results = batch.execute();
        Position[] positions = new Position[shards.length];
        List<Integer> renewed = new ArrayList<>();
        for (int n = 0; n < shards.length; n++) {
            List<?> reply = (List<?>) results.getResponses().get(n);
            positions[n] = position(reply);
            if (renewedForNewMaster(reply)) {
                renewed.add(n);
            }
        }
        if (!renewed.isEmpty()) {
            warnNewMaster(cacheName + " (shards " + renewed + ")");
        }
        return positions;
    }

    private static boolean renewedForNewMaster(List<?> reply) {
        return reply.size() > 2 && "1".equals(String.valueOf(reply.get(2)));
    }

    private static void warnNewMaster(String what) {
        // Only the process whose poll noticed it says so; every process then sees the new epoch and drops.
        LOG.warn(
                "Cache {}: another Redis master serves it now (a replica was promoted, or a slot moved): started a"
                        + " new epoch, so every process drops near copies that changes lost with the old master could"
                        + " have left behind",
                what);
    }

    private static Position position(List<?> reply) {
        return new Position((String) reply.get(0), Long.parseLong(reply.get(1).toString()));
    }

    private record Position(String epoch, long seq) {}

    /** Writes the position to its file if it changed since the last write. */
    void savePosition() {
        if (positionFile == null || !positionChanged) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Shard shard : shards) {
            if (shard.epoch == null) {
                return;
            }
            text.append(shard.epoch).append(' ').append(shard.applied).append('\n');
        }
        try {
            Path temporary = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
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

    /** The last change applied in {@code shard}; {@code -1} when none is known. */
    long applied(int shard) {
        return shards[shard].applied;
    }

    /** The epoch of {@code shard} that {@link #applied} counts in; {@code null} when none is known. */
    String epoch(int shard) {
        return shards[shard].epoch;
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

    private void readPosition() {
        if (positionFile == null || !Files.exists(positionFile)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(positionFile, StandardCharsets.US_ASCII);
            if (lines.size() != shards.length) {
                // Written with another shard count: it proves nothing about these shards.
                return;
            }
            String[][] positions = new String[shards.length][];
            for (int n = 0; n < shards.length; n++) {
                positions[n] = lines.get(n).trim().split(" ");
                if (positions[n].length != 2 || positions[n][0].length() != Announcement.EPOCH_LENGTH) {
                    return;
                }
            }
            for (int n = 0; n < shards.length; n++) {
                long applied = Long.parseLong(positions[n][1]);
                shards[n].epoch = positions[n][0];
                shards[n].applied = applied;
            }
        } catch (IOException | NumberFormatException e) {
            for (Shard shard : shards) {
                shard.epoch = null;
                shard.applied = NONE;
            }
            LOG.warn(
                    "Cache {}: ignoring an unreadable invalidation log position in {}: {}",
                    cacheName,
                    positionFile,
                    e.toString());
        }
    }

    /** One shard's sequence, epoch and log, and how far this process applied them. */
    private final class Shard {

        private final String seqName;
        private final String epochName;
        /** The position script's keys: epoch, sequence and, on a Cluster, the master that vouched for the epoch. */
        private final List<Object> positionKeys;

        private final RStream<byte[], byte[]> log;
        private final String name;
        private String epoch;
        private long applied = NONE;
        private long seenAtLastPoll = NONE;

        Shard(String prefix, String name) {
            this.seqName = prefix + "seq";
            this.epochName = prefix + "epoch";
            this.positionKeys =
                    vouchedByMaster ? List.of(epochName, seqName, prefix + "master") : List.of(epochName, seqName);
            this.log = client.getStream(prefix + "log", ByteArrayCodec.INSTANCE);
            this.name = name;
        }

        void onAnnouncement(Announcement announcement) {
            if (!announcement.epoch().equals(epoch)) {
                if (epoch != null) {
                    LOG.info(
                            "Cache {}: Redis data set changed epoch ({} to {}): dropping near copies",
                            name,
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

        void catchUp(Position position) {
            String currentEpoch = position.epoch();
            long current = position.seq();
            if (applied != NONE && currentEpoch.equals(epoch) && current < applied) {
                // The sequence went backwards in the same epoch: the control keys were evicted or deleted.
                LOG.info(
                        "Cache {}: the invalidation log's sequence went back from {} to {} (its keys were evicted or"
                                + " deleted in Redis): dropping near copies",
                        name,
                        applied,
                        current);
                sink.unknown();
                adopt(currentEpoch, current);
                return;
            }
            if (!currentEpoch.equals(epoch) || applied == NONE) {
                if (epoch != null) {
                    LOG.info(
                            "Cache {}: cannot prove which changes were missed (epoch {} is now {}): dropping near"
                                    + " copies",
                            name,
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

        void poll(Position position) {
            long lastPolled = seenAtLastPoll;
            seenAtLastPoll = position.seq();
            if (!position.epoch().equals(epoch) || applied == NONE || position.seq() < applied) {
                catchUp(position);
            } else if (applied < lastPolled) {
                LOG.debug(
                        "Cache {}: announcements up to {} did not arrive; replaying them from the log",
                        name,
                        lastPolled);
                replay(applied + 1, position.seq());
                adopt(epoch, position.seq());
            }
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
                        name,
                        from,
                        to);
                sink.unknown();
                return;
            }
            for (Map<byte[], byte[]> fields : records.values()) {
                byte[] key = null;
                byte[] keys = null;
                boolean ours = false;
                boolean cleared = false;
                for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
                    switch (field.getKey()[0]) {
                        case 'o' -> ours = Arrays.equals(field.getValue(), originBytes);
                        case 'k' -> key = field.getValue();
                        case 'm' -> keys = field.getValue();
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
                } else if (keys != null && !changedEach(keys)) {
                    LOG.info("Cache {}: a damaged batch record in the invalidation log: dropping near copies", name);
                    sink.unknown();
                }
            }
        }

        /**
         * Applies a batch record's keys (field {@code m}: each key length-prefixed, as {@code
         * redis-write-batch.lua} writes them); returns whether they were whole.
         */
        private boolean changedEach(byte[] keys) {
            ByteBuffer buffer = ByteBuffer.wrap(keys);
            while (buffer.remaining() >= 4) {
                int length = buffer.getInt();
                if (length < 0 || length > buffer.remaining()) {
                    return false;
                }
                byte[] key = new byte[length];
                buffer.get(key);
                sink.changed(key);
            }
            return !buffer.hasRemaining();
        }

        private void adopt(String newEpoch, long seq) {
            if (!Objects.equals(newEpoch, epoch) || seq != applied) {
                epoch = newEpoch;
                applied = seq;
                positionChanged = true;
            }
        }
    }
}
