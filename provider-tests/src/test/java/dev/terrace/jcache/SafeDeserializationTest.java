package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.config.TerraceConfig;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.copy.SerialFilterTest;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values read back from Redis or disk pass an allow-list before any object is made of them: a class nobody
 * allowed, planted in the store by another process, fails the read with an error naming it, and no instance
 * of it is ever created.
 */
class SafeDeserializationTest {

    private static final RedisServer SERVER = RedisServer.start();
    private static final String PLANTED = Planted.class.getName();

    @TempDir
    Path disk;

    @AfterAll
    static void stopRedis() {
        SERVER.close();
    }

    @BeforeEach
    void resetCount() {
        Planted.READS.set(0);
    }

    @Test
    void aValuePlantedInRedisIsRefusedWithoutBeingInstantiated() {
        plantAndRefuse(redisSettings(), "redis");
    }

    @Test
    void aValuePlantedOnDiskIsRefusedWithoutBeingInstantiated() {
        plantAndRefuse(diskSettings(), "disk");
    }

    @Test
    void aRefusedClassInsideAnAllowedCollectionIsStillRefused() {
        Properties settings = redisSettings();
        try (CacheManager planter = manager(settings, "nested", PLANTED);
                CacheManager reader = manager(settings, "nested", null)) {
            Map<String, Planted> map = new HashMap<>();
            map.put("inside", new Planted("payload"));
            planter.createCache("values", new MutableConfiguration<String, Object>())
                    .put("k", map);

            Cache<String, Object> cache = reader.createCache("values", new MutableConfiguration<>());

            assertThatThrownBy(() -> cache.get("k"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining(PLANTED);
            assertThat(Planted.READS).as("no Planted was deserialized").hasValue(0);
        }
    }

    @Test
    void theCachesDeclaredValueTypeIsAllowed() {
        Properties settings = redisSettings();
        try (CacheManager planter = manager(settings, "declared", PLANTED);
                CacheManager reader = manager(settings, "declared", null)) {
            planter.createCache("values", new MutableConfiguration<String, Object>())
                    .put("k", new Planted("v"));

            Cache<String, Planted> typed = reader.createCache(
                    "values", new MutableConfiguration<String, Planted>().setTypes(String.class, Planted.class));

            assertThat(typed.get("k").text).isEqualTo("v");
        }
    }

    @Test
    void theAllowListOfTheYamlFileApplies() {
        Properties settings = diskSettings();
        settings.put(
                TerraceConfig.PROPERTY, TerraceConfig.parse("cache: {serialization: {allow: [dev.terrace.jcache.*]}}"));
        try (CacheManager writer = manager(settings, "yaml", null)) {
            writer.createCache("values", new MutableConfiguration<String, Object>())
                    .put("k", new Planted("from the file's list"));
        }
        try (CacheManager reader = manager(settings, "yaml", null)) {
            Cache<String, Object> cache = reader.createCache("values", new MutableConfiguration<>());

            assertThat(cache.get("k"))
                    .as("serialization.allow in the YAML file allows the class, as the property would")
                    .isInstanceOfSatisfying(
                            Planted.class, p -> assertThat(p.text).isEqualTo("from the file's list"));
        }
    }

    @Test
    void theApplicationsClassesAnIntegrationNamesAddToTheYamlList() {
        Properties settings = diskSettings();
        settings.put(TerraceConfig.PROPERTY, TerraceConfig.parse("cache: {serialization: {allow: [java.io.File]}}"));
        settings.setProperty(SerialFilter.APPLICATION, "dev.terrace.jcache.**");
        try (CacheManager writer = manager(settings, "application", null)) {
            Cache<String, Object> cache = writer.createCache("values", new MutableConfiguration<>());
            cache.put("record", new Book("978-0134685991", "Effective Java"));
            cache.put("file", new java.io.File("notes.txt"));
        }
        try (CacheManager reader = manager(settings, "application", null)) {
            Cache<String, Object> cache = reader.createCache("values", new MutableConfiguration<>());

            assertThat(cache.get("record"))
                    .as("a record of the application read back from disk after a restart")
                    .isEqualTo(new Book("978-0134685991", "Effective Java"));
            assertThat(cache.get("file")).as("the file's list still applies").isEqualTo(new java.io.File("notes.txt"));
        }
    }

    @Test
    void classesAllowedWhileTheManagerRunsApplyToCachesCreatedBefore() {
        Properties settings = diskSettings();
        try (CacheManager writer = manager(settings, "later", null)) {
            Cache<String, Object> cache = writer.createCache("values", new MutableConfiguration<>());
            cache.put("record", new Book("978-0134685991", "Effective Java"));
            cache.put("planted", new Planted("gadget"));
        }
        try (CacheManager reader = manager(settings, "later", null)) {
            Cache<String, Object> cache = reader.createCache("values", new MutableConfiguration<>());
            assertThatThrownBy(() -> cache.get("record"))
                    .as("not allowed yet")
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining(Book.class.getName());

            reader.unwrap(TerraceCacheManager.class).allowClasses(List.of(Book.class.getName()));

            assertThat(cache.get("record"))
                    .as("allowed from now on, in a cache created before")
                    .isEqualTo(new Book("978-0134685991", "Effective Java"));
            assertThatThrownBy(() -> cache.get("planted"))
                    .as("only what was allowed")
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining(PLANTED);
            assertThat(Planted.READS).as("no Planted was deserialized").hasValue(0);
            assertThatThrownBy(() -> reader.unwrap(TerraceCacheManager.class).allowClasses(List.of("!java.**")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("!java.**");
        }
    }

    /** Nested sets whose hash codes take 2^depth steps, planted in Redis: the read fails at once. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNestedHashSetBombPlantedInRedisIsRefused() {
        Properties settings = redisSettings();
        try (CacheManager planter = manager(settings, "bomb", null)) {
            planter.createCache("values", new MutableConfiguration<String, Object>())
                    .put("bomb", SerialFilterTest.hashSetBomb(100));
        }
        try (CacheManager reader = manager(settings, "bomb", null)) {
            Cache<String, Object> cache = reader.createCache("values", new MutableConfiguration<>());
            assertThat(cache.containsKey("bomb"))
                    .as("the planted entry is there")
                    .isTrue();

            assertThatThrownBy(() -> cache.get("bomb"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining(SerialFilter.MAX_DEPTH);
        }
    }

    @Test
    void aPatternThatRejectsIsAConfigurationError() {
        Properties settings = new Properties();
        settings.setProperty(SerialFilter.ALLOW, "!java.**");

        assertThatThrownBy(() -> SerialFilter.from(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SerialFilter.ALLOW)
                .hasMessageContaining("!java.**");
    }

    private void plantAndRefuse(Properties settings, String name) {
        try (CacheManager planter = manager(settings, name, PLANTED)) {
            Cache<String, Object> cache = planter.createCache("values", new MutableConfiguration<>());
            cache.put("planted", new Planted("gadget"));
            cache.put("plain", "text");
        }
        try (CacheManager reader = manager(settings, name, null)) {
            Cache<String, Object> cache = reader.createCache("values", new MutableConfiguration<>());

            assertThatThrownBy(() -> cache.get("planted"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining(PLANTED)
                    .hasMessageContaining(SerialFilter.ALLOW);
            assertThat(Planted.READS).as("no Planted was deserialized").hasValue(0);
            assertThat(cache.get("plain")).as("allowed values still read").isEqualTo("text");
        }
        try (CacheManager allowed = manager(settings, name, PLANTED)) {
            Cache<String, Object> cache = allowed.createCache("values", new MutableConfiguration<>());

            assertThat(cache.get("planted"))
                    .as("the refused read left the entry intact for a reader that allows it")
                    .isInstanceOfSatisfying(
                            Planted.class, p -> assertThat(p.text).isEqualTo("gadget"));
        }
    }

    private Properties redisSettings() {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "redis");
        settings.setProperty("terrace.l3.address", SERVER.address());
        return settings;
    }

    private Properties diskSettings() {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+disk");
        settings.setProperty("terrace.l2.path", disk.toString());
        return settings;
    }

    private CacheManager manager(Properties base, String name, String allow) {
        Properties settings = new Properties();
        settings.putAll(base);
        if (allow != null) {
            settings.setProperty(SerialFilter.ALLOW, allow);
        }
        // Its own class loader makes each manager a separate one, as in another process.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:safe-" + name), loader, settings);
    }

    record Book(String isbn, String title) implements Serializable {}

    /** A class no reader allowed: it counts every instance deserialization makes of it. */
    static final class Planted implements Serializable {
        static final AtomicInteger READS = new AtomicInteger();
        private static final long serialVersionUID = 1L;
        final String text;

        Planted(String text) {
            this.text = text;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            READS.incrementAndGet();
            in.defaultReadObject();
        }
    }
}
