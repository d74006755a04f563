package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.config.TerraceConfig;
import dev.terrace.jcache.config.TerraceConfiguration;
import dev.terrace.jcache.config.TierStack;
import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.internal.tier.disk.DiskTier;
import java.nio.file.Path;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A typed per-cache configuration given to {@code createCache} in code. */
class TerraceConfigurationTest {

    @TempDir
    Path root;

    @SuppressWarnings("unchecked")
    private static TieredStore<Object> tiers(Cache<?, ?> cache) {
        return (TieredStore<Object>) cache.unwrap(TieredStore.class);
    }

    @Test
    void theStackAndTierBoundsGivenInCodeAreTheOnesTheCacheRunsWith() {
        try (CacheManager manager = Caches.manager("terrace.l2.path", root.toString())) {
            Cache<Integer, String> cache = manager.createCache(
                    "typed",
                    new TerraceConfiguration<Integer, String>()
                            .setTypes(Integer.class, String.class)
                            .setStack(TierStack.HEAP_DISK)
                            .setHeapMaxEntries(10)
                            .setDiskMaxSizeMb(8));
            for (int i = 0; i < 100; i++) {
                cache.put(i, "v" + i);
            }
            TieredStore<Object> tiers = tiers(cache);
            assertThat(tiers.tiers())
                    .as("heap over disk, though the manager's stack is heap")
                    .hasSize(2);
            assertThat(tiers.authority()).isInstanceOf(DiskTier.class);
            HeapTier<Object> heap = (HeapTier<Object>) tiers.tiers().get(0);
            heap.cleanUp();
            assertThat(heap.size())
                    .as("heap bounded at the 10 entries set in code")
                    .isLessThanOrEqualTo(10);
            assertThat(tiers.authority().size()).isEqualTo(100);

            TerraceConfiguration<Integer, String> effective = cache.getConfiguration(TerraceConfiguration.class);
            assertThat(effective.getStack()).contains(TierStack.HEAP_DISK);
            assertThat(effective.getHeapMaxEntries()).contains(10L);
            assertThat(effective.getDiskMaxSizeMb()).contains(8L);
            assertThat(effective.getKeyType()).isEqualTo(Integer.class);
        }
    }

    @Test
    void settingsLeftUnsetComeFromTheManagerAndCodeWinsOverTheYamlFile() {
        TerraceConfig yaml = TerraceConfig.parse("""
                cache:
                  stack: heap
                  backends:
                    l1:
                      max_size: 321
                  caches:
                    declared:
                      stack: heap+disk
                      backends:
                        l2:
                          max_size_mb: 16
                """);
        try (CacheManager manager = Caches.manager(
                "terrace.l2.path", root.toString(), TerraceConfig.PROPERTY, yaml, "terrace.l2.max-size-mb", "32")) {
            Cache<String, String> plain = manager.createCache(
                    "plain", new TerraceConfiguration<String, String>().setStack(TierStack.HEAP_DISK));
            TerraceConfiguration<String, String> effective = plain.getConfiguration(TerraceConfiguration.class);
            assertThat(effective.getHeapMaxEntries())
                    .as("from the YAML defaults")
                    .contains(321L);
            assertThat(effective.getDiskMaxSizeMb())
                    .as("from the manager's properties")
                    .contains(32L);
            assertThat(effective.getStack()).as("from code").contains(TierStack.HEAP_DISK);

            Cache<String, String> declared = manager.getCache("declared");
            TerraceConfiguration<String, String> declaredConfiguration =
                    declared.getConfiguration(TerraceConfiguration.class);
            assertThat(declaredConfiguration.getStack())
                    .as("a cache the YAML file declares keeps its own stack")
                    .contains(TierStack.HEAP_DISK);
            assertThat(declaredConfiguration.getDiskMaxSizeMb())
                    .as("the manager's properties win over the YAML file, as for every setting")
                    .contains(32L);
        }
    }

    @Test
    void theJcacheSettingsTravelWithTheTierSettingsAndAPlainConfigurationStaysPlain() {
        try (CacheManager manager = Caches.manager("terrace.l2.path", root.toString())) {
            TerraceConfiguration<String, String> given = new TerraceConfiguration<String, String>()
                    .setTypes(String.class, String.class)
                    .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.ONE_HOUR))
                    .setStatisticsEnabled(true)
                    .setHeapTtl(Duration.ofSeconds(30));
            Cache<String, String> cache = manager.createCache("jcache-settings", given);
            given.setHeapTtl(Duration.ofSeconds(99));

            CompleteConfiguration<String, String> complete = cache.getConfiguration(CompleteConfiguration.class);
            assertThat(complete).isInstanceOf(TerraceConfiguration.class);
            assertThat(complete.isStatisticsEnabled()).isTrue();
            assertThat(complete.getExpiryPolicyFactory().create()).isInstanceOf(CreatedExpiryPolicy.class);
            assertThat(((TerraceConfiguration<String, String>) complete).getHeapTtl())
                    .as("the cache took a copy: a later change to the caller's object does not reach it")
                    .contains(Duration.ofSeconds(30));

            Cache<String, String> plain = manager.createCache("plain", new MutableConfiguration<>());
            assertThat(plain.getConfiguration(CompleteConfiguration.class))
                    .as("a cache created with a MutableConfiguration answers with one, as before")
                    .isExactlyInstanceOf(MutableConfiguration.class);
            TerraceConfiguration<String, String> plainTiers = plain.getConfiguration(TerraceConfiguration.class);
            assertThat(plainTiers.getStack())
                    .as("but its tier settings can be asked for")
                    .contains(TierStack.HEAP);
        }
    }

    @Test
    void aTierSettingForATierTheStackLacksIsRefusedAtCreation() {
        try (CacheManager manager = Caches.manager("terrace.l2.path", root.toString())) {
            assertThatThrownBy(() -> manager.createCache(
                            "no-disk", new TerraceConfiguration<String, String>().setDiskMaxSizeMb(4)))
                    .isInstanceOf(javax.cache.CacheException.class)
                    .hasMessageContaining("diskMaxSizeMb")
                    .hasMessageContaining("heap");
            assertThat(manager.getCache("no-disk"))
                    .as("no half-made cache is left behind")
                    .isNull();
        }
    }

    @Test
    void wrongTierSettingsAreRefusedWhereTheyAreMade() {
        TerraceConfiguration<String, String> config = new TerraceConfiguration<>();
        assertThatThrownBy(() -> config.setHeapMaxEntries(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heapMaxEntries");
        assertThatThrownBy(() -> config.setDiskMaxSizeMb(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("diskMaxSizeMb");
        assertThatThrownBy(() -> config.setRedisTtl(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole number of seconds");
        assertThat(config.tierProperties())
                .as("nothing was set by the refused calls")
                .isEmpty();
    }
}
