package dev.terrace.jcache.internal.tier;

import java.util.function.UnaryOperator;

/**
 * A remapping that remembers how its last run ended, so that the {@link TieredStore} can tell a failure of the
 * authority after the remapping ran (its user code ran, its events are queued: it must not run again) from one
 * before it, and both from what the remapping threw itself. Used by one thread at a time, the caller's.
 */
final class Remapping implements UnaryOperator<TierEntry> {

    private final UnaryOperator<TierEntry> remapping;
    private boolean decided;
    private TierEntry result;
    private Throwable thrown;

    Remapping(UnaryOperator<TierEntry> remapping) {
        this.remapping = remapping;
    }

    @Override
    public TierEntry apply(TierEntry current) {
        decided = false;
        thrown = null;
        try {
            result = remapping.apply(current);
        } catch (RuntimeException | Error e) {
            thrown = e;
            throw e;
        }
        decided = true;
        return result;
    }

    /** Whether the last run returned {@link #result()}: any user code in it ran to its end. */
    boolean decided() {
        return decided;
    }

    /** What the last run returned, when {@link #decided()}. */
    TierEntry result() {
        return result;
    }

    /** What the last run threw, or {@code null}. */
    Throwable thrown() {
        return thrown;
    }
}
