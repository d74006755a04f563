package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commented reference file cannot drift from the keys the provider knows. */
class ReferenceFileTest {

    private static final String REFERENCE = "/dev/terrace/jcache/terrace-reference.yaml";

    private static Val reference() throws IOException {
        try (InputStream in = ReferenceFileTest.class.getResourceAsStream(REFERENCE);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return YamlReader.read(reader, REFERENCE);
        }
    }

    @Test
    void theReferenceFileIsAValidConfiguration() throws IOException {
        try (InputStream in = ReferenceFileTest.class.getResourceAsStream(REFERENCE);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            TerraceConfig config = TerraceConfig.read(reader, REFERENCE, name -> null);
            assertThat(config.settingsFor(null, null).stack()).isEqualTo(TierStack.HEAP);
        }
    }

    @Test
    void theReferenceFileListsEveryKeyWithItsDefault() throws IOException {
        Map<String, String> listed = new LinkedHashMap<>();
        leaves("", reference().map().get("cache"), listed);
        listed.remove("templates");
        listed.remove("caches");
        assertThat(listed.keySet())
                .as("every key the provider knows is in the reference file, and no other")
                .containsExactlyInAnyOrderElementsOf(ConfigSchema.KEYS.keySet());
        for (ConfigSchema.Key key : ConfigSchema.KEYS.values()) {
            if (key.defaultValue() != null) {
                assertThat(listed.get(key.path()))
                        .as("the reference file gives %s its default", key.path())
                        .isEqualTo(key.defaultValue().replace("\"", ""));
            }
        }
    }

    @Test
    void theDefaultsInTheReferenceFileAreTheProvidersDefaults() {
        TerraceSettings builtIn = TerraceSettings.from(new java.util.Properties());
        assertThat(ConfigSchema.KEYS.get("backends.l1.max_size").defaultValue())
                .isEqualTo(Long.toString(builtIn.heapMaxEntries()));
        assertThat(ConfigSchema.KEYS.get("backends.l2.max_size_mb").defaultValue())
                .isEqualTo(Long.toString(builtIn.diskMaxBytes() / (1024 * 1024)));
        RedisSettings redis = RedisSettings.from(new java.util.Properties());
        assertThat("redis://" + ConfigSchema.KEYS.get("backends.l3.host").defaultValue() + ":"
                        + ConfigSchema.KEYS.get("backends.l3.port").defaultValue())
                .isEqualTo(redis.address());
        assertThat(ConfigSchema.KEYS.get("backends.l3.timeout_ms").defaultValue())
                .isEqualTo(Long.toString(redis.timeout().toMillis()));
        assertThat(ConfigSchema.KEYS.get("backends.l3.connect_timeout_ms").defaultValue())
                .isEqualTo(Long.toString(redis.connectTimeout().toMillis()));
        assertThat(ConfigSchema.KEYS.get("backends.l3.pool_size").defaultValue())
                .isEqualTo(Integer.toString(redis.poolSize()));
        assertThat(ConfigSchema.KEYS.get("backends.l3.namespace").defaultValue())
                .isEqualTo(redis.namespace());
    }

    private static void leaves(String prefix, Val node, Map<String, String> into) {
        for (Map.Entry<String, Val> entry : node.map().entrySet()) {
            String path = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            Val value = entry.getValue();
            boolean section = value.isMap() && ConfigSchema.isSection(path);
            if (section) {
                leaves(path, value, into);
            } else if (value.isList()) {
                into.put(path, value.list().isEmpty() ? "[]" : value.list().toString());
            } else {
                into.put(path, value.value() == null ? "" : value.value().toString());
            }
        }
    }
}
