package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.shaded.redisson.api.RBucket;
import dev.terrace.jcache.internal.shaded.redisson.api.RLock;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RTopic;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.api.listener.StatusListener;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import dev.terrace.jcache.internal.spi.SharedTier;
import dev.terrace.jcache.internal.tier.DecidedPut;
import dev.terrace.jcache.internal.tier.DecidedWrite;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.cache.CacheException;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis tier (L3): every entry of a cache as one Redis string, shared by every process that uses the
 * cache, and authoritative whenever it is configured.
 *
 * <p>An entry's Redis key is {@code <namespace>:{<shard tag>}:e:<key>}: a cache's key space is split into
 * shards ({@link ShardLayout}; one by default, whose tag is {@code <manager>/<cache>}), and the braces make every
 * key of a shard hash to one slot, so a Redis Cluster spreads a cache over its masters while each shard's
 * entries, sequence, epoch and log change together in one script. The value is a version (8 random bytes written
 * with it), the expiry instant and the encoded value; Redis drops the key a grace period after that instant
 * ({@code PXAT}), so the cache layer is the one that observes the expiry and reports it.
 *
 * <p>{@link #compute} holds the key's lock while it reads, decides and writes, so that work done inside it (a
 * loader, an entry processor, a writer) runs once across processes: one script takes the lock and reads the entry,
 * the write script releases it ({@link KeyLocks}; a lock in Redisson's layout, waited for with Redisson's {@code
 * RLock} when another process holds it). The write itself is one script ({@code redis-write.lua}) that also checks
 * the entry is still the version that was read (so a lock whose lease ran out can never let an older decision
 * overwrite a newer one), takes the shard's next sequence number, appends to the shard's invalidation log and
 * announces the change; see {@link CoherenceLog} for how other processes apply it.
 *
 * <p>While Redis cannot be reached, a stack with a near disk tier lets its near tiers take changes and notes
 * their keys in an {@link OutageJournal}; when Redis is back those keys are deleted everywhere.
 */
