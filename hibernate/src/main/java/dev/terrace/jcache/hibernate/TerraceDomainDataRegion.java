package dev.terrace.jcache.hibernate;

import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.cfg.spi.NaturalIdDataCachingConfig;
import org.hibernate.cache.jcache.internal.JCacheDomainDataRegionImpl;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.support.RegionFactoryTemplate;

/** hibernate-jcache's region, with {@code READ_WRITE} access whose lock steps are atomic across processes. */
final class TerraceDomainDataRegion extends JCacheDomainDataRegionImpl {

    TerraceDomainDataRegion(
            DomainDataRegionConfig regionConfig,
            RegionFactoryTemplate regionFactory,
            AtomicStorageAccess storage,
            CacheKeysFactory keysFactory,
            DomainDataRegionBuildingContext buildingContext) {
        super(regionConfig, regionFactory, storage, keysFactory, buildingContext);
    }

    private AtomicStorageAccess storage() {
        return (AtomicStorageAccess) getCacheStorageAccess();
    }

    @Override
    protected EntityDataAccess generateReadWriteEntityAccess(EntityDataCachingConfig config) {
        return new AtomicReadWriteAccess.Entities(this, getEffectiveKeysFactory(), storage(), config);
    }

    @Override
    protected NaturalIdDataAccess generateReadWriteNaturalIdAccess(NaturalIdDataCachingConfig config) {
        return new AtomicReadWriteAccess.NaturalIds(this, getEffectiveKeysFactory(), storage(), config);
    }

    @Override
    public CollectionDataAccess generateCollectionAccess(CollectionDataCachingConfig config) {
        if (config.getAccessType() == AccessType.READ_WRITE) {
            return new AtomicReadWriteAccess.Collections(this, getEffectiveKeysFactory(), storage(), config);
        }
        return super.generateCollectionAccess(config);
    }
}
