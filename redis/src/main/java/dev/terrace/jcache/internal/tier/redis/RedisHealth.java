package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisTryAgainException;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows whether Redis answers, and if not, why. Once a call fails for want of Redis (no answer, or refused
 * credentials), later calls fail at once, without a connection timeout each, while a probe asks Redis every
 * {@code probeInterval} whether it is back; when it is, the tiers are told, so that they drop what they could
 * have missed, and calls go through again.
 *
 * <p>An error reply is no outage: Redis answered. Out of memory ({@code OOM}), a refused command ({@code
 * NOPERM}), a read-only replica ({@code READONLY}), a Cluster slot in migration ({@code TRYAGAIN}) and other
 * errors fail the call with a {@link CacheException} that names the server and the kind, and nothing is marked
 * down, so changes are never taken by the near tiers because of them. {@link #problem()} tells the kind last seen.
 */
public final class RedisHealth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisHealth.class);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RedissonClient client;
    private final String description;
    private final Duration probeInterval;
    private final List<Runnable> recoveryActions = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService prober;
    private volatile boolean down;
    private volatile RedisFailure problem;
    private volatile String probeKey = "terrace:probe";
    private ScheduledFuture<?> probe;
    private volatile RedisFailure lastWarned;
    private volatile long lastWarnedAt;

    RedisHealth(RedissonClient client, String description, Duration probeInterval) {
        this.client = client;
        this.description = description;
        this.probeInterval = probeInterval;
        this.prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "terrace-redis-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Whether Redis is known to be unusable now (unreachable, or refusing this process's credentials). */
    public boolean isDown() {
        return down;
    }

    /**
     * The kind of the last failure of a call to Redis, by name ({@code UNREACHABLE}, {@code AUTHENTICATION},
     * {@code PERMISSION}, {@code OUT_OF_MEMORY}, {@code READ_ONLY}, {@code ERROR_REPLY}), or {@code NONE} when
     * Redis answered the last call or probe.
     */
    public String problem() {
        RedisFailure seen = problem;
        return seen == null ? "NONE" : seen.name();
    }

    /** The server(s) this connection talks to, for messages. */
    String description() {
        return description;
    }

    /**
     * Probes {@code <namespace>:probe}, inside the key space Terrace is given, so that an ACL scoped to the
     * namespace allows the probe.
     */
    void probeWithin(String namespace) {
        this.probeKey = namespace + ":probe";
    }

    /** Runs {@code action} after each recovery from an outage. */
    public void onRecovery(Runnable action) {
        recoveryActions.add(action);
    }

    /**
     * Runs {@code call} against Redis.
     *
     * @throws TierUnavailableException at once while Redis is known down, or when the call fails for want of
     *     Redis (which marks it down)
     * @throws CacheException when Redis answered with an error (out of memory, NOPERM, READONLY, …)
     */
    public <T> T call(Supplier<T> call) {
        if (down) {
            throw unavailable(null);
        }
        // A caller interrupted before the call (a container's timeout, an executor's cancel) still gets it made,
        // bounded by the timeouts as any call is: Redisson would give up waiting at once, after the command may
        // have been sent, leaving its outcome unknown (a key's lock taken, a clear applied in Redis but not near).
        // The status is set again afterwards, for the caller's next blocking step.
        boolean interrupted = Thread.interrupted();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        problem = null;
        return result;
    }

    /** Runs {@code call} against Redis; see {@link #call(Supplier)}. */
    public void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /**
     * What {@code e}, thrown by a call to Redis, means for the caller: itself when it is not Redis's (the
     * caller's own code threw it), else a {@code CacheException} naming the server and the kind; an outage
     * also marks Redis down.
     */
    RuntimeException failed(RuntimeException e) {
        RedisFailure kind = RedisFailure.of(e);
        if (kind == RedisFailure.UNREACHABLE && slotMoving(e)) {
            // TRYAGAIN: a Cluster slot is moving and the call's keys are split between two masters for now. Redis
            // answered and applied nothing; an outage would have the near tiers take changes, undone later.
            kind = RedisFailure.ERROR_REPLY;
        }
        if (kind == RedisFailure.NOT_REDIS) {
            return e;
        }
        if (kind == RedisFailure.INTERRUPTED) {
            return interrupted(e);
        }
        if (kind.marksDown()) {
            markDown(kind, e);
            return unavailable(e);
        }
        long now = System.nanoTime();
        if (kind != lastWarned || now - lastWarnedAt > WARN_INTERVAL_NANOS) {
            // Once per kind and interval: a full Redis refuses every change, and the log must stay readable.
            lastWarned = kind;
            lastWarnedAt = now;
            LOG.warn("Redis at {} {}: {}", description, kind.meaning(), RedisFailure.describe(e));
        }
        problem = kind;
        return new CacheException(
                "Redis at " + description + " " + kind.meaning() + ": " + RedisFailure.describe(e), e);
    }

    /**
     * The failure of a call whose thread was interrupted while it waited for the reply: no outage (Redis is fine,
     * this caller stopped waiting), so nothing is marked down and no other call is affected. The thread's interrupt
     * status is kept, as Redisson keeps it, so that the caller's container or executor still sees it.
     */
    private CacheException interrupted(RuntimeException e) {
        Thread.currentThread().interrupt();
        LOG.debug("A call to Redis at {} was interrupted: {}", description, RedisFailure.describe(e));
        return new CacheException(
                "The call to Redis at " + description + " was interrupted (the thread's interrupt"
                        + " status is kept): a change it carried may or may not be stored; Redis is not marked down",
                e);
    }

    /** Whether {@code e} is Redis's {@code TRYAGAIN} reply (Redisson counts it among its retryable failures). */
    private static boolean slotMoving(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof RedisTryAgainException) {
                return true;
            }
        }
        return false;
    }

    /** Marks Redis down after {@code cause} and starts probing for its return. */
    void markDown(Throwable cause) {
        markDown(cause == null ? RedisFailure.UNREACHABLE : RedisFailure.of(cause), cause);
    }

    synchronized void markDown(RedisFailure kind, Throwable cause) {
        if (!kind.marksDown()) {
            kind = RedisFailure.UNREACHABLE;
        }
        problem = kind;
        if (down) {
            return;
        }
        down = true;
        if (kind == RedisFailure.AUTHENTICATION) {
            LOG.error(
                    "Redis at {} {} ({}): reads are served from the near tiers, changes are refused or taken by"
                            + " near disk tiers, until the credentials are accepted",
                    description,
                    kind.meaning(),
                    RedisFailure.describe(cause));
        } else {
            LOG.warn(
                    "Redis at {} {} ({}): reads are served from the near tiers; changes are taken by near disk"
                            + " tiers and undone everywhere on recovery, or refused where there is none",
                    description,
                    kind.meaning(),
                    RedisFailure.describe(cause));
        }
        probe = prober.scheduleWithFixedDelay(
                this::probe, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        try {
            client.getBucket(probeKey, StringCodec.INSTANCE).isExists();
        } catch (RuntimeException e) {
            RedisFailure kind = RedisFailure.of(e);
            if (kind == RedisFailure.INTERRUPTED) {
                // The prober is being shut down: this probe learned nothing of Redis.
                return;
            }
            if (kind.marksDown()) {
                if (kind != problem) {
                    LOG.warn("Redis at {} still {} ({})", description, kind.meaning(), RedisFailure.describe(e));
                    problem = kind;
                }
                return;
            }
            // Redis answered, if with an error (an ACL that forbids even the probe): it is reachable.
            LOG.warn(
                    "Redis at {} answers the health probe of {} with an error ({}): treated as back",
                    description,
                    probeKey,
                    RedisFailure.describe(e));
        }
        synchronized (this) {
            if (!down) {
                return;
            }
            probe.cancel(false);
            down = false;
            problem = null;
        }
        LOG.info("Redis at {} answers again: catching up on changes made meanwhile", description);
        for (Runnable action : recoveryActions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("A recovery step failed", e);
            }
        }
    }

    private TierUnavailableException unavailable(Throwable cause) {
        RedisFailure kind = problem != null && problem.marksDown() ? problem : RedisFailure.UNREACHABLE;
        return new TierUnavailableException(
                "Redis at " + description + " " + kind.meaning()
                        + (cause == null ? "" : " (" + RedisFailure.describe(cause) + ")"),
                cause);
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
