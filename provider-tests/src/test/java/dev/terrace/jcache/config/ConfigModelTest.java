package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a valid file means: substitution, derived stacks, templates, per-cache overrides and precedence. */
class ConfigModelTest {

    @TempDir
    Path dir;

    @Test
    void environmentReferencesAreReplacedAndDefaultsApplyWhenUnset() {
        String home = System.getenv("HOME");
        String path = System.getenv("PATH");
        assumeThat(home).as("HOME is set in this environment").isNotBlank();
        assumeThat(path).as("PATH is set in this environment").isNotBlank();
        TerraceConfig config = TerraceConfig.parse("""
                cache:
                  stack: heap
                  backends:
                    l2:
                      path: ${HOME}
                    l3:
                      username: "${PATH}"
                      namespace: ${TERRACE_TEST_NOT_SET_X:-dflt}
                      password: "$${literal}"
                """);
        assertThat(config.properties(null))
                .containsEntry("terrace.l2.path", home)
                .containsEntry("terrace.l3.username", path)
                .containsEntry("terrace.l3.namespace", "dflt")
                .containsEntry("terrace.l3.password", "${literal}")
                .containsEntry("terrace.stack", "heap");
    }

    @Test
    void theStackIsTheListedTiersUnlessNamed() {
        assertThat(TerraceConfig.parse("cache: {backends: {l1: {max_size: 5}}}").properties(null))
                .containsEntry("terrace.stack", "heap");
        assertThat(TerraceConfig.parse("cache: {backends: {l1: , l2: }}").properties(null))
                .containsEntry("terrace.stack", "heap+disk");
        assertThat(TerraceConfig.parse("cache: {backends: {l3: {host: redis.internal}}}")
                        .properties(null))
                .containsEntry("terrace.stack", "redis")
                .containsEntry("terrace.l3.address", "redis://redis.internal:6379");
        assertThat(TerraceConfig.parse("cache: {stack: heap, backends: {l1: , l2: }}")
                        .properties(null))
                .containsEntry("terrace.stack", "heap");
        assertThat(TerraceConfig.parse("").properties(null)).isEmpty();
    }

    @Test
    void theSerializationAllowListBecomesItsProperty() {
        assertThat(TerraceConfig.parse("cache: {serialization: {allow: [com.example.Order, com.example.model.**]}}")
                        .properties(null))
                .containsEntry("terrace.serialization.allow", "com.example.Order;com.example.model.**");
        assertThatThrownBy(() -> TerraceConfig.parse("cache: {serialization: {allow: ['!com.example.*']}}"))
                .hasMessageContaining("serialization.allow")
                .hasMessageContaining("!com.example.*");
    }

