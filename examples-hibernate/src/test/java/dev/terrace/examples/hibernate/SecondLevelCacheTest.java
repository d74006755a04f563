package dev.terrace.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCache;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate's second-level cache in Terrace ({@code heap+disk}): each kind of cache answers a fresh session
 * without a query to the database, and changes made through Hibernate are never hidden by a cached copy.
 */
class SecondLevelCacheTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path disk;

    // One session factory for the class: building one takes seconds. Each test has an author of its own.
    private static CacheManager manager;
    private static SessionFactory sessions;
    private static Statistics statistics;
    private String email;
    private Long id;

    @BeforeAll
    static void start() {
        Properties terrace = new Properties();
        terrace.setProperty(Library.SERIALIZATION_ALLOW, Library.HIBERNATE_CLASSES);
        terrace.setProperty("terrace.stack", "heap+disk");
        terrace.setProperty("terrace.l2.path", disk.toString());
        int database = DATABASES.incrementAndGet();
        manager = Caching.getCachingProvider(Library.PROVIDER)
                .getCacheManager(
                        URI.create("terrace:hibernate-test-" + database),
                        SecondLevelCacheTest.class.getClassLoader(),
                        terrace);
        sessions = Library.sessionFactory(
                "jdbc:h2:mem:second-level-" + database + ";DB_CLOSE_DELAY=-1",
                manager,
                Map.of(AvailableSettings.HBM2DDL_AUTO, "create-drop"));
        statistics = sessions.getStatistics();
    }

    @BeforeEach
    void author() {
        email = "grace-" + DATABASES.incrementAndGet() + "@example.org";
        id = sessions.fromTransaction(session -> {
            Author grace = new Author(email, "Grace Hopper")
                    .write(new Book("A Manual of Operation for the Automatic Sequence Controlled Calculator"))
                    .write(new Book("The Education of a Computer"));
            session.persist(grace);
            return grace.getId();
        });
        statistics.clear();
    }

    @AfterAll
    static void stop() {
        sessions.close();
        manager.close();
    }

    @Test
    void theEntityCacheAnswersAFreshSessionWithoutTheDatabase() {
        String name =
                sessions.fromSession(session -> session.find(Author.class, id).getName());

        assertThat(name).isEqualTo("Grace Hopper");
        assertThat(statistics.getEntityStatistics(Author.class.getName()).getCacheHitCount())
                .isEqualTo(1);
        assertThat(statistics.getPrepareStatementCount())
                .as("the entity came from the second-level cache")
                .isZero();
        @SuppressWarnings("unchecked")
        TerraceCache<Object, Object> region =
                manager.getCache(Author.class.getName()).unwrap(TerraceCache.class);
        assertThat(region.tierStatistics().get(0).getHits())
                .as("the region is a Terrace cache, and its heap tier answered")
                .isPositive();
    }

    @Test
    void theCollectionCacheAnswersOnceTheCollectionWasLoaded() {
        List<String> first = titles();
        assertThat(statistics
                        .getCollectionStatistics(Author.class.getName() + ".books")
                        .getCacheMissCount())
                .isEqualTo(1);
        long statementsAfterFirst = statistics.getPrepareStatementCount();

        List<String> second = titles();

        assertThat(second).isEqualTo(first).hasSize(2);
        assertThat(statistics
                        .getCollectionStatistics(Author.class.getName() + ".books")
                        .getCacheHitCount())
                .isEqualTo(1);
        assertThat(statistics.getPrepareStatementCount())
                .as("author, collection and books all came from the second-level cache")
                .isEqualTo(statementsAfterFirst);
    }

    @Test
    void theNaturalIdCacheResolvesAnEmailWithoutTheDatabase() {
        String name = sessions.fromSession(
                session -> session.bySimpleNaturalId(Author.class).load(email).getName());

        assertThat(name).isEqualTo("Grace Hopper");
        assertThat(statistics.getNaturalIdCacheHitCount()).isEqualTo(1);
        assertThat(statistics.getPrepareStatementCount()).isZero();
    }

    @Test
    void theQueryCacheAnswersTheSameQueryAgain() {
        assertThat(names()).containsExactly("Grace Hopper");
        assertThat(statistics.getQueryCacheMissCount()).isEqualTo(1);
        long statements = statistics.getPrepareStatementCount();

        assertThat(names()).containsExactly("Grace Hopper");

        assertThat(statistics.getQueryCacheHitCount()).isEqualTo(1);
        assertThat(statistics.getPrepareStatementCount()).isEqualTo(statements);
    }

    @Test
    void anUpdateThroughHibernateReplacesTheCachedEntityAndInvalidatesCachedQueries() {
        sessions.fromSession(session -> session.find(Author.class, id).getName());
        assertThat(names()).containsExactly("Grace Hopper");

        sessions.inTransaction(session -> session.find(Author.class, id).setName("Rear Admiral Grace Hopper"));
        statistics.clear();

        String renamed =
                sessions.fromSession(session -> session.find(Author.class, id).getName());
        assertThat(renamed).isEqualTo("Rear Admiral Grace Hopper");
        assertThat(statistics.getEntityStatistics(Author.class.getName()).getCacheHitCount())
                .as("the update put the new state in the cache")
                .isEqualTo(1);
        assertThat(names())
                .as("the cached query result predates the update")
                .containsExactly("Rear Admiral Grace Hopper");
        assertThat(statistics.getQueryCacheHitCount()).isZero();
    }

    @Test
    void aDeletionThroughHibernateLeavesNothingBehindInTheCache() {
        Long bookId = sessions.fromSession(
                session -> session.find(Author.class, id).getBooks().get(0).getId());
        sessions.inTransaction(session -> {
            // Both sides of the association change, as Hibernate requires for its collection cache to follow.
            Book book = session.find(Book.class, bookId);
            book.getAuthor().getBooks().remove(book);
            session.remove(book);
        });

        Book removed = sessions.fromSession(session -> session.find(Book.class, bookId));
        assertThat(removed).isNull();
        assertThat(titles())
                .as("the cached collection was evicted with the removal")
                .hasSize(1);
    }

    private List<String> titles() {
        return sessions.fromSession(session -> session.find(Author.class, id).getBooks().stream()
                .map(Book::getTitle)
                .toList());
    }

    private List<String> names() {
        return sessions.fromSession(session -> session.createSelectionQuery(
                        "select a.name from Author a where a.email = :email", String.class)
                .setParameter("email", email)
                .setCacheable(true)
                .getResultList());
    }
}
