package dev.terrace.jcache.internal.tier.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases the locks of keys that Redis refused to release when their change ended: an unlock is a script, which
 * Redis refuses while it is over {@code maxmemory} under {@code noeviction}, and a stalled server or a lost
 * connection loses it too. Such a lock would stay until its lease runs out (about 30 seconds), and every change of
 * its key, in every process, would wait for it and fail meanwhile. Instead the release is tried again every
 * {@value #RETRY_MILLIS} ms, in the name of the thread that held the lock, until Redis takes it, the lock is gone
 * (its lease ran out, Redis lost it), or the lease would have run out anyway. The release is either Redisson's
 * ({@code RLock.unlockAsync(threadId)}, for a lock taken with {@code RLock}) or {@code redis-unlock.lua} (for one
 * taken by {@link KeyLocks}): both release the same hold of the same lock.
 */
final class LockReleases {

    private static final Logger LOG = LoggerFactory.getLogger(LockReleases.class);
    static final long RETRY_MILLIS = 250;
    /** Past Redisson's lease of a lock whose holder stopped renewing it: nothing is left to release by then. */
    private static final Duration GIVE_UP = Duration.ofSeconds(35);

    private final ScheduledExecutorService scheduler;
    private final String cacheName;

    LockReleases(ScheduledExecutorService scheduler, String cacheName) {
        this.scheduler = scheduler;
        this.cacheName = cacheName;
    }

    /**
     * Makes {@code release} (an unlock in the name of the thread that held the lock) as soon as Redis takes it; a
     * release that fails with {@code IllegalMonitorStateException} found the lock gone.
     */
    void later(Supplier<? extends CompletionStage<?>> release, String name) {
        schedule(release, name, System.nanoTime() + GIVE_UP.toNanos());
    }

    private void schedule(Supplier<? extends CompletionStage<?>> release, String name, long deadline) {
        try {
            scheduler.schedule(() -> attempt(release, name, deadline), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Cache {}: closed; the lock of {} is left to its lease", cacheName, name);
        }
    }

    private void attempt(Supplier<? extends CompletionStage<?>> release, String name, long deadline) {
        CompletionStage<?> attempt;
        try {
            attempt = release.get();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((released, failure) -> {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause == null) {
                LOG.debug("Cache {}: released the lock of {} once Redis took the release", cacheName, name);
            } else if (cause instanceof IllegalMonitorStateException) {
                LOG.debug("Cache {}: the lock of {} was gone before it could be released", cacheName, name);
            } else if (System.nanoTime() - deadline > 0) {
                LOG.debug("Cache {}: gave up releasing the lock of {}; its lease has run out", cacheName, name);
            } else {
                schedule(release, name, deadline);
            }
        });
    }
}
