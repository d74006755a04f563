package dev.terrace.jcache.fault.store;

import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.Iterator;
import java.util.function.UnaryOperator;

/**
 * A real tier behind a test-only front that subclasses bend at one point (pause a read, fail after a
 * remapping ran, ...): each new fault kind of the tiered store is one small subclass.
 */
abstract class ForwardingTier<K> implements Tier<K> {

    final Tier<K> delegate;

    ForwardingTier(Tier<K> delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public TierEntry get(K key) {
        return delegate.get(key);
    }

    @Override
    public void put(K key, TierEntry entry) {
        delegate.put(key, entry);
    }

    @Override
    public void remove(K key) {
        delegate.remove(key);
    }

    @Override
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        return delegate.compute(key, remapping);
    }

    @Override
    public Iterator<K> keys() {
        return delegate.keys();
    }

    @Override
    public long size() {
        return delegate.size();
    }

    @Override
    public void clear() {
        delegate.clear();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
