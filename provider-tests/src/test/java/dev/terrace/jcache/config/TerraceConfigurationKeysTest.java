package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each setting of {@link TerraceConfiguration} has one YAML key, and both become the same property. */
class TerraceConfigurationKeysTest {

    @Test
    void everySettingMapsToTheYamlKeyThatBecomesTheSameProperty() {
        TerraceConfiguration<String, String> all = new TerraceConfiguration<String, String>()
                .setStack(TierStack.HEAP_DISK_REDIS)
                .setHeapMaxEntries(7)
                .setHeapTtl(Duration.ofSeconds(1))
                .setDiskMaxSizeMb(9)
                .setDiskFsync(true)
                .setDiskTtl(Duration.ofSeconds(2))
                .setRedisTtl(Duration.ofSeconds(3));
        Map<String, String> properties = all.tierProperties();
        Map<String, String> settingOfProperty = Map.of(
                TerraceSettings.STACK, "stack",
                TerraceSettings.HEAP_MAX_ENTRIES, "heapMaxEntries",
                TerraceSettings.HEAP_TTL_SECONDS, "heapTtl",
                TerraceSettings.DISK_MAX_MB, "diskMaxSizeMb",
                TerraceSettings.DISK_FSYNC, "diskFsync",
                TerraceSettings.DISK_TTL_SECONDS, "diskTtl",
                TerraceSettings.REDIS_TTL_SECONDS, "redisTtl");
        assertThat(properties.keySet()).containsExactlyInAnyOrderElementsOf(settingOfProperty.keySet());
        settingOfProperty.forEach((property, setting) -> {
            ConfigSchema.Key key = ConfigSchema.KEYS.get(TerraceConfiguration.yamlKeyOf(setting));
            assertThat(key).as("YAML key of %s", setting).isNotNull();
            assertThat(key.property())
                    .as("property of the YAML key of %s", setting)
                    .isEqualTo(property);
            assertThat(key.scope()).as("%s is a per-cache key", setting).isEqualTo(ConfigSchema.Scope.CACHE);
        });
        assertThatThrownBy(() -> TerraceConfiguration.yamlKeyOf("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }
}
