package dev.terrace.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.junit.jupiter.api.Test;

class HibernateExampleTest {

    @Test
    void everyKindOfSecondLevelCacheAnswersAndTheRenameIsSeen() {
        Properties terrace = new Properties();
        terrace.setProperty(Library.SERIALIZATION_ALLOW, Library.HIBERNATE_CLASSES);
        terrace.setProperty("terrace.stack", "heap");
        try (CacheManager manager = Caching.getCachingProvider(Library.PROVIDER)
                        .getCacheManager(
                                URI.create("terrace:hibernate-example-test"),
                                getClass().getClassLoader(),
                                terrace);
                SessionFactory sessions = Library.sessionFactory(
                        "jdbc:h2:mem:example-test;DB_CLOSE_DELAY=-1",
                        manager,
                        Map.of(AvailableSettings.HBM2DDL_AUTO, "create-drop"))) {
            HibernateExample.Report report = HibernateExample.run(sessions, manager);

            assertThat(report.author()).isEqualTo("Ada Lovelace");
            assertThat(report.books()).hasSize(2);
            assertThat(report.byEmail()).isEqualTo("Ada Lovelace");
            assertThat(report.queried()).isEqualTo(report.books());
            assertThat(report.renamed()).isEqualTo("Ada King, Countess of Lovelace");
            assertThat(report.entityHits()).isPositive();
            assertThat(report.collectionHits()).isEqualTo(1);
            assertThat(report.naturalIdHits()).isEqualTo(1);
            assertThat(report.queryHits()).isEqualTo(1);
            assertThat(report.tierHits()).containsKeys(Author.class.getName(), "default-query-results-region");
        }
    }
}
