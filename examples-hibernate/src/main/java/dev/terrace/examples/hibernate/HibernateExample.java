package dev.terrace.examples.hibernate;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.management.TierStatisticsMXBean;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.stat.Statistics;

/**
 * Hibernate ORM with Terrace as its second-level cache, on an in-memory H2 database. It stores an author and
 * her books, then reads them again in fresh sessions so that each kind of second-level cache answers: the
 * entity cache, the collection cache, the natural-id cache and the query cache; then it renames the author
 * and shows that the next read sees the new name. Run it with
 *
 * <pre>
 * mvn -q -pl examples-hibernate -am package exec:java -DskipTests
 * </pre>
 *
 * <p>The tier stack is {@code heap+disk} by default, in a temporary directory; {@code
 * -Dterrace.stack=heap+disk+redis -Dterrace.l3.address=redis://127.0.0.1:6379} puts Redis under it.
 */
public final class HibernateExample {

    /** What the reads found, and what the second-level cache counted while they ran. */
    public record Report(
            String author,
            List<String> books,
            String byEmail,
            List<String> queried,
            String renamed,
            long entityHits,
            long collectionHits,
            long naturalIdHits,
            long queryHits,
            Map<String, String> tierHits) {}

    private HibernateExample() {}

    public static void main(String[] args) throws IOException {
        Path disk = Files.createTempDirectory("terrace-hibernate-example-");
        Properties terrace = new Properties();
        terrace.setProperty(Library.SERIALIZATION_ALLOW, Library.HIBERNATE_CLASSES);
        terrace.setProperty("terrace.stack", System.getProperty("terrace.stack", "heap+disk"));
        terrace.setProperty("terrace.l2.path", disk.toString());
        try (CacheManager manager = Caching.getCachingProvider(Library.PROVIDER)
                        .getCacheManager(
                                URI.create("terrace:hibernate-example"),
                                HibernateExample.class.getClassLoader(),
                                terrace);
                SessionFactory sessions = Library.sessionFactory(
                        "jdbc:h2:mem:library;DB_CLOSE_DELAY=-1",
                        manager,
                        Map.of(AvailableSettings.HBM2DDL_AUTO, "create-drop"))) {
            Report report = run(sessions, manager);
            System.out.println();
            System.out.println("author (2nd session)     : " + report.author());
            System.out.println("her books                : " + report.books());
            System.out.println("found by e-mail          : " + report.byEmail());
            System.out.println("query, run twice         : " + report.queried());
            System.out.println("after the rename         : " + report.renamed());
            System.out.println();
            System.out.println("second-level cache hits  : entity " + report.entityHits() + ", collection "
                    + report.collectionHits() + ", natural id " + report.naturalIdHits() + ", query "
                    + report.queryHits());
            System.out.println("Terrace regions and tiers: ");
            report.tierHits().forEach((region, tiers) -> System.out.println("  " + region + ": " + tiers));
        } finally {
            deleteRecursively(disk);
        }
    }

    /** Runs the example on {@code sessions}, whose second-level cache lives in {@code manager}. */
    public static Report run(SessionFactory sessions, CacheManager manager) {
        Statistics statistics = sessions.getStatistics();
        String email = "ada@example.org";
        Long id = sessions.fromTransaction(session -> {
            Author ada = new Author(email, "Ada Lovelace")
                    .write(new Book("Notes on the Analytical Engine"))
                    .write(new Book("Sketch of the Analytical Engine"));
            session.persist(ada);
            return ada.getId();
        });
        // Fill the collection cache once: a collection is cached when it is first loaded.
        sessions.inTransaction(
                session -> session.find(Author.class, id).getBooks().size());
        statistics.clear();

        // Each read in a fresh session: nothing comes from the session (first-level) cache.
        String author =
                sessions.fromSession(session -> session.find(Author.class, id).getName());
        List<String> books = sessions.fromSession(session -> session.find(Author.class, id).getBooks().stream()
                .map(Book::getTitle)
                .toList());
        String byEmail = sessions.fromSession(
                session -> session.bySimpleNaturalId(Author.class).load(email).getName());
        List<String> queried = null;
        for (int i = 0; i < 2; i++) {
            queried = sessions.fromSession(
                    session -> session.createSelectionQuery("select b.title from Book b order by b.title", String.class)
                            .setCacheable(true)
                            .getResultList());
        }

        sessions.inTransaction(session -> session.find(Author.class, id).setName("Ada King, Countess of Lovelace"));
        String renamed =
                sessions.fromSession(session -> session.find(Author.class, id).getName());

        return new Report(
                author,
                books,
                byEmail,
                queried,
                renamed,
                statistics.getEntityStatistics(Author.class.getName()).getCacheHitCount(),
                statistics
                        .getCollectionStatistics(Author.class.getName() + ".books")
                        .getCacheHitCount(),
                statistics.getNaturalIdCacheHitCount(),
                statistics.getQueryCacheHitCount(),
                tierHits(manager));
    }

    /** For each region, the hits of each Terrace tier, such as {@code heap 3 hits, disk 1 hits}. */
    private static Map<String, String> tierHits(CacheManager manager) {
        Map<String, String> regions = new java.util.TreeMap<>();
        for (String name : manager.getCacheNames()) {
            Cache<Object, Object> cache = manager.getCache(name);
            StringBuilder text = new StringBuilder();
            TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
            for (TierStatisticsMXBean tier : terrace.tierStatistics()) {
                text.append(text.length() == 0 ? "" : ", ")
                        .append(tier.getName())
                        .append(' ')
                        .append(tier.getHits())
                        .append(" hits");
            }
            regions.put(name, text.toString());
        }
        return regions;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
