package dev.terrace.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.config.TerraceConfiguration;
import dev.terrace.jcache.config.TierStack;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings and the code of docs/hibernate.md (hibernate-jcache over Terrace), as they stand there: the
 * properties are src/test/resources/docs/hibernate-jcache.properties, the code stands between the snippet
 * markers. Each builds a session factory over H2 whose second-level cache answers a fresh session.
 */
class HibernateDocExamplesTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    private static Configuration configuration() {
        return new Configuration()
                .addAnnotatedClass(Author.class)
                .addAnnotatedClass(Book.class)
                .setProperty(
                        AvailableSettings.JAKARTA_JDBC_URL,
                        "jdbc:h2:mem:hibernate-doc-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1")
                .setProperty(AvailableSettings.HBM2DDL_AUTO, "create-drop");
    }

    /** Stores an author and reads it in a fresh session: the number of second-level cache hits that took. */
    private static long entityHitsOfAFreshRead(SessionFactory sessions) {
        Long id = sessions.fromTransaction(session -> {
            Author ada = new Author("ada-" + DATABASES.incrementAndGet() + "@example.org", "Ada Lovelace");
            session.persist(ada);
            return ada.getId();
        });
        sessions.getStatistics().clear();
        String name =
                sessions.fromSession(session -> session.find(Author.class, id).getName());
        assertThat(name).isEqualTo("Ada Lovelace");
        return sessions.getStatistics()
                .getEntityStatistics(Author.class.getName())
                .getCacheHitCount();
    }

    @Test
    void thePageSettingsPutTheSecondLevelCacheInTerrace() throws IOException {
        Properties settings = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/docs/hibernate-jcache.properties")) {
            settings.load(in);
        }
        assertThat(settings.getProperty("hibernate.cache.use_query_cache"))
                .as("a comment of its own line is not part of a value")
                .isEqualTo("true");
        Configuration configuration = configuration();
        configuration.addProperties(settings);
        try (SessionFactory sessions = configuration.buildSessionFactory()) {
            assertThat(entityHitsOfAFreshRead(sessions))
                    .as("the entity came from the second-level cache")
                    .isEqualTo(1);
            CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                    .getCacheManager();
            assertThat(manager.getCache(Author.class.getName()).unwrap(TerraceCache.class))
                    .as("the region is a cache of Terrace's default manager")
                    .isNotNull();
        }
    }

    @Test
    void aManagerBuiltWithPropertiesIsHandedToHibernate() {
        Configuration configuration = configuration()
                .setProperty(AvailableSettings.USE_SECOND_LEVEL_CACHE, "true")
                .setProperty(AvailableSettings.CACHE_REGION_FACTORY, "jcache")
                .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
                .setProperty(AvailableSettings.GENERATE_STATISTICS, "true");
        String cacheDir = dir.toString();
        try (RedisServer redis = RedisServer.start()) {
            String redisAddress = redis.address();
            // snippet
            Properties terrace = new Properties();
            terrace.setProperty("terrace.stack", "heap+disk+redis");
            terrace.setProperty("terrace.l2.path", cacheDir); // such as /var/cache/myapp
            terrace.setProperty("terrace.l3.address", redisAddress); // such as redis://redis:6379
            terrace.setProperty("terrace.serialization.allow", "org.hibernate.**;java.io.Serializable");
            CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                    .getCacheManager(
                            TerraceCachingProvider.DEFAULT_URI, getClass().getClassLoader(), terrace);
            configuration.getProperties().put("hibernate.javax.cache.cache_manager", manager);
            // end snippet

            try (manager;
                    SessionFactory sessions = configuration.buildSessionFactory()) {
                assertThat(entityHitsOfAFreshRead(sessions))
                        .as("the entity came from the second-level cache")
                        .isEqualTo(1);
                TerraceConfiguration<?, ?> region =
                        manager.getCache(Author.class.getName()).getConfiguration(TerraceConfiguration.class);
                assertThat(region.getStack()).contains(TierStack.HEAP_DISK_REDIS);
            }
        }
    }
}
