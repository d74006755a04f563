package dev.terrace.jcache.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCache;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.management.CacheStatisticsMXBean;
import org.junit.jupiter.api.Test;

/**
 * The example of README.md, as it stands there: its imports are this class's (the README's, one after
 * another), its code stands between the snippet markers;: what it prints.
 */
class ReadmeExampleTest {

    @Test
    void theExamplePrintsTheGreetingAMissAndItsStatistics() {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            // snippet
            try (CacheManager manager = Caching.getCachingProvider().getCacheManager()) {
                MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
                        .setTypes(String.class, String.class)
                        // entries expire ten minutes after they were created
                        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)))
                        .setStatisticsEnabled(true);
                Cache<String, String> greetings = manager.createCache("greetings", config);

                greetings.put("en", "Hello");
                System.out.println(greetings.get("en")); // Hello
                System.out.println(greetings.get("fr")); // null: a miss

                // The statistics are also a standard MXBean on the platform MBean server (see docs/getting-started.md).
                CacheStatisticsMXBean stats =
                        greetings.unwrap(TerraceCache.class).statistics();
                System.out.println(stats.getCacheHits() + " hit, " + stats.getCacheMisses() + " miss"); // 1 hit, 1 miss
            }
            // end snippet
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines())
                .containsExactly("Hello", "null", "1 hit, 1 miss");
    }
}
