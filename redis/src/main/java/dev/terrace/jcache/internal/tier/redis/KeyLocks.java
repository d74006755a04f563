package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.Redisson;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locks of a cache's keys, taken by a script that also reads the entry ({@code redis-lock.lua}) and released by
 * the script that writes it ({@code redis-write.lua}), so that a locked change costs two calls to Redis instead of
 * four (lock, read, write, unlock).
 *
 * <p>A lock has the layout of a Redisson lock ({@code RLock}): a hash whose one field, {@code <client id>:<thread
 * id>}, counts its holder's holds, and whose release publishes Redisson's release message on {@code
 * redisson_lock__channel:<lock>}. So a locked change that finds the lock held elsewhere waits for it with {@code
 * RLock.tryLock} (Redisson's waiting, woken by that message, and its watchdog), and Redisson's waiters, in this
 * process and others, wake when a lock taken here is released. A lock taken here is renewed as Redisson's watchdog
 * renews one: every third of its lease, while its change runs ({@link #renew}), so that a loader, entry processor or
 * writer that runs longer than the lease keeps its lock; the write script's version fence stays the guard for a
 * lock lost anyway (Redis restarted without it, deleted by hand).
 */
final class KeyLocks {

    private static final Logger LOG = LoggerFactory.getLogger(KeyLocks.class);
    private static final String LOCK_SCRIPT = RedisTier.script("redis-lock.lua");
    private static final String UNLOCK_SCRIPT = RedisTier.script("redis-unlock.lua");
    private static final String RENEW_SCRIPT = RedisTier.script("redis-renew.lua");
    /** Redisson's prefix of the channel a lock's release is announced on ({@code RedissonLock.getChannelName}). */
    private static final String CHANNEL_PREFIX = "redisson_lock__channel:";

    private final RedissonClient client;
    private final ScheduledExecutorService scheduler;
    private final LockReleases releases;
    private final String cacheName;
    private final String clientId;
    /** The locks taken here whose change still runs, with how often each is held: renewed until released. */
    private final Map<Hold, Integer> held = new ConcurrentHashMap<>();

    private volatile long leaseMillis;
    private ScheduledFuture<?> renewal;

    /** One holder's hold of one lock. */
    record Hold(String lockName, String field) {}

    /** What {@link #take} found: the holds now held (0: the lock is another holder's), and the entry read. */
    record Taken(Hold hold, long holds, byte[] stored) {}

    KeyLocks(RedissonClient client, ScheduledExecutorService scheduler, LockReleases releases, String cacheName) {
        this.client = client;
        this.scheduler = scheduler;
        this.releases = releases;
        this.cacheName = cacheName;
        this.clientId = client.getId();
        this.leaseMillis = client.getConfig().getLockWatchdogTimeout();
        scheduleRenewal();
    }

    /** Sets the lease of locks taken from now on (Redisson's {@code lockWatchdogTimeout} by default). */
    void lease(Duration lease) {
        this.leaseMillis = lease.toMillis();
        scheduleRenewal();
    }

    private synchronized void scheduleRenewal() {
        if (renewal != null) {
            renewal.cancel(false);
        }
        long period = Math.max(1, leaseMillis / 3);
        renewal = scheduler.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /** The lock of the entry {@code entryName}, named {@code lockName}, as held by the calling thread. */
    Hold holdOf(String lockName) {
        return new Hold(lockName, clientId + ":" + Thread.currentThread().getId());
    }

    /**
     * Takes the lock of {@code entryName} when it is free or already the caller's, and reads the entry, in one call;
     * a lock taken is renewed until {@link #forget}.
     */
    Taken take(String entryName, Hold hold) {
        List<Object> reply = client.getScript(ByteArrayCodec.INSTANCE)
                .eval(
                        entryName,
                        RScript.Mode.READ_WRITE,
                        LOCK_SCRIPT,
                        RScript.ReturnType.LIST,
                        List.of(entryName, hold.lockName()),
                        ascii(Long.toString(leaseMillis)),
                        ascii(hold.field()));
        long holds = ((Number) reply.get(0)).longValue();
        if (holds < 0) {
            return new Taken(hold, 0, null);
        }
        held.merge(hold, 1, Integer::sum);
        return new Taken(hold, holds, reply.size() > 1 ? (byte[]) reply.get(1) : null);
    }

    /** Stops renewing one hold of {@code hold}: its change is over, and its release made or under way. */
    void forget(Hold hold) {
        held.computeIfPresent(hold, (key, count) -> count > 1 ? count - 1 : null);
    }

    /**
     * Releases one hold of {@code hold} alone ({@code redis-unlock.lua}), when its change wrote nothing or its write
     * failed; a release Redis refuses now is tried again until it takes it ({@link LockReleases}).
     */
    void release(Hold hold, String entryName) {
        try {
            unlock(hold);
        } catch (RuntimeException e) {
            LOG.debug(
                    "Cache {}: cannot release the lock of {} now ({}); trying again until Redis takes it",
                    cacheName,
                    entryName,
                    RedisFailure.describe(e));
            releases.later(() -> unlockAsync(hold), entryName);
        }
    }

    private void unlock(Hold hold) {
        client.getScript(StringCodec.INSTANCE)
                .eval(
                        hold.lockName(),
                        RScript.Mode.READ_WRITE,
                        UNLOCK_SCRIPT,
                        RScript.ReturnType.LONG,
                        List.of(hold.lockName(), channel(hold.lockName())),
                        hold.field(),
                        Long.toString(leaseMillis),
                        publishCommand());
    }

    private CompletionStage<Object> unlockAsync(Hold hold) {
        return client.getScript(StringCodec.INSTANCE)
                .evalAsync(
                        hold.lockName(),
                        RScript.Mode.READ_WRITE,
                        UNLOCK_SCRIPT,
                        RScript.ReturnType.LONG,
                        List.of(hold.lockName(), channel(hold.lockName())),
                        hold.field(),
                        Long.toString(leaseMillis),
                        publishCommand());
    }

    /** The write script's arguments past its eleventh that release {@code hold} (its mode 'u'). */
    byte[][] releaseArguments(Hold hold) {
        return new byte[][] {ascii(hold.field()), ascii(Long.toString(leaseMillis)), ascii(publishCommand())};
    }

    /** The channel a release of lock {@code lockName} is announced on, where Redisson's waiters listen. */
    static String channel(String lockName) {
        // Redisson's prefixName: the lock's name holds the shard's hash tag, so the channel is in the lock's slot.
        return CHANNEL_PREFIX + lockName;
    }

    /**
     * {@code publish}, or {@code spublish} where Redisson's waiters subscribe to shard channels (a Cluster whose
     * servers have them): what Redisson's own unlock publishes with.
     */
    private String publishCommand() {
        if (client instanceof Redisson redisson) {
            return redisson.getCommandExecutor()
                    .getConnectionManager()
                    .getSubscribeService()
                    .getPublishCommand();
        }
        return "publish";
    }

    /** Renews the lease of every lock whose change still runs here. */
    private void renew() {
        for (Hold hold : held.keySet()) {
            try {
                client.getScript(StringCodec.INSTANCE)
                        .evalAsync(
                                hold.lockName(),
                                RScript.Mode.READ_WRITE,
                                RENEW_SCRIPT,
                                RScript.ReturnType.LONG,
                                List.of(hold.lockName()),
                                Long.toString(leaseMillis),
                                hold.field())
                        .whenComplete((renewed, failure) -> {
                            if (failure == null && ((Long) renewed) == 0) {
                                LOG.debug(
                                        "Cache {}: the lock {} was gone when renewed (Redis lost it); the write's"
                                                + " version check fences its change",
                                        cacheName,
                                        hold.lockName());
                            }
                        });
            } catch (RuntimeException e) {
                // Redis cannot be reached: the next round tries again, the version check fences a lock lost.
            }
        }
    }

    /** Stops renewing (the cache is closed). */
    synchronized void close() {
        if (renewal != null) {
            renewal.cancel(false);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