    @Test
    void redisTopologiesBecomeTheConnectionProperties() {
        assertThat(TerraceConfig.parse("cache: {backends: {l3: {tls: true, port: 6380, db: 3}}}")
                        .properties(null))
                .containsEntry("terrace.l3.address", "rediss://127.0.0.1:6380")
                .containsEntry("terrace.l3.database", "3");
        assertThat(TerraceConfig.parse("""
                        cache:
                          backends:
                            l3:
                              sentinel: {master_name: mymaster, nodes: ["10.0.0.1:26379", "10.0.0.2:26379"]}
                        """).properties(null))
                .containsEntry("terrace.l3.mode", "sentinel")
                .containsEntry("terrace.l3.master-name", "mymaster")
                .containsEntry("terrace.l3.nodes", "redis://10.0.0.1:26379,redis://10.0.0.2:26379");
        TerraceSettings cluster = TerraceConfig.parse(
                        "cache: {backends: {l3: {tls: true, cluster: {nodes: ['10.0.0.1:7000']}}}}")
                .settingsFor(null, null);
        assertThat(cluster.redis().mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
        assertThat(cluster.redis().nodes()).containsExactly("rediss://10.0.0.1:7000");
    }

    @Test
    void aCacheTakesTheDefaultsThenItsTemplateThenItsOwnSettings() {
        TerraceConfig config = TerraceConfig.parse("""
                cache:
                  stack: heap+disk
                  backends:
                    l1: {max_size: 1000}
                    l2: {path: "%s", max_size_mb: 64}
                  templates:
                    short-lived:
                      backends:
                        l1: {max_size: 50, ttl_seconds: 60}
                        l2: {ttl_seconds: 600}
                  caches:
                    sessions:
                      template: short-lived
                      backends:
                        l1: {max_size: 70}
                    lookups:
                      stack: heap
                """.formatted(dir));
        assertThat(config.cacheNames()).containsExactly("sessions", "lookups");
        TerraceSettings sessions = config.settingsFor("sessions", null);
        assertThat(sessions.stack()).isEqualTo(TierStack.HEAP_DISK);
        assertThat(sessions.heapMaxEntries())
                .as("own setting wins over the template")
                .isEqualTo(70);
        assertThat(sessions.heapTtl()).as("from the template").isEqualTo(Duration.ofSeconds(60));
        assertThat(sessions.diskTtl()).isEqualTo(Duration.ofSeconds(600));
        assertThat(sessions.diskMaxBytes()).as("from the defaults").isEqualTo(64L * 1024 * 1024);
        assertThat(sessions.diskPath()).isEqualTo(dir);
        TerraceSettings lookups = config.settingsFor("lookups", null);
        assertThat(lookups.stack()).isEqualTo(TierStack.HEAP);
        assertThat(lookups.heapMaxEntries()).isEqualTo(1000);
        TerraceSettings other = config.settingsFor("not-declared", null);
        assertThat(other.stack()).as("an undeclared cache gets the defaults").isEqualTo(TierStack.HEAP_DISK);
        assertThat(other.heapTtl()).isEqualTo(Duration.ZERO);
    }

    @Test
    void propertiesWinOverSystemPropertiesWhichWinOverTheFile() {
        TerraceConfig config = TerraceConfig.parse("""
                cache:
                  backends:
                    l1: {max_size: 1000, ttl_seconds: 5}
                  caches:
                    books: {backends: {l1: {max_size: 10}}}
                """);
        Properties properties = new Properties();
        properties.put("terrace.l1.max-entries", "42");
        assertThat(config.settingsFor("books", properties).heapMaxEntries()).isEqualTo(42);
        System.setProperty("terrace.l1.ttl-seconds", "7");
        try {
            assertThat(config.settingsFor("books", properties).heapTtl()).isEqualTo(Duration.ofSeconds(7));
            assertThat(config.settingsFor("books", null).heapMaxEntries()).isEqualTo(10);
            properties.put("terrace.l1.ttl-seconds", "9");
            assertThat(config.settingsFor("books", properties).heapTtl()).isEqualTo(Duration.ofSeconds(9));
        } finally {
            System.clearProperty("terrace.l1.ttl-seconds");
        }
    }

    @Test
    void theBuilderMakesTheSameModelAsTheFile() {
        TerraceConfig fromYaml = TerraceConfig.parse("""
                cache:
                  stack: heap+disk
                  backends:
                    l1: {max_size: 500}
                    l2: {path: "%s", max_size_mb: 32, fsync: true}
                    l3: {host: redis.internal, port: 6380, password: secret, ttl_seconds: 30}
                  file_watching: {enabled: true, watch_paths: ["%s"], debounce_ms: 50}
                  templates:
                    small: {backends: {l1: {max_size: 10}}}
                  caches:
                    books: {template: small, stack: heap}
                """.formatted(dir, dir));
        TerraceConfig built = TerraceConfig.builder()
                .stack(TierStack.HEAP_DISK)
                .heap(heap -> heap.maxSize(500))
                .disk(disk -> disk.path(dir).maxSizeMb(32).fsync(true))
                .redis(redis -> redis.host("redis.internal")
                        .port(6380)
                        .password("secret")
                        .ttlSeconds(30))
                .fileWatching(files -> files.enabled(true).watchPaths(dir).debounceMs(50))
                .template("small", t -> t.heap(heap -> heap.maxSize(10)))
                .cache("books", c -> c.template("small").stack(TierStack.HEAP))
                .build();
        assertThat(built.properties(null)).isEqualTo(fromYaml.properties(null));
        assertThat(built.properties("books")).isEqualTo(fromYaml.properties("books"));
        assertThat(built.properties(null))
                .containsEntry("terrace.files.enabled", "true")
                .containsEntry("terrace.files.watch-paths", dir.toString())
                .containsEntry("terrace.files.debounce-ms", "50")
                .containsEntry("terrace.l3.ttl-seconds", "30");
        assertThat(built.settingsFor("books", null).heapMaxEntries()).isEqualTo(10);
        assertThat(built.settingsFor(null, null).redisTtl()).isEqualTo(Duration.ofSeconds(30));
    }
}
