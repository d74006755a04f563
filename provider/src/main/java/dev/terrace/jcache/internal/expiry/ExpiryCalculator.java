package dev.terrace.jcache.internal.expiry;

import dev.terrace.jcache.internal.Closeables;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.io.Closeable;
import java.util.function.Supplier;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a cache's {@link ExpiryPolicy} answers into absolute expiry instants.
 *
 * <p>A policy that throws does not fail the cache operation: the spec leaves the duration to the
 * implementation. Terrace logs the failure and, for a new entry, does not cache it (an entry whose lifetime
 * is unknown could be served longer than intended), and for an update or an access keeps the entry's expiry
 * unchanged.
 */
public final class ExpiryCalculator {

    /** Returned by {@link #forUpdate} and {@link #forAccess} when the expiry instant does not change. */
    public static final long UNCHANGED = Long.MIN_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(ExpiryCalculator.class);

    private final ExpiryPolicy policy;
    private final String cacheName;
    /**
     * Whether the policy is exactly JCache's {@link EternalExpiryPolicy} (a subclass may answer otherwise), so
     * that its answers are known without asking: eternal on creation, unchanged on update and access.
     */
    private final boolean eternal;

    public ExpiryCalculator(ExpiryPolicy policy, String cacheName) {
        this.policy = policy;
        this.cacheName = cacheName;
        this.eternal = policy != null && policy.getClass() == EternalExpiryPolicy.class;
    }

    /** The policy itself. */
    public ExpiryPolicy policy() {
        return policy;
    }

    /**
     * Whether every entry lives until it is removed: the policy is the JCache {@link EternalExpiryPolicy}, which
     * never gives a duration.
     */
    public boolean isEternal() {
        return eternal;
    }

    /** The expiry instant of an entry created at {@code now}; at or before {@code now} means not stored. */
    public long forCreation(long now) {
        if (eternal) {
            return TierEntry.ETERNAL;
        }
        Duration duration = ask(policy::getExpiryForCreation, "creation");
        if (duration == null) {
            return now;
        }
        return instant(now, duration);
    }

    /** The expiry instant of an entry updated at {@code now}, or {@link #UNCHANGED}. */
    public long forUpdate(long now) {
        if (eternal) {
            return UNCHANGED;
        }
        Duration duration = ask(policy::getExpiryForUpdate, "update");
        return duration == null ? UNCHANGED : instant(now, duration);
    }

    /** The expiry instant of an entry read at {@code now}, or {@link #UNCHANGED}. */
    public long forAccess(long now) {
        if (eternal) {
            return UNCHANGED;
        }
        Duration duration = ask(policy::getExpiryForAccess, "access");
        return duration == null ? UNCHANGED : instant(now, duration);
    }

    /** Closes the policy if it is {@link Closeable}. */
    public void close() {
        Closeables.closeQuietly(policy, "the expiry policy of cache " + cacheName);
    }

    private Duration ask(Supplier<Duration> question, String what) {
        try {
            return question.get();
        } catch (RuntimeException e) {
            LOG.warn("The expiry policy of cache {} threw when asked for the {} duration", cacheName, what, e);
            return null;
        }
    }

    private static long instant(long now, Duration duration) {
        if (duration.isEternal()) {
            return TierEntry.ETERNAL;
        }
        if (duration.isZero()) {
            return now;
        }
        long millis = duration.getTimeUnit().toMillis(duration.getDurationAmount());
        long instant = now + millis;
        return instant < now ? TierEntry.ETERNAL - 1 : Math.min(instant, TierEntry.ETERNAL - 1);
    }
}