public final class RedisTier<K> implements SharedTier<K> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);
    static final long RECLAIM_GRACE_MILLIS = 1_000;
    /** About how many changes the invalidation log keeps for processes that were away. */
    static final int LOG_LENGTH = 100_000;

    private static final int HEADER = 16;
    private static final RawScript WRITE = new RawScript(script("redis-write.lua"));
    /** The decided put, the most frequent write, in a script of its own that does nothing else. */
    private static final RawScript PUT = new RawScript(script("redis-put.lua"));

    private static final String CLEAR_SCRIPT = script("redis-clear.lua");
    private static final String UNDO_SCRIPT = script("redis-undo.lua");
    private static final String SHARDS_SCRIPT = script("redis-shards.lua");
    private static final int DELETE_PAGE = 500;
    /** How many names one SCAN asks for. */
    private static final int SCAN_PAGE = 1_000;

    private static final byte[] NO_VERSION = new byte[0];
    private static final byte[] ZERO = {'0'};
    /** The bytes of a decided write's fixed-size arguments, packed into one (see {@code redis-write.lua}). */
    private static final int DECISION_LENGTH = 6 * 8 + 2;

    private static final byte[] SEVEN = {'7'};
    private static final byte[] EIGHT = {'8'};
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPTIMISTIC = {'1'};
    private static final byte[] NOT_OPTIMISTIC = {'0'};
    private static final byte[] RELEASING = {'u'};
    private static final byte[] DECIDED_PUT = {'p'};
    private static final byte[] DECIDED_PUT_IF_ABSENT = {'a'};
    private static final byte[] DECIDED_REPLACE = {'r'};
    private static final byte[] DECIDED_REMOVE = {'d'};
    private static final byte[] DECIDED_REPLACE_IF_HOLDS = {'c'};
    private static final long LOCKED = -2;
    private static final int OPTIMISTIC_ATTEMPTS = 8;
    /** How many quiet announcements (see {@link #quiet}) wait at most before they are applied. */
    private static final int QUIET_LIMIT = 64;
    /** The default of {@link #withLockWait}. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);
    /**
     * Set on a thread whose locked change (one that runs user code) just failed for want of Redis, so that
     * {@link #deferChange} refuses it: an entry processor run on a near copy would see its effect undone at
     * recovery without its caller ever knowing.
     */
    private static final ThreadLocal<Boolean> LOCKED_CHANGE_FAILED = new ThreadLocal<>();

    private final RedissonClient client;
    private final RedisHealth health;
    private final ScheduledExecutorService coherence;
    private final Clock clock;
    private final Codec codec;
    private final UUID origin;
    private final byte[] originBytes;
    private final ShardLayout layout;
    private final int logLength;
    /** Per shard, what each write script call sends alike. */
    private final ShardWriteArguments[] shardArguments;
    /** {@link #logLength} and the channel, as the write script takes them. */
    private final byte[] logLengthBytes;

    private final byte[] channelBytes;
    private final String cacheName;
    private final RTopic channel;
    private final Path nearDirectory;
    private final OutageJournal journal;
    private final EvictionWatch evictions;
    private final KeyspaceWatch keyspace;
    private final RedisBatches<K> batches;
    private final LockReleases releases;
    private final KeyLocks locks;
    private final ListenerInterest interest;
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();
    /**
     * Announcements received and not yet applied, in the order they came; applied on the coherence thread by {@link
     * #applyArrived}, which is scheduled at once for all but a quiet one (see {@link #quiet}).
     */
    private final ConcurrentLinkedQueue<Announcement> arrived = new ConcurrentLinkedQueue<>();
    /** Quiet announcements waiting in {@link #arrived} since it was last applied. */
    private final AtomicInteger queued = new AtomicInteger();

    private final AtomicBoolean applyScheduled = new AtomicBoolean();
    /** How many tasks the subscription handed to the coherence thread, for tests. */
    private final AtomicLong coherenceTasks = new AtomicLong();
    /**
     * Per shard, the epoch and sequence number of the last announcement the subscription received, as far as it
     * tells whether the next is quiet; guarded by itself.
     */
    private final String[] heardEpochs;

    private final long[] heardSequences;

    private volatile CoherenceLog log;
    private volatile Invalidations<K> invalidations;
    private ScheduledFuture<?> upkeep;
    private volatile boolean closed;
    private long ttlMillis;
    private volatile Duration lockWait = LOCK_WAIT;
    private volatile boolean shardsChecked;
    private volatile CacheException refusal;
    private int messageListener = -1;
    private int statusListener = -1;

    public RedisTier(RedisConnection connection, String managerName, String cacheName, Codec codec) {
        this(connection, managerName, cacheName, codec, Clock.systemUTC(), null);
    }

    /**
     * @param clock tells whether an entry a change removes had expired (reported as such to other processes)
     * @param nearDirectory the near disk tier's directory, where the log position and the outage journal are
     *     kept; {@code null} when there is no near disk tier (then changes fail while Redis is down)
     */
    public RedisTier(
            RedisConnection connection,
            String managerName,
            String cacheName,
            Codec codec,
            Clock clock,
            Path nearDirectory) {
        this.clock = clock;
        this.client = connection.client();
        this.health = connection.health();
        this.coherence = connection.coherence();
        this.releases = new LockReleases(coherence, cacheName);
        this.locks = new KeyLocks(client, coherence, releases, cacheName);
        this.codec = codec;
        this.origin = connection.origin();
        this.originBytes = Announcement.bytesOf(origin);
        this.cacheName = cacheName;
        this.layout = new ShardLayout(
                connection.settings().namespace(),
                managerName,
                cacheName,
                connection.settings().shards());
        // The log's whole length stays about LOG_LENGTH, spread over the shards as the changes are.
        this.logLength = Math.max(1_000, LOG_LENGTH / layout.count());
        this.channel = client.getTopic(layout.channel(), ByteArrayCodec.INSTANCE);
        this.logLengthBytes = ascii(Integer.toString(logLength));
        this.channelBytes = ascii(layout.channel());
        this.shardArguments = new ShardWriteArguments[layout.count()];
        for (int shard = 0; shard < shardArguments.length; shard++) {
            shardArguments[shard] = new ShardWriteArguments(layout, shard, origin, logLength);
        }
        this.heardEpochs = new String[layout.count()];
        this.heardSequences = new long[layout.count()];
        this.nearDirectory = nearDirectory;
        this.journal = nearDirectory == null ? null : new OutageJournal(nearDirectory.resolve("redis-outage.journal"));
        health.probeWithin(connection.settings().namespace());
        this.keyspace = new KeyspaceWatch(client, connection.settings(), layout, cacheName);
        this.evictions = new EvictionWatch(client, connection.settings().mode(), health.description(), cacheName);
        this.batches = new RedisBatches<>(this, client, layout, codec, originBytes, logLength);
        this.interest = new ListenerInterest(client, health, layout, origin, cacheName);
        if (!health.isDown()) {
            try {
                health.run(this::checkShards);
            } catch (TierUnavailableException e) {
                // Checked when Redis is back, before the first catch-up.
            }
            if (refusal != null) {
                throw refusal;
            }
        }
    }

    /**
     * Records the cache's shard count in Redis, or compares it with the one recorded: processes that laid the
     * cache out with different counts would not see each other's entries or changes. A cache written before
     * sharding (an unsharded sequence and no record) counts as one shard.
     */
    private void checkShards() {
        String recorded = client.getScript(StringCodec.INSTANCE)
                .eval(
                        layout.shardsName(),
                        RScript.Mode.READ_WRITE,
                        SHARDS_SCRIPT,
                        RScript.ReturnType.VALUE,
                        List.of(layout.shardsName(), layout.basePrefix() + "seq"),
                        Integer.toString(layout.count()));
        shardsChecked = true;
        if (!Integer.toString(layout.count()).equals(recorded)) {
            refusal = new CacheException("Cache " + cacheName + " in Redis at " + health.description()
                    + " is laid out in " + recorded + " shard(s), and this cache manager uses " + layout.count()
                    + " (terrace.l3.shards, backends.l3.shards): processes with different counts would not see each"
                    + " other's entries and changes. Use terrace.l3.shards=" + recorded + ", or destroy the cache"
                    + " (CacheManager.destroyCache) in every process so that it is laid out afresh");
            LOG.error("{}", refusal.getMessage());
        }
    }

    /** Fails every call once the cache turned out to be laid out with another shard count. */
    private void requireSameShards() {
        CacheException refused = refusal;
        if (refused != null) {
            throw refused;
        }
    }

    /** Checks the shard count if that could not be done while Redis was down; true when it agrees. */
    private boolean shardsAgree() {
        if (!shardsChecked) {
            health.run(this::checkShards);
        }
        return refusal == null;
    }

    /**
     * How long a locked change waits for another process's lock on the same key before it fails with a
     * {@code CacheException}; the tier never waits unboundedly for another process.
     */
    RedisTier<K> withLockWait(Duration wait) {
        this.lockWait = wait;
        return this;
    }

    /**
     * How long a key's lock taken by a locked change lives unless renewed (Redisson's {@code lockWatchdogTimeout}
     * by default); the change renews it every third of that while it runs.
     */
    RedisTier<K> withLockLease(Duration lease) {
        locks.lease(lease);
        return this;
    }

    /**
     * Caps how long an entry lives in Redis, whatever the expiry policy says ({@code terrace.l3.ttl-seconds};
     * zero: no cap). The cache observes a capped entry as expired.
     *
     * @return this tier
     */
    public RedisTier<K> withTtl(Duration ttl) {
        this.ttlMillis = ttl.toMillis();
        return this;
    }

    /**
     * Starts delivering changes made by other processes to {@code invalidations}, first bringing the near
     * copies up to date with what happened while this process was away (or dropping them all when that
     * cannot be proved, as when Redis cannot be reached now).
     */
    @Override
    public void subscribe(Invalidations<K> invalidations) {
        this.invalidations = invalidations;
        this.log = new CoherenceLog(
                client,
                origin,
                layout,
                nearDirectory == null ? null : nearDirectory.resolve("redis-position"),
                cacheName,
                RedisTier::newEpoch,
                new CoherenceLog.Sink() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public void changed(Announcement announcement) {
                        // One change, or a batch's changes in the order the script made them.
                        for (Announcement.Change change : announcement.changes()) {
                            K key = (K) codec.decodeKey(change.key());
                            invalidations.changed(key);
                            // Values left out: no process had a listener when the change was made, so none of this
                            // process's listeners, registered since, hears it (see ListenerInterest). An old value
                            // left out comes as null, and goes only to listeners that do not require old values.
                            if (change.type() != null && change.left() != Announcement.VALUES_LEFT_OUT) {
                                invalidations.event(
                                        change.type(),
                                        key,
                                        decodeValue(change.newValue()),
                                        decodeValue(change.oldValue()));
                            }
                        }
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public void changed(byte[] key) {
                        invalidations.changed((K) codec.decodeKey(key));
                    }

                    @Override
                    public void unknown() {
                        invalidations.unknown();
                    }
                });
        health.onRecovery(() -> coherence.execute(this::recover));
        // Redis may have lost the interest, or its lease ran out while Redis could not be reached.
        health.onRecovery(() -> coherence.execute(() -> {
            if (!closed) {
                interest.rewrite();
            }
        }));
        boolean caughtUp = await(coherence.submit(() -> {
            if (health.isDown() || !shardsAgree()) {
                return false;
            }
            LogPositions before = logPositions();
            health.run(this::listen);
            health.run(log::catchUp);
            health.run(() -> undoOutageChanges(before));
            evictions.checkPolicy();
            evictions.evictedSinceLastCall();
            return true;
        }));
        if (!caughtUp) {
            // Nothing tells what changed while this process was away: near copies cannot be trusted.
            invalidations.unknown();
        }
        upkeep = coherence.scheduleWithFixedDelay(this::upkeep, 1, 1, TimeUnit.SECONDS);
    }

    /** After an outage: replay what was missed, then undo the changes the near tiers took meanwhile. */
    private void recover() {
        if (closed) {
            return;
        }
        try {
            if (!shardsAgree()) {
                invalidations.unknown();
                return;
            }
            LogPositions before = logPositions();
            health.run(this::listen);
            health.run(log::catchUp);
            health.run(() -> undoOutageChanges(before));
        } catch (RuntimeException e) {
            // Down again: the next recovery starts over. Until then nothing can be proved.
            LOG.debug("Cache {}: recovery interrupted", cacheName, e);
            invalidations.unknown();
        }
    }

    /**
     * Every second: apply the announcements waiting (see {@link #quiet}), poll the log's position (see {@link
     * CoherenceLog#poll}) and save it.
     */
    private void upkeep() {
        applyArrived();
        try {
            if (!health.isDown() && refusal == null) {
                health.run(log::poll);
                interest.renewIfDue();
                if (evictions.evictedSinceLastCall()) {
                    invalidations.unknown();
                }
            }
        } catch (RuntimeException e) {
            // Redis went away; the recovery catches up.
        }
        log.savePosition();
    }

    private boolean await(Future<Boolean> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private synchronized void listen() {
        if (messageListener >= 0) {
            return;
        }
        messageListener = channel.addListener(byte[].class, (topic, message) -> {
            // The head alone: the changes are decoded only when another process made them (CoherenceLog.deliver).
            Announcement announcement = Announcement.parse(message);
            arrived.add(announcement);
            if (!quiet(announcement) || queued.incrementAndGet() >= QUIET_LIMIT) {
                scheduleApply();
            }
        });
        statusListener = channel.addListener(new StatusListener() {
            @Override
            public void onSubscribe(String name) {
                // A re-subscription means announcements may have been missed while the connection was down.
                if (!subscribedOnce.compareAndSet(false, true)) {
                    coherence.execute(() -> {
                        try {
                            health.run(log::catchUp);
                        } catch (RuntimeException e) {
                            invalidations.unknown();
                        }
                    });
                }
            }

            @Override
            public void onUnsubscribe(String name) {}
        });
        keyspace.start(key -> coherence.execute(() -> removedInRedis(key)));
    }

    /**
     * Whether {@code announcement} can wait to be applied: a change this process made, in the epoch the last one
     * received was in, right after it in sequence. Applying it only notes its sequence number ({@link
     * CoherenceLog} passes over a process's own changes), so it does not wake the coherence thread on its own; the
     * next announcement that is not quiet, the next poll ({@link #upkeep}) or a full queue ({@link #QUIET_LIMIT})
     * applies it, before anything later. An own change that started a new epoch, or that follows a gap, is not quiet:
     * it tells this process to drop its near copies, or to read the log, now.
     */
    private boolean quiet(Announcement announcement) {
        int shard = announcement.shard();
        if (shard >= heardEpochs.length) {
            return false;
        }
        synchronized (heardEpochs) {
            boolean inSequence =
                    announcement.epoch().equals(heardEpochs[shard]) && announcement.seq() == heardSequences[shard] + 1;
            heardEpochs[shard] = announcement.epoch();
            heardSequences[shard] = announcement.seq();
            return inSequence
                    && !announcement.cleared()
                    && announcement.origin().equals(origin);
        }
    }

    private void scheduleApply() {
        if (applyScheduled.compareAndSet(false, true)) {
            coherenceTasks.incrementAndGet();
            coherence.execute(this::applyArrived);
        }
    }

    /**
     * Applies the announcements received so far, in order; on the coherence thread, before anything there reads or
     * moves the log's position (a poll, a catch-up, saving the position).
     */
    private void applyArrived() {
        applyScheduled.set(false);
        Announcement announcement;
        while ((announcement = arrived.poll()) != null) {
            queued.set(0);
            try {
                log.onAnnouncement(announcement);
            } catch (RuntimeException e) {
                // Redis went away while a gap was replayed: the recovery or the next poll catches up.
                LOG.debug("Cache {}: an announcement could not be applied", cacheName, e);
            }
        }
    }

    /** Redis removed the entry of {@code key} behind Terrace's back (see {@link KeyspaceWatch}). */
    @SuppressWarnings("unchecked")
    private void removedInRedis(byte[] key) {
        if (!closed) {
            invalidations.changed((K) codec.decodeKey(key));
        }
    }

    /**
     * Undoes every change the near tiers here took while Redis was down: drops the key from the near tiers of every
     * process, and deletes its entry in Redis unless some process changed it there since ({@link #undo}; deleting
     * it whatever it held lost such changes, acknowledged in Redis). Runs on
     * the coherence thread without the journal's monitor (see {@link OutageJournal}); dropping a near copy
     * takes no stripe, so it never waits for a writer that holds one while it notes its own change there.
     */
    @SuppressWarnings("unchecked")
    private void undoOutageChanges(LogPositions before) {
        if (journal == null || journal.isEmpty()) {
            return;
        }
        OutageJournal.Pending pending = journal.pending();
        if (pending.damaged()) {
            invalidations.unknown();
        }
        int kept = 0;
        for (byte[] key : pending.keys()) {
            if (undo(key, before)) {
                kept++;
            }
            invalidations.changed((K) codec.decodeKey(key));
        }
        journal.forget(pending);
        LOG.info(
                "Cache {}: {} keys changed while Redis was down were dropped everywhere, to be loaded afresh ({} of"
                        + " them kept in Redis, changed there meanwhile by another process)",
                cacheName,
                pending.keys().size(),
                kept);
    }

    /** What this process had applied of each shard's log, noted before catching up after an outage. */
    private record LogPositions(String[] epochs, long[] applied) {}

    private LogPositions logPositions() {
        String[] epochs = new String[layout.count()];
        long[] applied = new long[layout.count()];
        for (int shard = 0; shard < epochs.length; shard++) {
            epochs[shard] = log.epoch(shard);
            applied[shard] = log.applied(shard);
        }
        return new LogPositions(epochs, applied);
    }

    /**
     * Undoes the change the near tiers took for {@code keyBytes} while Redis was down ({@code redis-undo.lua}):
     * deletes its entry in Redis unless the shard's log shows a change of the key since {@code before} (another
     * process's, or one of this process's own made since Redis answered again, which are newer), and announces
     * a change of the key, so every process drops its near copies. Returns whether the entry was kept.
     */
    private boolean undo(byte[] keyBytes, LogPositions before) {
        int shard = layout.shardOf(keyBytes);
        String prefix = layout.prefix(shard);
        String name = layout.entryName(keyBytes);
        String epoch = before.epochs()[shard];
        Long kept = client.getScript(ByteArrayCodec.INSTANCE)
                .eval(
                        name,
                        RScript.Mode.READ_WRITE,
                        UNDO_SCRIPT,
                        RScript.ReturnType.LONG,
                        List.of(name, prefix + "seq", prefix + "log", prefix + "epoch"),
                        ascii(epoch == null ? "" : epoch),
                        ascii(Long.toString(before.applied()[shard])),
                        originBytes,
                        keyBytes,
                        ascii(Integer.toString(logLength)),
                        newEpochBytes(),
                        ascii(layout.channel()),
                        Announcement.changeHead(origin, shard, null),
                        Announcement.changeTail(keyBytes, null, null, null));
        return kept != null && kept == 1;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public TierEntry get(K key) {
        requireSameShards();
        RBucket<byte[]> bucket = bucket(codec.encodeKey(key));
        byte[] stored = health.call(bucket::get);
        return stored == null ? null : decode(stored);
    }

    /** Reads the entries of {@code keys} with one script call per shard, in one round trip per node. */
    @Override
    public Map<K, TierEntry> getAll(Collection<? extends K> keys) {
        requireSameShards();
        if (keys.isEmpty()) {
            return Map.of();
        }
        return health.call(() -> batches.getAll(keys));
    }

    /**
     * Decides every change as {@link #computeRetrying} decides one, and writes them with one script call per
     * shard, in one round trip per node (see {@link RedisBatches}).
     */
    @Override
    public Map<K, TierEntry> computeAllRetrying(Map<K, ? extends UnaryOperator<TierEntry>> remappings) {
        requireSameShards();
        LOCKED_CHANGE_FAILED.remove();
        return health.call(() -> batches.computeAll(remappings));
    }

    @Override
    public void put(K key, TierEntry entry) {
        compute(key, current -> entry);
    }

    @Override
    public void remove(K key) {
        compute(key, current -> null);
    }

    @Override
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        requireSameShards();
        LOCKED_CHANGE_FAILED.remove();
        try {
            return health.call(() -> computeLocked(key, remapping));
        } catch (TierUnavailableException e) {
            LOCKED_CHANGE_FAILED.set(Boolean.TRUE);
            throw e;
        }
    }

    /**
     * Notes {@code key} in the outage journal, so that the near tiers may take a change that runs no user
     * code. A locked change (an entry processor, a write-through, a load) is refused instead: its effect on
     * the near copy would be undone at recovery, and the caller would never know.
     */
    @Override
    public boolean deferChange(K key) {
        boolean locked = LOCKED_CHANGE_FAILED.get() != null;
        LOCKED_CHANGE_FAILED.remove();
        if (journal == null || locked) {
            return false;
        }
        return journal.record(codec.encodeKey(key));
    }

    /**
     * Decides without the key's lock: reads the entry, applies {@code remapping}, and writes only if the entry
     * is still the version read and nobody holds its lock, all checked in the write script; otherwise reads
     * again and retries. Falls back to {@link #compute} while the key is locked or contended.
     */
    @Override
    public TierEntry computeRetrying(K key, UnaryOperator<TierEntry> remapping) {
        requireSameShards();
        LOCKED_CHANGE_FAILED.remove();
        return health.call(() -> {
            byte[] keyBytes = codec.encodeKey(key);
            String name = layout.entryName(keyBytes);
            for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
                byte[] stored =
                        client.<byte[]>getBucket(name, ByteArrayCodec.INSTANCE).get();
                TierEntry current = stored == null ? null : decode(stored);
                TierEntry result = remapping.apply(current);
                if (result == current) {
                    return result;
                }
                long seq = change(keyBytes, stored, current, result, true);
                if (seq >= 0) {
                    return result;
                }
                if (seq == LOCKED) {
                    break;
                }
            }
            return computeLocked(key, remapping);
        });
    }

    @Override
    public boolean decidesPuts() {
        return true;
    }

    /**
     * Makes {@code put} with one call of {@code redis-put.lua}, reading nothing first:
     * the script picks the creation or the update by whether the entry is live at the put's instant, and writes,
     * sequences, logs and announces it (as {@code CREATED} or {@code UPDATED}, with the old value) as any change.
     * An entry locked by a change that runs user code is waited for as a locked change waits, then put under the
     * lock.
     */
    @Override
    public DecidedPut.Found putDecided(K key, DecidedPut put) {
        requireSameShards();
        LOCKED_CHANGE_FAILED.remove();
        return health.call(() -> {
            Object reply = writeDecided(codec.encodeKey(key), put);
            if (reply instanceof Long locked && locked == LOCKED) {
                DecidedPut.Found[] found = {null};
                computeLocked(key, current -> {
                    found[0] = current == null ? null : new DecidedPut.Found(current.expiresAt(), current.value());
                    return put.result(found[0]);
                });
                return found[0];
            }
            return reply == null ? null : found((byte[]) reply, put.bringsValue());
        });
    }

    /**
     * Makes every put of {@code puts} as {@link #putDecided} makes one, with one call of {@code
     * redis-write-batch.lua} per shard page and one round trip per node (see {@link RedisBatches#putAllDecided}).
     */
    @Override
    public Map<K, DecidedPut.Found> putAllDecided(Map<K, DecidedPut> puts) {
        requireSameShards();
        LOCKED_CHANGE_FAILED.remove();
        if (puts.isEmpty()) {
            return Map.of();
        }
        return health.call(() -> batches.putAllDecided(puts));
    }

    /**
     * Removes the entries of {@code keys} without reading them first, with one call of {@code
     * redis-write-batch.lua} per shard page and one round trip per node (see {@link
     * RedisBatches#removeAllDecided}).
     */
    @Override
    public Map<K, DecidedPut.Found> removeAllDecided(Collection<? extends K> keys, long now) {
        requireSameShards();
        LOCKED_CHANGE_FAILED.remove();
        if (keys.isEmpty()) {
            return Map.of();
        }
        return health.call(() -> batches.removeAllDecided(keys, now));
    }

    /** How many tasks the subscription handed to the coherence thread so far (each one wakes it). */
    long coherenceTasks() {
        return coherenceTasks.get();
    }

    /** The process that makes this tier's changes, as announcements name it. */
    UUID origin() {
        return origin;
    }

    /** {@code expiresAt} within the tier's TTL cap ({@link #withTtl}), for {@link RedisBatches}. */
    long cappedExpiry(long expiresAt) {
        return capped(expiresAt);
    }

    /** When Redis may drop an entry that expires at {@code expiresAt} (0: never), for {@link RedisBatches}. */
    static long reclaimInstant(long expiresAt) {
        return reclaimAt(expiresAt);
    }

    /** A new entry version: 8 random bytes, never all zero. */
    static long newVersion() {
        return nonZeroRandom();
    }

    /** The lock of entry {@code entryName}, for {@link RedisBatches}. */
    String lockOf(String entryName) {
        return lockName(entryName);
    }

    /** Runs {@code redis-put.lua} (see the script for its arguments and reply). */
    private Object writeDecided(byte[] keyBytes, DecidedPut put) {
        return writeDecided(
                keyBytes,
                DECIDED_PUT,
                put.value(),
                put.now(),
                put.createdExpiresAt(),
                put.updatedExpiresAt(),
                put.bringsValue(),
                null);
    }

    /**
     * Runs {@code redis-put.lua} for a put, else {@code redis-write.lua} in the decided mode {@code mode} (see the
     * scripts for their arguments and replies: for a put the entry found, or {@code -2}; else a list); {@code value}
     * is {@code null} for a removal, {@code expected} for all but a replace-if-holds.
     */
    private Object writeDecided(
            byte[] keyBytes,
            byte[] mode,
            Object value,
            long now,
            long createdExpiresAt,
            long updatedExpiresAt,
            boolean bringsValue,
            Object expected) {
        int shard = layout.shardOf(keyBytes);
        String name = layout.entryName(keyBytes);
        ShardWriteArguments constant = shardArguments[shard];
        byte[] payload = value == null ? NO_VERSION : codec.encodeValue(value);
        boolean creates = mode == DECIDED_PUT || mode == DECIDED_PUT_IF_ABSENT;
        boolean updates = mode != DECIDED_REMOVE && mode != DECIDED_PUT_IF_ABSENT;
        long created = creates ? capped(createdExpiresAt) : 0;
        boolean keep = !updates || updatedExpiresAt == DecidedPut.KEEP;
        long updated = keep ? 0 : capped(updatedExpiresAt);
        boolean put = mode == DECIDED_PUT;
        long version = nonZeroRandom();
        // Element 0 is the script's digest (RawScript), then the number of keys and the keys; then the shard's
        // constants, the call's fixed-size part (mode, decision, epoch; for a put, the key after it), the tail (key
        // and new value; for a put, the creation's stored bytes), and for a replace-if-holds the payload it compares.
        Object[] arguments = new Object[9 + (mode == DECIDED_REPLACE_IF_HOLDS ? 4 : 3)];
        arguments[1] = SEVEN;
        constant.putKeys(arguments, name, lockName(name));
        arguments[9] = put ? constant.putConstants : constant.constants;
        ByteBuffer call = ByteBuffer.allocate(
                        1 + DECISION_LENGTH + Announcement.EPOCH_LENGTH + (put ? 4 + keyBytes.length : 0))
                .put(mode[0])
                .putLong(now)
                .putLong(version)
                .putLong(created)
                .putLong(creates ? reclaimAt(created) : 0)
                .putLong(updated)
                .putLong(keep ? 0 : reclaimAt(updated))
                .put(keep ? (byte) '1' : (byte) '0')
                .put(bringsValue ? (byte) '1' : (byte) '0');
        putNewEpoch(call);
        arguments[10] = call.array();
        if (put) {
            // The script stores these bytes as they are wherever the outcome's expiry instant is the creation's.
            call.putInt(keyBytes.length).put(keyBytes);
            arguments[11] = ByteBuffer.allocate(HEADER + payload.length)
                    .putLong(version)
                    .putLong(created)
                    .put(payload)
                    .array();
            return PUT.callObject(client, name, arguments);
        }
        arguments[11] = Announcement.tailBeforeOldValue(keyBytes, payload);
        if (mode == DECIDED_REPLACE_IF_HOLDS) {
            arguments[12] = expected == null ? NO_VERSION : codec.encodeValue(expected);
        }
        return WRITE.callList(client, name, arguments);
    }

    /**
     * Makes {@code write} with one call of {@code redis-write.lua} in a decided mode, reading nothing first, as
     * {@link #putDecided} makes a put: the script picks the outcome by whether the entry is there and live at the
     * write's instant, and writes, sequences, logs and announces it as any change, or writes nothing. An entry
     * locked by a change that runs user code is waited for as a locked change waits, then written under the lock.
     */
    @Override
    public DecidedWrite.Outcome writeDecided(K key, DecidedWrite write) {
        requireSameShards();
        LOCKED_CHANGE_FAILED.remove();
        byte[] mode = switch (write.kind()) {
            case PUT_IF_ABSENT -> DECIDED_PUT_IF_ABSENT;
            case REPLACE -> DECIDED_REPLACE;
            case REMOVE -> DECIDED_REMOVE;
            case REPLACE_IF_HOLDS -> DECIDED_REPLACE_IF_HOLDS;
        };
        return health.call(() -> {
            @SuppressWarnings("unchecked")
            List<Object> reply = (List<Object>) writeDecided(
                    codec.encodeKey(key),
                    mode,
                    write.value(),
                    write.now(),
                    write.createdExpiresAt(),
                    write.updatedExpiresAt(),
                    write.bringsValue(),
                    write.expected());
            long seq = ((Number) reply.get(0)).longValue();
            if (seq == LOCKED) {
                DecidedPut.Found[] found = {null};
                boolean[] written = {false};
                computeLocked(key, current -> {
                    found[0] = current == null ? null : new DecidedPut.Found(current.expiresAt(), current.value());
                    written[0] = write.changes(found[0]);
                    return written[0] ? write.result(found[0]) : current;
                });
                return new DecidedWrite.Outcome(found[0], written[0]);
            }
            return new DecidedWrite.Outcome(
                    reply.size() < 2 ? null : found((byte[]) reply.get(1), write.bringsValue()), seq > 0);
        });
    }

    /** The entry a decided write's script found, as it replied: its first 16 bytes (version, expiry), or all. */
    private DecidedPut.Found found(byte[] found, boolean bringsValue) {
        return new DecidedPut.Found(
                ByteBuffer.wrap(found).getLong(8),
                bringsValue ? codec.decodeValue(found, HEADER, found.length - HEADER) : null);
    }

    /** {@code expiresAt} within the tier's TTL cap, if it has one ({@link #withTtl}). */
    private long capped(long expiresAt) {
        return ttlMillis > 0 ? Math.min(expiresAt, clock.millis() + ttlMillis) : expiresAt;
    }

    /** When Redis may drop an entry that expires at {@code expiresAt}: a grace period after it; 0 for never. */
    private static long reclaimAt(long expiresAt) {
        return expiresAt >= TierEntry.ETERNAL - RECLAIM_GRACE_MILLIS ? 0 : expiresAt + RECLAIM_GRACE_MILLIS;
    }

    /**
     * Runs {@code remapping} under the key's lock: in the common case two calls to Redis, one that takes the lock
     * and reads the entry ({@link KeyLocks#take}), one that writes the change and releases the lock ({@code
     * redis-write.lua} in its mode 'u'), or releases it alone when nothing changed. A lock held by another
     * process is waited for as Redisson's waiters wait ({@code RLock.tryLock}), then the entry read and the lock
     * released apart.
     */
    private TierEntry computeLocked(K key, UnaryOperator<TierEntry> remapping) {
        byte[] keyBytes = codec.encodeKey(key);
        String name = layout.entryName(keyBytes);
        KeyLocks.Hold hold = locks.holdOf(lockName(name));
        KeyLocks.Taken taken = locks.take(name, hold);
        if (taken.holds() == 0) {
            return computeAfterWaiting(keyBytes, name, remapping);
        }
        boolean released = false;
        try {
            byte[] stored = taken.stored();
            TierEntry current = stored == null ? null : decode(stored);
            TierEntry result = remapping.apply(current);
            EntryWrite write = result == current ? null : changeOf(keyBytes, stored, current, result);
            if (write != null) {
                long seq = write(write, hold);
                // The script released the lock, whether it wrote or its version check refused the change.
                released = true;
                if (seq < 0) {
                    throw changedWhileLocked(name);
                }
            }
            return result;
        } finally {
            locks.forget(hold);
            if (!released) {
                locks.release(hold, name);
            }
        }
    }

    /** {@link #computeLocked} once the key's lock turned out to be another holder's: waits for it, as before. */
    private TierEntry computeAfterWaiting(byte[] keyBytes, String name, UnaryOperator<TierEntry> remapping) {
        RLock lock = client.getLock(lockName(name));
        acquire(lock, name);
        try {
            byte[] stored =
                    client.<byte[]>getBucket(name, ByteArrayCodec.INSTANCE).get();
            TierEntry current = stored == null ? null : decode(stored);
            TierEntry result = remapping.apply(current);
            if (result != current && change(keyBytes, stored, current, result, false) < 0) {
                throw changedWhileLocked(name);
            }
            return result;
        } finally {
            release(lock, name);
        }
    }

    private static CacheException changedWhileLocked(String name) {
        return new CacheException("Entry " + name + " was changed by another process while this one held its lock"
                + " (the lock's lease ran out, or the lock was lost); this change was not applied");
    }

    /** Takes the key's lock, waiting at most {@link #lockWait}. */
    private void acquire(RLock lock, String name) {
        boolean locked;
        try {
            locked = lock.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("Interrupted while waiting for the lock of entry " + name + " in Redis at "
                    + health.description() + ": the change was not applied");
        }
        if (!locked) {
            throw new CacheException("Entry " + name + " in Redis at " + health.description() + " stayed locked by"
                    + " another process for " + lockWait.toMillis() + " ms (a loader, entry processor or writer"
                    + " still running there, or the lock of a process that died, until its lease runs out): the"
                    + " change was not applied");
        }
    }

    /**
     * Releases the key's lock. The change is decided by then, and its outcome stands: a lock that is gone (its
     * lease ran out, Redis was flushed or restarted) changes nothing the version check has not already fenced; a
     * release Redis refuses now (out of memory, a stall, a lost connection) is tried again until it takes it
     * ({@link LockReleases}), so that the key is not blocked until the lease runs out.
     */
    private void release(RLock lock, String name) {
        try {
            lock.unlock();
        } catch (IllegalMonitorStateException e) {
            LOG.debug(
                    "Cache {}: the lock of {} was gone when released (lease ran out, or Redis lost it)",
                    cacheName,
                    name);
        } catch (RuntimeException e) {
            LOG.debug(
                    "Cache {}: cannot release the lock of {} now ({}); trying again until Redis takes it",
                    cacheName,
                    name,
                    RedisFailure.describe(e));
            long threadId = Thread.currentThread().getId();
            releases.later(() -> lock.unlockAsync(threadId), name);
        }
    }

    /** Writes {@code result} in place of {@code current} (read as {@code stored}); see {@link #write}. */
    private long change(byte[] keyBytes, byte[] stored, TierEntry current, TierEntry result, boolean optimistic) {
        EntryWrite write = changeOf(keyBytes, stored, current, result);
        return write == null ? 0 : write(write, optimistic ? OPTIMISTIC : NOT_OPTIMISTIC, null);
    }

    /**
     * The write that leaves {@code result} in place of {@code current} (read as {@code stored}), announced as the
     * event it is; {@code null} when there is nothing to write (no entry removed from a key that holds none).
     */
    EntryWrite changeOf(byte[] keyBytes, byte[] stored, TierEntry current, TierEntry result) {
        byte[] version = stored == null ? NO_VERSION : Arrays.copyOf(stored, 8);
        byte[] oldPayload = stored == null ? null : Arrays.copyOfRange(stored, HEADER, stored.length);
        EventType type;
        if (result == null) {
            if (stored == null) {
                return null;
            }
            type = current.isExpired(clock.millis()) ? EventType.EXPIRED : EventType.REMOVED;
        } else {
            // A change of expiry alone (an access) is no event, but other copies must learn the expiry.
            type = current == null ? EventType.CREATED : result.value() == current.value() ? null : EventType.UPDATED;
        }
        return prepare(keyBytes, version, result, type, oldPayload);
    }

    /** The lock of entry {@code entryName}: {@code <shard prefix>lock:e:<key>}, in the entry's slot. */
    private String lockName(String entryName) {
        int end = layout.prefix(layout.shardOfEntry(entryName)).length();
        return entryName.substring(0, end) + "lock:" + entryName.substring(end);
    }

    /**
     * Writes {@code entry} for the key ({@code null} deletes it) if the entry is still {@code version}, logs
     * and announces it; returns the change's sequence number, or -1 when the entry was another version.
     */
    private long write(
            byte[] keyBytes, byte[] version, TierEntry entry, EventType type, byte[] oldPayload, boolean optimistic) {
        return write(
                prepare(keyBytes, version, entry, type, oldPayload), optimistic ? OPTIMISTIC : NOT_OPTIMISTIC, null);
    }

    /** Makes {@code write} under the key's lock held as {@code hold}, and releases the lock in the same call. */
    private long write(EntryWrite write, KeyLocks.Hold hold) {
        return write(write, RELEASING, hold);
    }

    /**
     * Runs {@code redis-write.lua} in mode {@code mode} ('0' locked, '1' optimistic, 'u' locked and releasing
     * {@code hold}).
     */
    private long write(EntryWrite write, byte[] mode, KeyLocks.Hold hold) {
        ShardWriteArguments constant = shardArguments[write.shard()];
        boolean releases = hold != null;
        int keys = releases ? 8 : 7;
        Object[] arguments = new Object[2 + keys + (releases ? 9 : 6)];
        arguments[1] = releases ? EIGHT : SEVEN;
        constant.putKeys(arguments, write.name(), write.lockName());
        if (releases) {
            arguments[9] = KeyLocks.channel(hold.lockName());
        }
        int argv = 2 + keys;
        arguments[argv] = constant.constants;
        byte[] version = write.version();
        ByteBuffer call = ByteBuffer.allocate(1 + Announcement.EPOCH_LENGTH + version.length)
                .put(mode[0]);
        putNewEpoch(call);
        arguments[argv + 1] = call.put(version).array();
        arguments[argv + 2] = write.stored();
        arguments[argv + 3] = reclaimBytes(write.reclaimAt());
        arguments[argv + 4] = write.head();
        arguments[argv + 5] = write.tail();
        if (releases) {
            byte[][] release = locks.releaseArguments(hold);
            System.arraycopy(release, 0, arguments, argv + 6, release.length);
        }
        return WRITE.callLong(client, write.name(), arguments);
    }

    /**
     * What the write scripts take to write {@code entry} for the key ({@code null}: delete it) if the entry is
     * still {@code version}, announced as {@code type} ({@code null}: no event, an expiry alone changed).
     */
    private EntryWrite prepare(byte[] keyBytes, byte[] version, TierEntry entry, EventType type, byte[] oldPayload) {
        int shard = layout.shardOf(keyBytes);
        String name = layout.entryName(keyBytes);
        byte[] payload = entry == null ? null : codec.encodeValue(entry.value());
        byte[] stored = NO_VERSION;
        long reclaimAt = 0;
        if (entry != null) {
            long expiresAt = capped(entry.expiresAt());
            stored = ByteBuffer.allocate(HEADER + payload.length)
                    .putLong(nonZeroRandom())
                    .putLong(expiresAt)
                    .put(payload)
                    .array();
            reclaimAt = reclaimAt(expiresAt);
        }
        return new EntryWrite(
                shard,
                name,
                lockName(name),
                keyBytes,
                version,
                stored,
                reclaimAt,
                shardArguments[shard].head(type),
                Announcement.changeTail(keyBytes, type, payload, oldPayload));
    }

    @Override
    public Iterator<K> keys() {
        requireSameShards();
        EntryNames names = health.call(() -> new EntryNames(client, layout.entryPattern(), SCAN_PAGE));
        return new Iterator<>() {
            private Iterator<byte[]> page = Collections.emptyIterator();
            private byte[] next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    if (!page.hasNext()) {
                        if (!health.call(names::hasNext)) {
                            return false;
                        }
                        page = names.next().iterator();
                        continue;
                    }
                    byte[] name = page.next();
                    int shard = layout.shardOfEntry(name);
                    next = shard < 0 ? null : layout.keyOf(name, shard);
                }
                return true;
            }

            @Override
            @SuppressWarnings("unchecked")
            public K next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[] key = next;
                next = null;
                return (K) codec.decodeKey(key);
            }
        };
    }

    /**
     * Lists and reads together: each page is one {@code SCAN} of a master and one {@code MGET} per shard of the
     * names it listed, sent with the {@code SCAN} of the next page, so a walk costs one round trip per page. Keys
     * are decoded from the names listed, and the names sent back as they came.
     */
    @Override
    public Iterator<Map<K, TierEntry>> entryPages(int pageSize) {
        requireSameShards();
        EntryNames names = health.call(() -> new EntryNames(client, layout.entryPattern(), pageSize));
        return new Iterator<>() {
            private List<byte[]> listed;

            @Override
            public boolean hasNext() {
                // A page that lists no entry of this cache (with shards, the glob also matches their sequences
                // and logs) is no page.
                while (listed == null && health.call(names::hasNext)) {
                    List<byte[]> page = names.next();
                    if (page.stream().anyMatch(name -> layout.shardOfEntry(name) >= 0)) {
                        listed = page;
                    }
                }
                return listed != null;
            }

            @Override
            public Map<K, TierEntry> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<byte[]> page = listed;
                listed = null;
                return health.call(() -> batches.readEntries(page));
            }
        };
    }

    /**
     * The names of Redis keys that may be entries of this cache, in one scan of every master ({@link
     * ShardLayout#keyOf} tells which are).
     */
    private Iterable<String> entryNames() {
        // A page of SCAN_PAGE names per SCAN: Redisson's default of 10 costs a round trip per 10 entries.
        return client.getKeys().getKeysByPattern(layout.entryPattern(), SCAN_PAGE);
    }

    @Override
    public long size() {
        requireSameShards();
        return health.call(this::count);
    }

    private long count() {
        long count = 0;
        for (String name : entryNames()) {
            if (layout.shardOfEntry(name) >= 0) {
                count++;
            }
        }
        return count;
    }

    /**
     * Deletes every entry, shard by shard in pages (each page in one slot), then logs and announces a clear in
     * every shard, so that every process drops its near copies whichever shard's log it reads.
     */
    @Override
    public void clear() {
        requireSameShards();
        health.run(() -> {
            List<List<String>> pages = new ArrayList<>();
            for (int n = 0; n < layout.count(); n++) {
                pages.add(new ArrayList<>());
            }
            for (String name : entryNames()) {
                int shard = layout.shardOfEntry(name);
                if (shard >= 0) {
                    List<String> page = pages.get(shard);
                    page.add(name);
                    if (page.size() == DELETE_PAGE) {
                        client.getKeys().delete(page.toArray(String[]::new));
                        page.clear();
                    }
                }
            }
            for (List<String> page : pages) {
                if (!page.isEmpty()) {
                    client.getKeys().delete(page.toArray(String[]::new));
                }
            }
            for (int shard = 0; shard < layout.count(); shard++) {
                String prefix = layout.prefix(shard);
                client.getScript(ByteArrayCodec.INSTANCE)
                        .eval(
                                prefix + "seq",
                                RScript.Mode.READ_WRITE,
                                CLEAR_SCRIPT,
                                RScript.ReturnType.LONG,
                                List.of(prefix + "seq", prefix + "log", prefix + "epoch"),
                                originBytes,
                                ascii(Integer.toString(logLength)),
                                newEpochBytes(),
                                ascii(layout.channel()),
                                Announcement.clearHead(origin, shard),
                                new byte[0]);
            }
        });
    }

    /** Records in Redis what this process's listeners want (see {@link ListenerInterest}); never fails. */
    @Override
    public void listeners(boolean values, boolean oldValues) {
        if (!closed) {
            interest.want(values, oldValues);
        }
    }

    @Override
    public void close() {
        closed = true;
        locks.close();
        interest.withdraw();
        if (upkeep != null) {
            upkeep.cancel(false);
            CoherenceLog closing = log;
            await(coherence.submit(() -> {
                applyArrived();
                if (!health.isDown()) {
                    try {
                        // Applies what is still on its way, so the saved position is as recent as it can be.
                        health.run(closing::catchUp);
                    } catch (RuntimeException e) {
                        // The position saved is older; the next start replays a little more.
                    }
                }
                closing.savePosition();
                return true;
            }));
        }
        if (messageListener >= 0 && !health.isDown()) {
            keyspace.stop();
            try {
                channel.removeListener(messageListener, statusListener);
            } catch (RuntimeException e) {
                // The connection goes with the manager anyway.
            }
        }
    }

    @Override
    public void destroy() {
        clear();
        close();
        health.run(() -> {
            for (int shard = 0; shard < layout.count(); shard++) {
                String prefix = layout.prefix(shard);
                client.getKeys().delete(prefix + "seq", prefix + "log", prefix + "epoch");
            }
            client.getKeys().delete(layout.shardsName());
        });
    }

    private RBucket<byte[]> bucket(byte[] keyBytes) {
        return client.getBucket(layout.entryName(keyBytes), ByteArrayCodec.INSTANCE);
    }

    TierEntry decode(byte[] stored) {
        long expiresAt = ByteBuffer.wrap(stored).getLong(8);
        return new TierEntry(codec.decodeValue(stored, HEADER, stored.length - HEADER), expiresAt);
    }

    private Object decodeValue(byte[] payload) {
        return payload == null ? null : codec.decodeValue(payload, 0, payload.length);
    }

    /** A new epoch's name: 16 hex digits of a random number, its top bit set so that none is shorter. */
    static String newEpoch() {
        return new String(newEpochBytes(), StandardCharsets.US_ASCII);
    }

    private static long nonZeroRandom() {
        long version;
        do {
            version = ThreadLocalRandom.current().nextLong();
        } while (version == 0);
        return version;
    }

    /** Puts {@link #newEpochBytes}'s name at {@code buffer}'s position, without an array of its own. */
    private static void putNewEpoch(ByteBuffer buffer) {
        long epoch = ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE;
        for (int shift = 4 * (Announcement.EPOCH_LENGTH - 1); shift >= 0; shift -= 4) {
            buffer.put(HEX_DIGITS[(int) ((epoch >>> shift) & 0xf)]);
        }
    }

    /** {@link #newEpoch}'s name as the scripts take it, made without a string. */
    static byte[] newEpochBytes() {
        long epoch = ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE;
        byte[] hex = new byte[Announcement.EPOCH_LENGTH];
        for (int i = hex.length - 1; i >= 0; i--) {
            hex[i] = HEX_DIGITS[(int) (epoch & 0xf)];
            epoch >>>= 4;
        }
        return hex;
    }

    /** A reclaim instant as the write script takes it: decimal, {@code 0} (never) without building a string. */
    private static byte[] reclaimBytes(long reclaimAt) {
        return reclaimAt == 0 ? ZERO : ascii(Long.toString(reclaimAt));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static String script(String resource) {
        try (InputStream in = RedisTier.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing Lua script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
