package dev.terrace.jcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.hibernate.shelf.Shelf;
import dev.terrace.jcache.hibernate.shelf.kind.Genre;
import dev.terrace.testing.LocalRedis;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings docs/hibernate.md gives for {@code terrace-hibernate} (src/test/resources/docs/
 * terrace-hibernate.properties, which the page quotes), with the Redis address and disk path of this test: the
 * region factory is Terrace's, the {@code terrace.*} settings reach its cache manager, and a fresh session is
 * answered from the second-level cache.
 */
class DocSettingsTest {

    @TempDir
    Path disk;

    @Test
    void thePageSettingsRunTheSecondLevelCacheOnTerracesRegionFactory() throws IOException {
        Properties settings = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/docs/terrace-hibernate.properties")) {
            settings.load(in);
        }
        assertThat(settings.getProperty("terrace.stack")).isEqualTo("heap+disk+redis");
        assertThat(settings.getProperty("terrace.l3.address")).isEqualTo("redis://redis:6379");
        LocalRedis redis = LocalRedis.start();
        try {
            settings.setProperty("terrace.l3.address", redis.address());
            settings.setProperty("terrace.l2.path", disk.toString());
            Configuration configuration = new Configuration()
                    .addAnnotatedClass(Shelf.class)
                    .setProperty(
                            AvailableSettings.JAKARTA_JDBC_URL,
                            "jdbc:h2:mem:doc-settings-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1")
                    .setProperty(AvailableSettings.HBM2DDL_AUTO, "create-drop")
                    .setProperty(AvailableSettings.GENERATE_STATISTICS, "true");
            configuration.addProperties(settings);
            try (SessionFactory sessions = configuration.buildSessionFactory()) {
                assertThat(sessions.getSessionFactoryOptions()
                                .getServiceRegistry()
                                .getService(org.hibernate.cache.spi.RegionFactory.class))
                        .isInstanceOf(TerraceRegionFactory.class);
                sessions.inTransaction(session -> session.persist(new Shelf(1L, Genre.POETRY)));
                sessions.getStatistics().clear();
                try (Session session = sessions.openSession()) {
                    assertThat(session.find(Shelf.class, 1L).genre).isEqualTo(Genre.POETRY);
                }
                assertThat(sessions.getStatistics().getSecondLevelCacheHitCount())
                        .as("the fresh session was answered by the second-level cache")
                        .isEqualTo(1);
            }
        } finally {
            redis.kill();
        }
    }
}
