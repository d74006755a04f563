package dev.terrace.jcache.hibernate;

import static org.hibernate.cache.spi.SecondLevelCacheLogger.L2CACHE_LOGGER;

import dev.terrace.jcache.hibernate.SoftLocks.Outcome;
import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.cfg.spi.NaturalIdDataCachingConfig;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.cache.spi.support.CollectionReadWriteAccess;
import org.hibernate.cache.spi.support.EntityReadWriteAccess;
import org.hibernate.cache.spi.support.NaturalIdReadWriteAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * Hibernate's {@code READ_WRITE} access for entities, natural ids and collections, whose lock, unlock,
 * after-insert and after-update are each one entry processor (see {@link SoftLocks}) instead of a get and a put
 * guarded inside one JVM. Reads and puts from loads stay Hibernate's.
 */
final class AtomicReadWriteAccess {

    private AtomicReadWriteAccess() {}

    private static SoftLock lock(
            DomainDataRegion region,
            AtomicStorageAccess storage,
            Object key,
            Object version,
            java.util.UUID source,
            long lockId) {
        RegionFactory factory = region.getRegionFactory();
        long timeout = factory.nextTimestamp() + factory.getTimeout();
        return storage.invoke(key, new SoftLocks.Lock(timeout, source, lockId, version));
    }

    private static void unlock(
            DomainDataRegion region,
            AtomicStorageAccess storage,
            Object key,
            SoftLock lock,
            java.util.UUID source,
            long expiredLockId) {
        RegionFactory factory = region.getRegionFactory();
        long now = factory.nextTimestamp();
        Outcome outcome =
                storage.invoke(key, new SoftLocks.Unlock(lock, now, now + factory.getTimeout(), source, expiredLockId));
        if (outcome == Outcome.EXPIRED) {
            L2CACHE_LOGGER.softLockedCacheExpired(region.getName(), key);
        }
    }

    private static boolean afterUpdate(
            DomainDataRegion region,
            AtomicStorageAccess storage,
            Object key,
            Object value,
            Object version,
            SoftLock lock,
            java.util.UUID source,
            long expiredLockId) {
        RegionFactory factory = region.getRegionFactory();
        long now = factory.nextTimestamp();
        Outcome outcome = storage.invoke(
                key,
                new SoftLocks.AfterUpdate(
                        lock,
                        SoftLocks.newItem(value, version, now),
                        now,
                        now + factory.getTimeout(),
                        source,
                        expiredLockId));
        if (outcome == Outcome.EXPIRED) {
            L2CACHE_LOGGER.softLockedCacheExpired(region.getName(), key);
        }
        return outcome == Outcome.DONE;
    }

    private static boolean afterInsert(
            DomainDataRegion region, AtomicStorageAccess storage, Object key, Object value, Object version) {
        long now = region.getRegionFactory().nextTimestamp();
        return storage.invoke(key, new SoftLocks.AfterInsert(SoftLocks.newItem(value, version, now)));
    }

    /** Entities. */
    static final class Entities extends EntityReadWriteAccess {
        private final AtomicStorageAccess storage;

        Entities(
                DomainDataRegion region,
                CacheKeysFactory keys,
                AtomicStorageAccess storage,
                EntityDataCachingConfig config) {
            super(region, keys, storage, config);
            this.storage = storage;
        }

        @Override
        public SoftLock lockItem(SharedSessionContractImplementor session, Object key, Object version) {
            return lock(getRegion(), storage, key, version, uuid(), nextLockId());
        }

        @Override
        public void unlockItem(SharedSessionContractImplementor session, Object key, SoftLock lock) {
            unlock(getRegion(), storage, key, lock, uuid(), nextLockId());
        }

        @Override
        public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value, Object version) {
            return AtomicReadWriteAccess.afterInsert(getRegion(), storage, key, value, version);
        }

        @Override
        public boolean afterUpdate(
                SharedSessionContractImplementor session,
                Object key,
                Object value,
                Object currentVersion,
                Object previousVersion,
                SoftLock lock) {
            return AtomicReadWriteAccess.afterUpdate(
                    getRegion(), storage, key, value, currentVersion, lock, uuid(), nextLockId());
        }
    }

    /** Natural ids. */
    static final class NaturalIds extends NaturalIdReadWriteAccess {
        private final AtomicStorageAccess storage;

        NaturalIds(
                DomainDataRegion region,
                CacheKeysFactory keys,
                AtomicStorageAccess storage,
                NaturalIdDataCachingConfig config) {
            super(region, keys, storage, config);
            this.storage = storage;
        }

        @Override
        public SoftLock lockItem(SharedSessionContractImplementor session, Object key, Object version) {
            return lock(getRegion(), storage, key, version, uuid(), nextLockId());
        }

        @Override
        public void unlockItem(SharedSessionContractImplementor session, Object key, SoftLock lock) {
            unlock(getRegion(), storage, key, lock, uuid(), nextLockId());
        }

        @Override
        public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value) {
            return AtomicReadWriteAccess.afterInsert(getRegion(), storage, key, value, null);
        }

        @Override
        public boolean afterUpdate(SharedSessionContractImplementor session, Object key, Object value, SoftLock lock) {
            return AtomicReadWriteAccess.afterUpdate(
                    getRegion(), storage, key, value, null, lock, uuid(), nextLockId());
        }
    }

    /** Collections. */
    static final class Collections extends CollectionReadWriteAccess {
        private final AtomicStorageAccess storage;

        Collections(
                DomainDataRegion region,
                CacheKeysFactory keys,
                AtomicStorageAccess storage,
                CollectionDataCachingConfig config) {
            super(region, keys, storage, config);
            this.storage = storage;
        }

        @Override
        public SoftLock lockItem(SharedSessionContractImplementor session, Object key, Object version) {
            return lock(getRegion(), storage, key, version, uuid(), nextLockId());
        }

        @Override
        public void unlockItem(SharedSessionContractImplementor session, Object key, SoftLock lock) {
            unlock(getRegion(), storage, key, lock, uuid(), nextLockId());
        }
    }
}
