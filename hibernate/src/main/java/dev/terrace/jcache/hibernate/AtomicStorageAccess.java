package dev.terrace.jcache.hibernate;

import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import org.hibernate.cache.jcache.internal.JCacheAccessImpl;
import org.hibernate.cache.spi.support.AbstractReadWriteAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * A region's storage whose puts from a load never replace what another process wrote meanwhile: Hibernate checks
 * that an entry is writable, then puts; between the two another process may have locked it. The put therefore
 * checks again, in the same entry processor that writes ({@link SoftLocks.PutFromLoad}).
 */
final class AtomicStorageAccess extends JCacheAccessImpl {

    AtomicStorageAccess(Cache<Object, Object> cache) {
        super(cache);
    }

    @Override
    public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
        if (value instanceof AbstractReadWriteAccess.Item item) {
            long txTimestamp = session == null
                    ? Long.MAX_VALUE
                    : session.getCacheTransactionSynchronization().getCachingTimestamp();
            getUnderlyingCache().invoke(key, new SoftLocks.PutFromLoad(item, txTimestamp));
        } else {
            super.putIntoCache(key, value, session);
        }
    }

    /** Runs {@code processor} on {@code key}'s entry, once, atomically for every process. */
    <T> T invoke(Object key, EntryProcessor<Object, Object, T> processor) {
        return getUnderlyingCache().invoke(key, processor);
    }
}
