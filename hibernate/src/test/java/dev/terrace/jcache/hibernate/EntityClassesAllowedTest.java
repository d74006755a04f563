package dev.terrace.jcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.hibernate.shelf.Shelf;
import dev.terrace.jcache.hibernate.shelf.kind.Genre;
import java.nio.file.Path;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classes of an application's mapped entities round-trip through a disk tier with no {@code
 * serialization.allow}: an entity's cached state holds an enum of the application (here in a subpackage of the
 * entity's package), which Terrace used to refuse when reading it back ("class … is not allowed"), so every read
 * after a restart missed the cache and logged the refusal.
 */
class EntityClassesAllowedTest {

    @TempDir
    Path disk;

    @Test
    void anEntitysStateWithAnApplicationEnumIsReadBackFromDiskAfterARestart() {
        String database = "jdbc:h2:mem:shelves-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (SessionFactory first = sessionFactory(database)) {
            try (Session session = first.openSession()) {
                session.beginTransaction();
                session.persist(new Shelf(1L, Genre.POETRY));
                session.getTransaction().commit();
            }
        }
        // A new session factory, and so a new cache manager: the heap tier is empty, the entity is on disk only.
        try (SessionFactory second = sessionFactory(database)) {
            second.getStatistics().clear();
            try (Session session = second.openSession()) {
                Shelf shelf = session.find(Shelf.class, 1L);
                assertThat(shelf.genre).isEqualTo(Genre.POETRY);
            }
            assertThat(second.getStatistics().getSecondLevelCacheHitCount())
                    .as("the entity read back from the disk tier (a refused class reads as a miss)")
                    .isEqualTo(1);
            assertThat(second.getStatistics().getPrepareStatementCount())
                    .as("no JDBC statement: the state came from the cache")
                    .isZero();
        }
    }

    private SessionFactory sessionFactory(String database) {
        return new Configuration()
                .addAnnotatedClass(Shelf.class)
                .setProperty(AvailableSettings.JAKARTA_JDBC_URL, database)
                .setProperty(AvailableSettings.JAKARTA_JDBC_USER, "sa")
                .setProperty(AvailableSettings.JAKARTA_JDBC_PASSWORD, "")
                .setProperty(AvailableSettings.HBM2DDL_AUTO, "update")
                .setProperty(AvailableSettings.USE_SECOND_LEVEL_CACHE, "true")
                .setProperty(AvailableSettings.CACHE_REGION_FACTORY, TerraceRegionFactory.NAME)
                .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
                .setProperty(AvailableSettings.GENERATE_STATISTICS, "true")
                .setProperty("terrace.stack", "heap+disk")
                .setProperty("terrace.l2.path", disk.toString())
                .buildSessionFactory();
    }
}
