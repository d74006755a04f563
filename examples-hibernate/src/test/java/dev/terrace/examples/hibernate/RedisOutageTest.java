package dev.terrace.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate's second-level cache on the full stack ({@code heap+disk+redis}) while Redis is down: what was
 * cached is still served from the near tiers without the database, an update made through Hibernate during
 * the outage goes through and is what every later read sees, and once Redis is back the cache answers from
 * itself again.
 */
class RedisOutageTest {

    @TempDir
    Path directory;

    private RedisServer redis;
    private CacheManager manager;
    private SessionFactory sessions;
    private Statistics statistics;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        Properties terrace = new Properties();
        terrace.setProperty(Library.SERIALIZATION_ALLOW, Library.HIBERNATE_CLASSES);
        terrace.setProperty("terrace.stack", "heap+disk+redis");
        terrace.setProperty("terrace.l2.path", directory.resolve("disk").toString());
        terrace.setProperty("terrace.l3.address", redis.address());
        manager = Caching.getCachingProvider(Library.PROVIDER)
                .getCacheManager(
                        URI.create("terrace:hibernate-outage"), getClass().getClassLoader(), terrace);
        sessions = Library.sessionFactory(
                "jdbc:h2:mem:outage;DB_CLOSE_DELAY=-1", manager, Map.of(AvailableSettings.HBM2DDL_AUTO, "create-drop"));
        statistics = sessions.getStatistics();
    }

    @AfterEach
    void stop() {
        if (sessions != null) {
            sessions.close();
        }
        if (manager != null) {
            manager.close();
        }
        redis.close();
    }

    @Test
    void theSecondLevelCacheServesAndTakesUpdatesWhileRedisIsDownAndRecoversAfterwards() {
        Long id = sessions.fromTransaction(session -> {
            Author ada = new Author("ada@example.org", "Ada Lovelace");
            session.persist(ada);
            return ada.getId();
        });
        assertThat(nameOf(id)).isEqualTo("Ada Lovelace");

        redis.kill();
        long statements = statistics.getPrepareStatementCount();
        assertThat(nameOf(id)).as("served during the outage").isEqualTo("Ada Lovelace");
        assertThat(statistics.getPrepareStatementCount())
                .as("from the near tiers, without the database")
                .isEqualTo(statements);

        sessions.inTransaction(session -> session.find(Author.class, id).setName("Augusta Ada King"));
        assertThat(nameOf(id)).as("the update made during the outage").isEqualTo("Augusta Ada King");

        redis.restart();
        await().atMost(30, TimeUnit.SECONDS)
                .pollInterval(200, TimeUnit.MILLISECONDS)
                .alias("once Redis is back, the entity is answered by the cache again, in its new state")
                .until(() -> {
                    long before = statistics.getPrepareStatementCount();
                    return nameOf(id).equals("Augusta Ada King")
                            && nameOf(id).equals("Augusta Ada King")
                            && statistics.getPrepareStatementCount() - before <= 1;
                });
        long settled = statistics.getPrepareStatementCount();
        assertThat(nameOf(id)).isEqualTo("Augusta Ada King");
        assertThat(statistics.getPrepareStatementCount())
                .as("a cache hit after the recovery")
                .isEqualTo(settled);
    }

    private String nameOf(Long id) {
        return sessions.fromSession(session -> session.find(Author.class, id).getName());
    }
}
