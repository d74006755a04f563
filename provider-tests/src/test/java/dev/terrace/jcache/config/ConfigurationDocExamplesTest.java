package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.docs.FirstFileApplication;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/configuration.md run and mean what the page says they mean. Its YAML examples are the
 * files under {@code src/test/resources/docs/} (DocSnippetsTest keeps the page and the files equal), read here
 * with the real parser; its Java examples are in this class and in {@link FirstFileApplication}.
 */
class ConfigurationDocExamplesTest {

    /** A value the page's examples cache. */
    record Report(String title) implements java.io.Serializable {}

    @TempDir
    Path dir;

    private static TerraceConfig read(String resource, Map<String, String> environment) throws IOException {
        try (InputStream in = ConfigurationDocExamplesTest.class.getResourceAsStream("/docs/" + resource);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return TerraceConfig.read(reader, resource, environment::get);
        }
    }

    @Test
    void theTemplatesExampleGivesSessionsItsOwnHeapBoundOverTheTemplateAndLookupsTheHeapAlone() throws IOException {
        Path cacheDir = dir.resolve("app");
        TerraceConfig config = read("templates.yaml", Map.of("CACHE_DIR", cacheDir.toString()));

        assertThat(config.cacheNames()).containsExactly("sessions", "lookups");
        TerraceSettings sessions = config.settingsFor("sessions", null);
        assertThat(sessions.stack()).isEqualTo(TierStack.HEAP_DISK);
        assertThat(sessions.heapMaxEntries())
                .as("its own key wins over the template's 500")
                .isEqualTo(2000);
        assertThat(sessions.heapTtl()).as("60 s on the heap").isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(sessions.diskTtl()).as("10 min on disk").isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(sessions.diskMaxBytes()).as("1 GB disk").isEqualTo(1024L * 1024 * 1024);
        assertThat(sessions.diskPath()).as("CACHE_DIR, when it is set").isEqualTo(cacheDir);

        TerraceSettings lookups = config.settingsFor("lookups", null);
        assertThat(lookups.stack()).as("heap only").isEqualTo(TierStack.HEAP);
        assertThat(lookups.heapMaxEntries()).isEqualTo(10_000);
        assertThat(lookups.heapTtl()).as("no template: no heap limit").isEqualTo(java.time.Duration.ZERO);
    }

    @Test
    void theSentinelExampleConnectsOverTlsToEveryNodeWithThePasswordOfTheEnvironment() throws IOException {
        TerraceConfig config = read("sentinel.yaml", Map.of("REDIS_PASSWORD", "s3cret"));

        TerraceSettings settings = config.settingsFor(null, null);
        assertThat(settings.stack()).isEqualTo(TierStack.HEAP_REDIS);
        assertThat(settings.redis().mode()).isEqualTo(RedisSettings.Mode.SENTINEL);
        assertThat(settings.redis().masterName()).isEqualTo("mymaster");
        assertThat(settings.redis().nodes())
                .as("tls: true applies to every address")
                .containsExactly("rediss://10.0.0.1:26379", "rediss://10.0.0.2:26379", "rediss://10.0.0.3:26379");
        assertThat(settings.redis().password()).isEqualTo("s3cret");
    }

    @Test
    void withoutTheVariableTheSentinelExampleFailsAsThePageShows() {
        assertThatThrownBy(() -> read("sentinel.yaml", Map.of()))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("cache.backends.l3.password refers to the environment variable REDIS_PASSWORD"
                        + " ('${REDIS_PASSWORD}'), which is not set; set it, or give a default:"
                        + " ${REDIS_PASSWORD:-value}");
    }

    @Test
    void theAllowListExampleBecomesItsProperty() throws IOException {
        assertThat(read("serialization-allow.yaml", Map.of()).properties(null))
                .containsEntry("terrace.serialization.allow", "com.example.Order;com.example.model.*;com.example.**");
    }

