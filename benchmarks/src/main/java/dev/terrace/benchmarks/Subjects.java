package dev.terrace.benchmarks;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * The JCache caches the peer benchmarks compare, each made the way its users would make it from a plain
 * {@link MutableConfiguration}: store-by-value (the JCache default), statistics and management off, eternal.
 * Every provider is named explicitly, since four of them share the class path.
 */
final class Subjects {

    static final String TERRACE = "dev.terrace.jcache.TerraceCachingProvider";
    static final String CAFFEINE = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";
    static final String EHCACHE = "org.ehcache.jsr107.EhcacheCachingProvider";
    static final String REDISSON = "org.redisson.jcache.JCachingProvider";

    /** The Terrace tier stacks measured, as {@code terrace.stack} names them. */
    static final String[] TERRACE_STACKS = {"heap", "heap+disk", "heap+disk+redis", "redis"};

    /** The peers: Caffeine's, Ehcache 3's (heap) and Redisson's JCache providers. */
    static final String[] PEERS = {"caffeine-jcache", "ehcache-jcache", "redisson-jcache"};

    private Subjects() {}

    /** An open cache and what has to be closed with it. */
    record Opened(Cache<String, byte[]> cache, Runnable closer) {}

    /** Whether {@code subject} keeps its data in Redis. */
    static boolean usesRedis(String subject) {
        return subject.endsWith("redis") || subject.startsWith("redisson");
    }

    /**
     * Opens an empty cache of {@code subject} (a Terrace stack or a peer's name); {@code directory} holds
     * Terrace's disk stores, {@code redisAddress} is the server every Redis-backed subject uses.
     */
    static Opened open(String subject, Path directory, String redisAddress, int heapEntries) {
        MutableConfiguration<String, byte[]> configuration = new MutableConfiguration<String, byte[]>()
                .setTypes(String.class, byte[].class)
                .setStoreByValue(true)
                .setStatisticsEnabled(false)
                .setManagementEnabled(false);
        switch (subject) {
            case "caffeine-jcache", "ehcache-jcache" -> {
                CachingProvider provider =
                        Caching.getCachingProvider(subject.startsWith("caffeine") ? CAFFEINE : EHCACHE);
                // The providers' default URIs: Ehcache reads any other URI as an XML file.
                CacheManager manager =
                        provider.getCacheManager(provider.getDefaultURI(), Subjects.class.getClassLoader());
                Cache<String, byte[]> cache = manager.createCache("bench-" + UUID.randomUUID(), configuration);
                return new Opened(cache, manager::close);
            }
            case "redisson-jcache" -> {
                RedissonClient client = redisson(redisAddress);
                CachingProvider provider = Caching.getCachingProvider(REDISSON);
                CacheManager manager =
                        provider.getCacheManager(provider.getDefaultURI(), Subjects.class.getClassLoader());
                Cache<String, byte[]> cache = manager.createCache(
                        "bench-" + UUID.randomUUID(), RedissonConfiguration.fromInstance(client, configuration));
                return new Opened(cache, () -> {
                    manager.close();
                    client.shutdown();
                });
            }
            default -> {
                CacheManager manager = terraceManager(subject, directory, redisAddress, heapEntries);
                Cache<String, byte[]> cache = manager.createCache("bench", configuration);
                return new Opened(cache, manager::close);
            }
        }
    }

    /** A new Terrace manager of the tier stack {@code stack}, with its own URI and Redis namespace. */
    static CacheManager terraceManager(String stack, Path directory, String redisAddress, int heapEntries) {
        return terraceManager(
                URI.create("terrace:bench-" + stack.replace('+', '-') + "-" + UUID.randomUUID()),
                stack,
                directory,
                redisAddress,
                heapEntries);
    }

    /**
     * A Terrace manager named {@code uri}: managers of the same name in different processes share their
     * caches' Redis data.
     */
    static CacheManager terraceManager(URI uri, String stack, Path directory, String redisAddress, int heapEntries) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", stack);
        properties.setProperty("terrace.l1.max-entries", Integer.toString(heapEntries));
        if (directory != null) {
            properties.setProperty("terrace.l2.path", directory.toString());
            properties.setProperty("terrace.l2.max-size-mb", Integer.toString(BenchmarkSupport.DISK_MAX_MB));
        }
        if (redisAddress != null) {
            properties.setProperty("terrace.l3.address", redisAddress);
        }
        return Caching.getCachingProvider(TERRACE).getCacheManager(uri, Subjects.class.getClassLoader(), properties);
    }

    /** A Redisson client of its own (unshaded Redisson, as an application would use it) for {@code address}. */
    static RedissonClient redisson(String address) {
        Config config = new Config();
        config.useSingleServer().setAddress(address);
        return Redisson.create(config);
    }
}
