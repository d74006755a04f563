package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisException;
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
import java.util.regex.Pattern;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows whether Redis answers. Once a call fails for want of Redis, later calls fail at once, without a
 * connection timeout each, while a probe asks Redis every {@code probeInterval} whether it is back; when it
 * is, the tiers are told, so that they drop what they could have missed, and calls go through again.
 */
public final class RedisHealth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisHealth.class);
    private static final Pattern ERROR_REPLY =
            Pattern.compile("(ERR|WRONGTYPE|NOSCRIPT|BUSY|NOPERM|OOM|READONLY|MOVED|ASK|CROSSSLOT)\\b");

    private final RedissonClient client;
    private final String description;
    private final Duration probeInterval;
    private final List<Runnable> recoveryActions = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService prober;
    private volatile boolean down;
    private ScheduledFuture<?> probe;

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

    /** Whether Redis is known to be unreachable now. */
    public boolean isDown() {
        return down;
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
     */
    public <T> T call(Supplier<T> call) {
        if (down) {
            throw unavailable(null);
        }
        try {
            return call.get();
        } catch (RedisException e) {
            if (isErrorReply(e)) {
                // Redis answered, with an error: it is up, and the error is the caller's to see.
                throw new CacheException("Redis at " + description + " answered with an error: " + e.getMessage(), e);
            }
            markDown(e);
            throw unavailable(e);
        }
    }

    /** Runs {@code call} against Redis; see {@link #call(Supplier)}. */
    public void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** Marks Redis down after {@code cause} and starts probing for its return. */
    synchronized void markDown(Throwable cause) {
        if (down) {
            return;
        }
        down = true;
        LOG.warn(
                "Redis at {} is unreachable ({}): reads are served from the near tiers; changes are taken by near"
                        + " disk tiers and undone everywhere on recovery, or refused where there is none",
                description,
                cause == null ? "no answer" : cause.toString());
        probe = prober.scheduleWithFixedDelay(
                this::probe, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        try {
            client.getBucket("terrace:probe", StringCodec.INSTANCE).isExists();
        } catch (RuntimeException e) {
            return;
        }
        synchronized (this) {
            if (!down) {
                return;
            }
            probe.cancel(false);
            down = false;
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

    /** Whether {@code e} carries an error reply from Redis ({@code ERR ...}, {@code WRONGTYPE ...}). */
    private static boolean isErrorReply(RedisException e) {
        String message = e.getMessage();
        return message != null && ERROR_REPLY.matcher(message).lookingAt();
    }

    private TierUnavailableException unavailable(Throwable cause) {
        return new TierUnavailableException("Redis at " + description + " is unreachable", cause);
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