    @Test
    void theFirstFileReadByTheDefaultManagerCreatesItsCachesWithTheirSettings() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        try (InputStream in = getClass().getResourceAsStream("/docs/first-file.yaml")) {
            Files.copy(in, classes.resolve("terrace.yaml"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path cacheDir = dir.resolve("cache");
        ProcessBuilder application = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classes + File.pathSeparator + System.getProperty("java.class.path"),
                        FirstFileApplication.class.getName())
                .redirectErrorStream(true);
        application.environment().put("CACHE_DIR", cacheDir.toString());
        Process process = application.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("the application ends")
                .isTrue();
        assertThat(process.exitValue())
                .as("the application succeeds:%n%s", output)
                .isZero();

        List<String> lines = output.lines().toList();
        assertThat(lines)
                .as("the default manager reads terrace.yaml; its disk path comes from CACHE_DIR")
                .contains("uri terrace:default", "path " + cacheDir)
                .contains(
                        "sessions stack=HEAP_DISK heap=1000 heapTtl=PT1M diskMb=2048 diskTtl=PT0S",
                        "reports stack=HEAP_DISK heap=50000 heapTtl=PT0S diskMb=8192 diskTtl=PT24H",
                        "other stack=HEAP_DISK heap=50000 heapTtl=PT0S diskMb=2048 diskTtl=PT0S",
                        "other holds Report[title=third quarter]");
        assertThat(cacheDir).as("the caches' stores are under CACHE_DIR").isNotEmptyDirectory();
    }

    @Test
    void theBuilderExampleDeclaresItsCachesAsTheSameYamlWould() {
        Path cacheDir = dir;
        ClassLoader classLoader = getClass().getClassLoader();
        // snippet
        TerraceConfig config = TerraceConfig.builder()
                .stack(TierStack.HEAP_DISK)
                .heap(heap -> heap.maxSize(50_000))
                .disk(disk -> disk.path(cacheDir).maxSizeMb(2_048)) // e.g. Path.of("/var/cache/app")
                .redis(redis ->
                        redis.host("redis.internal").password(System.getenv().getOrDefault("REDIS_PASSWORD", "")))
                .template("short-lived", t -> t.heap(heap -> heap.maxSize(500).ttlSeconds(60)))
                .cache("sessions", c -> c.template("short-lived"))
                .cache("lookups", c -> c.stack(TierStack.HEAP))
                .build();

        TerraceCachingProvider provider =
                (TerraceCachingProvider) Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider");
        CacheManager manager = provider.getCacheManager(URI.create("terrace:app"), classLoader, config);
        // end snippet

        try (manager) {
            assertThat(manager.getCacheNames()).as("declared caches exist").contains("sessions", "lookups");
            TerraceConfig running = manager.unwrap(TerraceCacheManager.class).config();
            TerraceSettings sessions = running.settingsFor("sessions", null);
            assertThat(sessions.stack()).isEqualTo(TierStack.HEAP_DISK);
            assertThat(sessions.heapMaxEntries()).isEqualTo(500);
            assertThat(sessions.heapTtl()).isEqualTo(java.time.Duration.ofSeconds(60));
            assertThat(sessions.diskPath()).isEqualTo(cacheDir);
            assertThat(sessions.diskMaxBytes()).isEqualTo(2_048L * 1024 * 1024);
            assertThat(running.settingsFor("lookups", null).stack()).isEqualTo(TierStack.HEAP);
            assertThat(running.settingsFor("lookups", null).heapMaxEntries()).isEqualTo(50_000);
        }
    }

    @Test
    void aTerraceConfigurationGivesOneCacheItsTiersAndReportsThemBack() {
        TerraceCachingProvider provider =
                (TerraceCachingProvider) Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider");
        Properties properties = new Properties();
        properties.setProperty("terrace.l2.path", dir.toString());
        try (CacheManager manager = provider.getCacheManager(
                URI.create("terrace:configuration-doc"), getClass().getClassLoader(), properties)) {
            // snippet
            TerraceConfiguration<String, Report> config = new TerraceConfiguration<String, Report>()
                    .setTypes(String.class, Report.class)
                    .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR))
                    .setStack(TierStack.HEAP_DISK) // this cache keeps its entries on disk too
                    .setHeapMaxEntries(5_000)
                    .setDiskMaxSizeMb(512)
                    .setDiskTtl(java.time.Duration.ofDays(1));
            Cache<String, Report> reports = manager.createCache("reports", config);

            // Every tier setting as the cache runs with it, wherever each came from:
            TerraceConfiguration<String, Report> running = reports.getConfiguration(TerraceConfiguration.class);
            running.getDiskMaxSizeMb(); // Optional[512]
            // end snippet

            assertThat(running.getDiskMaxSizeMb()).isEqualTo(Optional.of(512L));
            assertThat(running.getStack()).contains(TierStack.HEAP_DISK);
            assertThat(running.getHeapMaxEntries()).contains(5_000L);
            assertThat(running.getDiskTtl()).contains(java.time.Duration.ofDays(1));
            assertThat(running.getHeapTtl())
                    .as("unset: from the manager, whose default has no heap limit")
                    .contains(java.time.Duration.ZERO);
            reports.put("q3", new Report("third quarter"));
            assertThat(reports.get("q3")).isEqualTo(new Report("third quarter"));
        }
    }
}
