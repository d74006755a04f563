package dev.terrace.jcache.internal.tier;

import java.util.function.UnaryOperator;

/**
 * A remapping that remembers how its last run ended, so that the {@link TieredStore} can tell a failure of the
 * authority after the remapping ran (its user code ran, its events are queued: it must not run again) from one
 * before it, and both from what the remapping threw itself. Used by one thread at a time, the caller's.
 *
 * <p>A caller that hands the store a subclass saves the store from wrapping it: one object then carries a
 * write from the JCache layer down to the tier, which matters on the hot path of every put.
 */
public abstract class Remapping implements UnaryOperator<TierEntry> {

    private boolean decided;
    private TierEntry result;
    private Throwable thrown;

    /** A remapping that runs {@code remapping}. */
    static Remapping of(UnaryOperator<TierEntry> remapping) {
        return new Remapping() {
            @Override
            protected TierEntry remap(TierEntry current) {
                return remapping.apply(current);
            }
        };
    }

    /**
     * The entry to leave in place of {@code current} ({@code null}: none). May run more than once where the
     * caller asked the store for a retrying compute.
     */
    protected abstract TierEntry remap(TierEntry current);

    @Override
    public final TierEntry apply(TierEntry current) {
        decided = false;
        thrown = null;
        try {
            result = remap(current);
        } catch (RuntimeException | Error e) {
            thrown = e;
            throw e;
        }
        decided = true;
        return result;
    }

    /** Whether the last run returned {@link #result()}: any user code in it ran to its end. */
    final boolean decided() {
        return decided;
    }

    /** What the last run returned, when {@link #decided()}. */
    final TierEntry result() {
        return result;
    }

    /** What the last run threw, or {@code null}. */
    final Throwable thrown() {
        return thrown;
    }
}
