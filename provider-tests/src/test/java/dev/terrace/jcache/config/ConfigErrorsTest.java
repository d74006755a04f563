package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.cache.CacheException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of mistake stops the configuration with a message naming the key, the value and what is allowed. */
class ConfigErrorsTest {

    private static final Map<String, String> ENV = Map.of("PRESENT", "here");

    @TempDir
    Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> failsOn(String yaml) {
        return assertThatThrownBy(() -> TerraceConfig.read(new StringReader(yaml), "test.yaml", ENV::get))
                .isInstanceOf(TerraceConfigException.class)
                .isInstanceOf(CacheException.class)
                .hasMessageStartingWith("Invalid Terrace configuration in test.yaml");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheNearestAllowedName() {
        failsOn("""
                cache:
                  backends:
                    l1:
                      max_sise: 100
                """)
                .hasMessageContaining("line 4")
                .hasMessageContaining("unknown key cache.backends.l1.max_sise (value 100)")
                .hasMessageContaining("did you mean max_size?")
                .hasMessageContaining("allowed under cache.backends.l1: type, max_size, ttl_seconds");
        assertThatThrownBy(() -> TerraceConfig.read(new StringReader("cash: {}"), "test.yaml", ENV::get))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("unknown key cash")
                .hasMessageContaining("did you mean cache?");
    }

    @Test
    void aValueOfTheWrongTypeNamesTheKeyTheValueAndWhatIsAllowed() {
        failsOn("cache: {backends: {l1: {max_size: lots}}}")
                .hasMessageContaining(
                        "cache.backends.l1.max_size is 'lots'; allowed: a whole number of entries from 1");
        failsOn("cache: {backends: {l2: {fsync: sometimes}}}")
                .hasMessageContaining("cache.backends.l2.fsync is 'sometimes'; allowed: true or false");
        failsOn("cache: {backends: {l1: 5}}")
                .hasMessageContaining(
                        "cache.backends.l1 must be a mapping with the keys type, max_size, ttl_seconds, was 5");
        failsOn("cache: {stack: floppy}")
                .hasMessageContaining("cache.stack is 'floppy'; allowed: heap, heap+disk, disk, redis, heap+redis,"
                        + " heap+disk+redis");
        failsOn("cache: {backends: {l1: {type: guava}}}")
                .hasMessageContaining("cache.backends.l1.type is 'guava'; allowed: caffeine");
        failsOn("cache: {backends: {l1: {max_size: 1.5}}}").hasMessageContaining("is 1.5; allowed: a whole number");
    }

    @Test
    void aNegativeSizeIsRefusedWithItsRange() {
        failsOn("cache:\n  backends:\n    l2:\n      max_size_mb: -5\n")
                .hasMessageContaining("line 4")
                .hasMessageContaining(
                        "cache.backends.l2.max_size_mb is -5; allowed: a whole number of megabytes from 1 to");
        failsOn("cache: {backends: {l1: {ttl_seconds: -1}}}")
                .hasMessageContaining("cache.backends.l1.ttl_seconds is -1; allowed: 0 (no limit) or a whole number");
        failsOn("cache: {backends: {l3: {port: 70000}}}")
                .hasMessageContaining(
                        "cache.backends.l3.port is 70000; allowed: a whole number of a TCP port from 1 to 65535");
    }

    @Test
    void aDiskPathThatCannotBeCreatedOrAWatchPathThatDoesNotExistIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        failsOn("cache: {backends: {l2: {path: '" + file.resolve("stores") + "'}}}")
                .hasMessageContaining("cache.backends.l2.path is '" + file.resolve("stores") + "'")
                .hasMessageContaining("allowed: a directory this process can write to, or create")
                .hasMessageContaining("is not a writable directory");
        failsOn("cache: {backends: {l2: {path: '" + file + "'}}}")
                .hasMessageContaining("exists and is not a directory");
        Path missing = dir.resolve("no-such-dir");
        failsOn("cache: {file_watching: {enabled: true, watch_paths: ['" + missing + "']}}")
                .hasMessageContaining("cache.file_watching.watch_paths")
                .hasMessageContaining(missing + " does not exist");
    }

    @Test
    void aMissingEnvironmentVariableIsNamedWithTheWayToGiveADefault() {
        failsOn("cache:\n  backends:\n    l3:\n      password: ${TERRACE_TEST_SURELY_UNSET_7Q}\n")
                .hasMessageContaining("line 4")
                .hasMessageContaining("cache.backends.l3.password refers to the environment variable"
                        + " TERRACE_TEST_SURELY_UNSET_7Q")
                .hasMessageContaining("which is not set")
                .hasMessageContaining("${TERRACE_TEST_SURELY_UNSET_7Q:-value}");
        failsOn("cache: {backends: {l3: {host: '${UNCLOSED'}}}").hasMessageContaining("unclosed reference");
    }

