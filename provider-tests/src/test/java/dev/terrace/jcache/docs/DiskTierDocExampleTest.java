package dev.terrace.jcache.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.config.TerraceConfiguration;
import dev.terrace.jcache.config.TierStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings of docs/disk-tier.md (src/test/resources/docs/disk-tier.properties) as a cache manager reads them. */
class DiskTierDocExampleTest {

    private static final URI URI_OF_THE_PAGE = URI.create("terrace:disk-tier-doc");

    @TempDir
    Path dir;

    private final CachingProvider provider = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider");

    private static Properties pageSettings() throws IOException {
        Properties settings = new Properties();
        try (InputStream in = DiskTierDocExampleTest.class.getResourceAsStream("/docs/disk-tier.properties")) {
            settings.load(in);
        }
        return settings;
    }

    @Test
    void thePageSettingsMakeAHeapDiskCacheThatKeepsItsEntriesAcrossARestart() throws IOException {
        Properties settings = pageSettings();
        assertThat(settings.getProperty("terrace.l2.path")).isEqualTo("/var/cache/myapp");
        settings.setProperty("terrace.l2.path", dir.toString());

        try (CacheManager manager =
                provider.getCacheManager(URI_OF_THE_PAGE, getClass().getClassLoader(), settings)) {
            Cache<String, String> reports = manager.createCache("reports", new MutableConfiguration<>());
            TerraceConfiguration<?, ?> running = reports.getConfiguration(TerraceConfiguration.class);
            assertThat(running.getStack()).contains(TierStack.HEAP_DISK);
            assertThat(running.getDiskMaxSizeMb()).contains(256L);
            assertThat(running.getDiskTtl()).contains(Duration.ZERO);
            assertThat(running.getDiskFsync()).contains(false);
            reports.put("q3", "third quarter");
        }
        try (CacheManager manager =
                provider.getCacheManager(URI_OF_THE_PAGE, getClass().getClassLoader(), settings)) {
            assertThat(manager.createCache("reports", new MutableConfiguration<String, String>())
                            .get("q3"))
                    .as("the disk tier survives the restart")
                    .isEqualTo("third quarter");
        }
    }

    @Test
    void aCommentAfterAValueWouldBePartOfTheValueSoThePageKeepsCommentsOnTheirOwnLines() throws IOException {
        Properties settings = new Properties();
        settings.load(new StringReader("terrace.stack=heap+disk            # or disk: the disk tier alone\n"));
        settings.setProperty("terrace.l2.path", dir.toString());

        assertThat(settings.getProperty("terrace.stack"))
                .startsWith("heap+disk ")
                .contains("#");
        assertThatThrownBy(() -> provider.getCacheManager(
                                URI.create("terrace:disk-tier-doc-comment"),
                                getClass().getClassLoader(),
                                settings)
                        .createCache("reports", new MutableConfiguration<>()))
                .hasMessageContaining("terrace.stack");
    }
}
