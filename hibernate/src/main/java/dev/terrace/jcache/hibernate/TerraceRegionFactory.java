package dev.terrace.jcache.hibernate;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.internal.copy.SerialFilter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.jcache.ConfigSettings;
import org.hibernate.cache.jcache.internal.JCacheAccessImpl;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.metamodel.model.domain.NavigableRole;

/**
 * Hibernate's second-level cache in Terrace ({@code hibernate.cache.region.factory_class=terrace}):
 * hibernate-jcache's regions, with three differences.
 *
 * <ul>
 *   <li>{@code READ_WRITE} soft locks are taken and released atomically across processes: each lock, unlock,
 *       after-insert and after-update is one entry processor, which the Redis tier runs once, under the key's
 *       lock, for every process; a put from a load checks and writes in one processor too, so it never
 *       overwrites a lock another process took meanwhile. hibernate-jcache does each as a get and then a put,
 *       guarded only inside one JVM, and two processes updating the same entities lose each other's locks
 *       ({@code HHH90001005}, and entries left locked until Hibernate's lock timeout).
 *   <li>Hibernate's cache entry types (its entries, keys, soft locks and query results), and the packages (with
 *       their subpackages) of the entity classes whose state a region caches, are allowed in values read back
 *       from disk or Redis without {@code serialization.allow}: an entity's cached state holds its enums,
 *       embeddable ids and other attribute values, whose classes usually live beside the entity.
 *   <li>Terrace is the provider unless {@code hibernate.javax.cache.provider} names another, and the {@code
 *       terrace.*} settings among Hibernate's properties are handed to the cache manager.
 * </ul>
 */
public class TerraceRegionFactory extends JCacheRegionFactory {

    /** The short name of {@code hibernate.cache.region.factory_class}. */
    public static final String NAME = "terrace";

    /** Hibernate's classes that its second-level cache stores. */
    static final List<String> HIBERNATE_TYPES = List.of(
            "org.hibernate.cache.spi.entry.*",
            "org.hibernate.cache.spi.support.AbstractReadWriteAccess$*",
            "org.hibernate.cache.internal.*",
            "org.hibernate.cache.spi.*",
            "org.hibernate.engine.spi.*",
            "org.hibernate.type.*",
            "org.hibernate.query.sqm.tree.expression.*");

    @Override
    protected CachingProvider getCachingProvider(Map<String, Object> properties) {
        Object provider = properties.get(ConfigSettings.PROVIDER);
        if (provider == null || provider.toString().isBlank()) {
            return Caching.getCachingProvider(TerraceCachingProvider.class.getName());
        }
        return super.getCachingProvider(properties);
    }

    @Override
    protected CacheManager resolveCacheManager(SessionFactoryOptions options, Map<String, Object> properties) {
        if (properties.get(ConfigSettings.CACHE_MANAGER) != null) {
            return super.resolveCacheManager(options, properties);
        }
        CachingProvider provider = getCachingProvider(properties);
        Properties terrace = new Properties();
        properties.forEach((name, value) -> {
            if (name.startsWith("terrace.") && value != null) {
                terrace.setProperty(name, value.toString());
            }
        });
        Object given = terrace.get(SerialFilter.APPLICATION);
        terrace.setProperty(
                SerialFilter.APPLICATION, (given == null ? "" : given + ";") + String.join(";", HIBERNATE_TYPES));
        java.net.URI uri = properties.get(ConfigSettings.CONFIG_URI) == null
                ? provider.getDefaultURI()
                : getUri(options, properties);
        return provider.getCacheManager(uri, getClassLoader(provider), terrace);
    }

    @Override
    public DomainDataRegion buildDomainDataRegion(
            DomainDataRegionConfig regionConfig, DomainDataRegionBuildingContext buildingContext) {
        verifyStarted();
        if (getCacheManager() instanceof TerraceCacheManager terrace) {
            List<String> packages = entityPackages(regionConfig);
            if (!packages.isEmpty()) {
                terrace.allowClasses(packages);
            }
        }
        return new TerraceDomainDataRegion(
                regionConfig,
                this,
                createDomainDataStorageAccess(regionConfig, buildingContext),
                getImplicitCacheKeysFactory(),
                buildingContext);
    }

    /**
     * The packages, each with its subpackages, of the entities whose state, natural ids or collections {@code
     * regionConfig} caches. An entity's name is its class's unless the mapping is dynamic (no package: skipped).
     */
    static List<String> entityPackages(DomainDataRegionConfig regionConfig) {
        Set<String> entities = new TreeSet<>();
        for (EntityDataCachingConfig entity : regionConfig.getEntityCaching()) {
            entities.add(entity.getNavigableRole().getFullPath());
            entity.getCachedTypes().forEach(role -> entities.add(role.getFullPath()));
        }
        regionConfig
                .getNaturalIdCaching()
                .forEach(naturalId -> entities.add(naturalId.getNavigableRole().getFullPath()));
        for (CollectionDataCachingConfig collection : regionConfig.getCollectionCaching()) {
            NavigableRole owner = collection.getNavigableRole().getParent();
            if (owner != null) {
                entities.add(owner.getFullPath());
            }
        }
        Set<String> packages = new LinkedHashSet<>();
        for (String entity : entities) {
            int dot = entity.lastIndexOf('.');
            if (dot > 0) {
                packages.add(entity.substring(0, dot) + ".**");
            }
        }
        return List.copyOf(packages);
    }

    @Override
    protected AtomicStorageAccess createDomainDataStorageAccess(
            DomainDataRegionConfig regionConfig, DomainDataRegionBuildingContext buildingContext) {
        JCacheAccessImpl plain = (JCacheAccessImpl) super.createDomainDataStorageAccess(regionConfig, buildingContext);
        return new AtomicStorageAccess(plain.getUnderlyingCache());
    }
}
