package dev.terrace.jcache.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.config.TerraceConfiguration;
import dev.terrace.jcache.config.TierStack;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JMX example of docs/observability.md, as it stands there between the snippet markers. */
class ObservabilityDocExamplesTest {

    @TempDir
    Path dir;

    @Test
    void aTierBeanCountsTheReadsItsTierAnswered() throws Exception {
        CachingProvider provider = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider");
        // The default URI, under a class loader of its own: a manager of its own, with its disk in this test's
        // directory, under the JMX name the page shows.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        Properties properties = new Properties();
        properties.setProperty("terrace.l2.path", dir.toString());
        TerraceConfiguration<Long, String> config = new TerraceConfiguration<Long, String>()
                .setStack(TierStack.HEAP_DISK)
                .setStatisticsEnabled(true);
        try (CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), loader, properties)) {
            manager.createCache("products", config).put(7L, "teapot");
        }
        try (CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), loader, properties)) {
            Cache<Long, String> products = manager.createCache("products", config);
            assertThat(products.get(7L))
                    .as("read back from disk after the restart")
                    .isEqualTo("teapot");

            // snippet
            ObjectName disk = new ObjectName(
                    "dev.terrace.jcache:type=TierStatistics,CacheManager=terrace.default,Cache=products,Tier=1-disk");
            long diskHits = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(disk, "Hits");
            // end snippet

            assertThat(diskHits).as("the heap started empty: the disk answered").isEqualTo(1);
        }
    }
}
