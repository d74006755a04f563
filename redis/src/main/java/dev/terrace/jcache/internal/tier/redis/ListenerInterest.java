package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.api.RBatch;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this process's listeners of one cache want of the changes other processes make, recorded in Redis so that
 * the write scripts leave out of each {@link Announcement} the values that no process wants: with no listener
 * anywhere an announcement carries the key alone, with listeners of which none wants old values the key and the
 * new value.
 *
 * <p>Each shard has its own interest set, {@code <shard prefix>interest} (in the shard's slot, so that the shard's
 * write scripts can read it on a Redis Cluster): a sorted set whose members are {@code <process>:v} (wants values)
 * and {@code <process>:o} (wants old values too), each scored with the instant, in Redis's own time, at which its
 * lease of {@link #LEASE} runs out. A process renews its member while it has listeners, removes it when its last
 * listener goes or the cache closes, and writes it again when Redis is back after an outage; the member of a
 * process that crashed lapses with its lease.
 *
 * <p>A listener hears other processes' changes from when its interest is recorded in Redis: a change sequenced
 * before that was announced without the values the listener needs, and is not delivered to it (its key is still
 * invalidated). The interest is recorded before the listener's registration returns; while Redis cannot be
 * reached the registration still succeeds, and the interest is recorded when Redis is back.
 *
 * <p>Thread-safe: registrations write from the caller's thread, renewals from the coherence thread.
 */
final class ListenerInterest {

    /** How long a recorded interest lasts unless renewed: how long a crashed process's listeners keep values. */
    static final Duration LEASE = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(ListenerInterest.class);
    private static final String SCRIPT = RedisTier.script("redis-interest.lua");
    /** Renewed three times per lease, so that two renewals can fail before the lease runs out. */
    private static final long RENEW_NANOS = LEASE.toNanos() / 3;

    /** What the listeners want, as the interest set's member suffix; {@code ""}: nothing (no listener). */
    private static final String NOTHING = "";

    private static final String VALUES = "v";
    private static final String OLD_VALUES = "o";

    private final RedissonClient client;
    private final RedisHealth health;
    private final ShardLayout layout;
    private final String process;
    private final String cacheName;

    private String wanted = NOTHING;
    /** Whether Redis may hold a member of this process (written, or not known to be withdrawn). */
    private boolean recorded;

    /** When the interest was last written or tried ({@link System#nanoTime}: the lease runs in real time). */
    private long renewedAt;

    private boolean refusalLogged;

    ListenerInterest(RedissonClient client, RedisHealth health, ShardLayout layout, UUID origin, String cacheName) {
        this.client = client;
        this.health = health;
        this.layout = layout;
        this.process = origin.toString().replace("-", "");
        this.cacheName = cacheName;
    }

    /** The interest set of the shard whose keys start with {@code prefix}. */
    static String name(String prefix) {
        return prefix + "interest";
    }

    /**
     * The shard's no-interest marker: a string that the write scripts ({@code redis-write.lua}, {@code
     * redis-put.lua}, {@code redis-write-batch.lua}) set when they read the interest set and found no live member,
     * so that the next writes need not read the set (nor Redis's clock), and that {@code redis-interest.lua}
     * deletes in the same step as it records a member. It never stands beside a live member;
     * when it is missing (evicted, deleted by hand) the scripts read the set, as before it existed.
     */
    static String markerName(String prefix) {
        return prefix + "nointerest";
    }

    /**
     * Records what the listeners now want: {@code values} when there is any, {@code oldValues} when one of them
     * requires old values. Writes to Redis at once when that changed; never fails (see the class comment).
     */
    synchronized void want(boolean values, boolean oldValues) {
        String now = !values ? NOTHING : oldValues ? OLD_VALUES : VALUES;
        if (now.equals(wanted)) {
            return;
        }
        wanted = now;
        write();
    }

    /** Renews the lease when a third of it has passed; called every second. */
    synchronized void renewIfDue() {
        if (!wanted.equals(NOTHING) && System.nanoTime() - renewedAt >= RENEW_NANOS) {
            write();
        }
    }

    /** Writes the interest again (after an outage: Redis may have lost it, or the lease ran out meanwhile). */
    synchronized void rewrite() {
        if (!wanted.equals(NOTHING) || recorded) {
            write();
        }
    }

    /** Removes this process's interest: the cache closes. */
    synchronized void withdraw() {
        wanted = NOTHING;
        if (recorded) {
            write();
        }
    }

    private void write() {
        // A refused write is tried again at the next renewal, not every second.
        renewedAt = System.nanoTime();
        try {
            health.run(this::writeEveryShard);
            recorded = !wanted.equals(NOTHING);
            refusalLogged = false;
        } catch (TierUnavailableException e) {
            recorded = true;
            if (!wanted.equals(NOTHING)) {
                LOG.info(
                        "Cache {}: Redis is unreachable; this process's listeners are registered here, and their"
                                + " interest is recorded in Redis when it is back. Until then other processes announce"
                                + " their changes without the values these listeners need, and they do not hear them",
                        cacheName);
            }
        } catch (RuntimeException e) {
            recorded = true;
            if (!refusalLogged) {
                refusalLogged = true;
                LOG.warn(
                        "Cache {}: cannot record this process's listener interest in Redis ({}): until it can, other"
                                + " processes announce changes without the values these listeners need",
                        cacheName,
                        RedisFailure.describe(e));
            }
        }
    }

    private void writeEveryShard() {
        String lease = Long.toString(LEASE.toMillis());
        if (layout.count() == 1) {
            String name = name(layout.prefix(0));
            String marker = markerName(layout.prefix(0));
            client.getScript(StringCodec.INSTANCE)
                    .eval(
                            name,
                            RScript.Mode.READ_WRITE,
                            SCRIPT,
                            RScript.ReturnType.LONG,
                            List.of(name, marker),
                            process,
                            wanted,
                            lease);
            return;
        }
        RBatch batch = client.createBatch();
        for (int shard = 0; shard < layout.count(); shard++) {
            String name = name(layout.prefix(shard));
            String marker = markerName(layout.prefix(shard));
            batch.getScript(StringCodec.INSTANCE)
                    .evalAsync(
                            name,
                            RScript.Mode.READ_WRITE,
                            SCRIPT,
                            RScript.ReturnType.LONG,
                            List.of(name, marker),
                            process,
                            wanted,
                            lease);
        }
        batch.execute();
    }
}
