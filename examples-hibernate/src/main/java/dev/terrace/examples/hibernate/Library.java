package dev.terrace.examples.hibernate;

import java.util.Map;
import javax.cache.CacheManager;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * Builds a Hibernate {@link SessionFactory} whose second-level cache is Terrace, through {@code
 * hibernate-jcache}. These are the settings an application needs; see docs/hibernate.md.
 */
public final class Library {

    /** Hibernate's name for the JCache region factory of {@code hibernate-jcache}. */
    public static final String REGION_FACTORY = "jcache";
    /** The JCache provider Hibernate asks for its cache manager. */
    public static final String PROVIDER = "dev.terrace.jcache.TerraceCachingProvider";

    /**
     * The setting Terrace's cache manager needs for Hibernate, {@code terrace.serialization.allow}, and its
     * value: Hibernate's cache entries, keys and locks are Hibernate classes, which Terrace refuses to
     * deserialize from disk or Redis unless they are allowed. Add the application's own classes that appear in
     * ids or natural ids (embeddables, for instance).
     */
    public static final String SERIALIZATION_ALLOW = "terrace.serialization.allow";

    /** Hibernate's classes, and {@code Serializable[]}, the array an entity's state is cached in. */
    public static final String HIBERNATE_CLASSES = "org.hibernate.**;java.io.Serializable";

    private Library() {}

    /**
     * A session factory on the database at {@code jdbcUrl}, its second-level cache in Terrace.
     *
     * @param cacheManager a Terrace cache manager to keep the regions in, built with the settings the
     *     application wants (tier stack, Redis address); {@code null} to let Hibernate ask the provider for the
     *     manager named by {@code hibernate.javax.cache.uri} in {@code extra}, which then takes its settings
     *     from system properties ({@code -Dterrace.stack=heap+disk+redis})
     * @param extra further Hibernate settings, such as {@code hibernate.hbm2ddl.auto}
     */
    public static SessionFactory sessionFactory(String jdbcUrl, CacheManager cacheManager, Map<String, ?> extra) {
        Configuration configuration = new Configuration()
                .addAnnotatedClass(Author.class)
                .addAnnotatedClass(Book.class)
                .setProperty(AvailableSettings.JAKARTA_JDBC_URL, jdbcUrl)
                .setProperty(AvailableSettings.JAKARTA_JDBC_USER, "sa")
                .setProperty(AvailableSettings.JAKARTA_JDBC_PASSWORD, "")
                // The second-level cache, query cache included, in JCache; JCache is Terrace.
                .setProperty(AvailableSettings.USE_SECOND_LEVEL_CACHE, "true")
                .setProperty(AvailableSettings.USE_QUERY_CACHE, "true")
                .setProperty(AvailableSettings.CACHE_REGION_FACTORY, REGION_FACTORY)
                .setProperty("hibernate.javax.cache.provider", PROVIDER)
                // Regions are created on demand with the manager's settings, rather than declared one by one.
                .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
                // Hit and miss counts per region, which the example prints and the tests assert.
                .setProperty(AvailableSettings.GENERATE_STATISTICS, "true");
        if (cacheManager != null) {
            configuration.getProperties().put("hibernate.javax.cache.cache_manager", cacheManager);
        }
        extra.forEach((name, value) -> configuration.getProperties().put(name, value));
        return configuration.buildSessionFactory();
    }
}