    @Test
    void aSecretIsNeverShownInAMessage() {
        failsOn("cache: {backends: {l3: {password: [hunter2]}}}")
                .hasMessageContaining("cache.backends.l3.password is (hidden)")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aConnectionSettingCannotDifferPerCache() {
        failsOn("""
                cache:
                  caches:
                    books:
                      stack: redis
                      backends:
                        l3:
                          host: other-redis
                """)
                .hasMessageContaining("cache.caches.books.backends.l3.host belongs to the whole cache manager")
                .hasMessageContaining("set it under cache.backends.l3.host");
        failsOn("cache: {caches: {books: {file_watching: {enabled: true}}}}")
                .hasMessageContaining("cache.caches.books.file_watching belongs to the whole cache manager");
    }

    @Test
    void anUnknownTemplateListsTheTemplates() {
        failsOn("""
                cache:
                  templates:
                    short-lived: {backends: {l1: {ttl_seconds: 60}}}
                  caches:
                    sessions: {template: short-lived}
                    books: {template: short-livd}
                """)
                .hasMessageContaining("line 6")
                .hasMessageContaining("cache.caches.books.template is 'short-livd'")
                .hasMessageContaining("(short-lived); did you mean short-lived?");
    }

    @Test
    void settingsForATierTheCacheDoesNotHaveAreRefused() {
        failsOn("cache: {stack: heap, caches: {books: {backends: {l2: {max_size_mb: 10}}}}}")
                .hasMessageContaining("cache.caches.books.backends.l2 is set, but the stack of cache.caches.books is"
                        + " heap, which has no such tier");
        failsOn("cache: {backends: {l2: {}, l3: {}}}")
                .hasMessageContaining("configures the tiers disk+redis, which make no stack");
    }

    @Test
    void unsupportedCoordinationKeysSayWhy() {
        failsOn("cache: {coordination: {lock_lease_ms: 5000}}")
                .hasMessageContaining("cache.coordination.lock_lease_ms is not supported: Terrace holds a key's Redis"
                        + " lock for as long as the operation on it runs");
        failsOn("cache: {coordination: {invalidation: pubsub}}")
                .hasMessageContaining("cache.coordination.invalidation is 'pubsub'; allowed: stream");
    }

    @Test
    void redisTopologyMistakesAreNamed() {
        failsOn("cache: {backends: {l3: {sentinel: {nodes: ['10.0.0.1:26379']}}}}")
                .hasMessageContaining("cache.backends.l3.sentinel.master_name is empty");
        failsOn("cache: {backends: {l3: {cluster: {nodes: ['redis://10.0.0.1:7000']}}}}")
                .hasMessageContaining("cache.backends.l3.cluster.nodes")
                .hasMessageContaining("allowed: a list of host:port");
        failsOn("cache: {backends: {l3: {sentinel: {master_name: m, nodes: ['a:1']}, cluster: {nodes: ['b:2']}}}}")
                .hasMessageContaining("lists both sentinel.nodes and cluster.nodes");
    }

    @Test
    void brokenYamlAndRepeatedKeysAreReportedWithTheirLine() {
        failsOn("cache:\n  stack: heap\n  backends: [unclosed\n").hasMessageContaining("not valid YAML");
        failsOn("cache:\n  stack: heap\n  stack: disk\n")
                .hasMessageContaining("line 3")
                .hasMessageContaining("cache.stack is given twice");
        failsOn("cache: {caches: {a: 1}}").hasMessageContaining("cache.caches.a must be a mapping of settings, was 1");
    }

    @Test
    void theBuilderReportsTheSameMistakesUnderTheYamlKeys() {
        assertThatThrownBy(() ->
                        TerraceConfig.builder().heap(heap -> heap.maxSize(0)).build())
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("Invalid Terrace configuration in ConfigBuilder: cache.backends.l1.max_size is 0")
                .satisfies(e -> assertThat(((TerraceConfigException) e).key()).isEqualTo("cache.backends.l1.max_size"));
        assertThatThrownBy(() -> TerraceConfig.builder()
                        .cache("books", c -> c.redis(redis -> redis.host("elsewhere")))
                        .build())
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("cache.caches.books.backends.l3.host belongs to the whole cache manager");
    }
}
