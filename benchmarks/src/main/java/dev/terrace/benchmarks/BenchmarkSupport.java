package dev.terrace.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/** What the benchmarks share: the key set, the value, and how Terrace managers are made and torn down. */
final class BenchmarkSupport {

    /** Terrace's provider, named so that another JCache provider on the class path cannot be picked instead. */
    static final String PROVIDER = "dev.terrace.jcache.TerraceCachingProvider";

    /** How many distinct keys each store is preloaded with. */
    static final int KEY_COUNT = 10_000;

    /** The size of every value, in bytes. */
    static final int VALUE_SIZE = 100;

    /** Enough megabytes that nothing of the key set is ever evicted from a disk store. */
    static final int DISK_MAX_MB = 512;

    /** How many precomputed random key picks each benchmark cycles through (a power of two). */
    static final int PICKS = 1 << 16;

    private BenchmarkSupport() {}

    /** {@code "key-" + i} for every key of the set. */
    static String[] keyStrings() {
        String[] keys = new String[KEY_COUNT];
        for (int i = 0; i < KEY_COUNT; i++) {
            keys[i] = "key-" + i;
        }
        return keys;
    }

    /** The UTF-8 bytes of each of {@code keys}. */
    static byte[][] utf8(String[] keys) {
        byte[][] bytes = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            bytes[i] = keys[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    /** A random order of key indexes, the same in every run, that every benchmark walks through. */
    static int[] picks() {
        return picks(KEY_COUNT);
    }

    /** {@link #PICKS} key indexes below {@code keyCount}, in a random order that is the same in every run. */
    static int[] picks(int keyCount) {
        Random random = new Random(20_261_125L);
        int[] picks = new int[PICKS];
        for (int i = 0; i < PICKS; i++) {
            picks[i] = random.nextInt(keyCount);
        }
        return picks;
    }

    /** The value every entry holds: {@value #VALUE_SIZE} fixed pseudo-random bytes. */
    static byte[] value() {
        return value(VALUE_SIZE);
    }

    /** {@code size} fixed pseudo-random bytes, the same in every run. */
    static byte[] value(int size) {
        byte[] value = new byte[size];
        new Random(107L).nextBytes(value);
        return value;
    }

    static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code directory} and everything under it. */
    static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new Terrace manager (its own URI, so no earlier manager is reused) with the tier stack {@code stack}
     * and its disk stores under {@code diskPath}.
     */
    static CacheManager terraceManager(String stack, Path diskPath) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", stack);
        properties.setProperty("terrace.l2.path", diskPath.toString());
        properties.setProperty("terrace.l2.max-size-mb", Integer.toString(DISK_MAX_MB));
        // Room for the whole key set, so that the heap tier never evicts.
        properties.setProperty("terrace.l1.max-entries", Integer.toString(4 * KEY_COUNT));
        URI uri = URI.create("terrace:benchmark-" + stack.replace('+', '-') + "-" + UUID.randomUUID());
        return Caching.getCachingProvider(PROVIDER)
                .getCacheManager(uri, BenchmarkSupport.class.getClassLoader(), properties);
    }

    /**
     * A store-by-value {@code Cache<String, byte[]>} with statistics and management off and the default
     * (eternal) expiry, preloaded with every key of {@code keys} mapped to {@code value}.
     */
    static Cache<String, byte[]> preloadedCache(CacheManager manager, String[] keys, byte[] value) {
        MutableConfiguration<String, byte[]> configuration = new MutableConfiguration<String, byte[]>()
                .setTypes(String.class, byte[].class)
                .setStoreByValue(true)
                .setStatisticsEnabled(false)
                .setManagementEnabled(false);
        Cache<String, byte[]> cache = manager.createCache("bench", configuration);
        for (String key : keys) {
            cache.put(key, value);
        }
        return cache;
    }

    /** Fails the setup early when a store does not hold what it was preloaded with. */
    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
