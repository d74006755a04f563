package dev.terrace.jcache.fault.store;

import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import java.util.function.UnaryOperator;

/**
 * An authority that becomes unreachable in the middle of a write: it reads the entry and runs the remapping,
 * then fails before it stores the result, as Redis does when it goes away between the read and the write
 * script. With {@code defers} it accepts to note the key for later, as Redis with a near disk tier does.
 */
final class FailingAfterRemapTier<K> extends ForwardingTier<K> {

    static final String WHERE = "test-authority:1";

    private final boolean defers;
    private volatile boolean failing;

    FailingAfterRemapTier(Tier<K> delegate, boolean defers) {
        super(delegate);
        this.defers = defers;
    }

    /** From now on each change fails after its remapping ran. */
    void failWrites() {
        failing = true;
    }

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        if (!failing) {
            return delegate.compute(key, remapping);
        }
        remapping.apply(delegate.get(key));
        throw new TierUnavailableException(WHERE + " is unreachable", null);
    }

    @Override
    public boolean deferChange(K key) {
        return defers;
    }
}
