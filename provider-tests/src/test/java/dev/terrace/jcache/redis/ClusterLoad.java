package dev.terrace.jcache.redis;

import dev.terrace.jcache.TerraceCachingProvider;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Load on one cache spread over a {@link RedisCluster}: several cache managers (each with its own class loader and
 * so its own connection, alternately on {@code heap+disk+redis} and {@code heap+redis}) read and change a set of
 * hot keys, one thread each, while a test does something to the cluster; then {@link #awaitConvergence} checks,
 * against a manager without near tiers, that every manager serves the Cluster's value for every key.
 *
 * <p>Every operation of the load either succeeds or fails with a {@link CacheException}: anything else reaching a
 * caller is counted as outside the spec ({@link #nonSpec()}), with the first one kept for the failure message.
 */
final class ClusterLoad implements AutoCloseable {

    static final String CACHE = "hot";
    private static final URI MANAGER = URI.create("terrace:cluster-load");

    private final RedisCluster cluster;
    private final Path work;
    private final int keys;
    private final List<CacheManager> managers = new ArrayList<>();
    private final List<Cache<String, Integer>> caches = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final Cache<String, Integer> authority;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong cleanStreak = new AtomicLong();
    private final AtomicLong nonSpec = new AtomicLong();
    private final AtomicReference<Throwable> firstNonSpec = new AtomicReference<>();
    private final Map<String, AtomicLong> exceptions = new ConcurrentHashMap<>();
    private final Map<String, String> lastMessages = new ConcurrentHashMap<>();

    ClusterLoad(RedisCluster cluster, Path work, int managerCount, int keys) {
        this.cluster = cluster;
        this.work = work;
        this.keys = keys;
        for (int i = 0; i < managerCount; i++) {
            CacheManager manager = manager(i % 2 == 0 ? "heap+disk+redis" : "heap+redis", i);
            managers.add(manager);
            caches.add(manager.createCache(CACHE, new MutableConfiguration<String, Integer>()));
        }
        CacheManager authorityManager = manager("redis", managerCount);
        managers.add(authorityManager);
        authority = authorityManager.createCache(CACHE, new MutableConfiguration<String, Integer>());
        for (int k = 0; k < keys; k++) {
            authority.put(key(k), k);
        }
    }

    private CacheManager manager(String stack, int index) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.mode", "cluster");
        settings.setProperty("terrace.l3.nodes", cluster.nodes());
        settings.setProperty("terrace.l3.timeout-ms", "500");
        settings.setProperty("terrace.l3.connect-timeout-ms", "500");
        settings.setProperty("terrace.l2.path", work.resolve("m" + index).toString());
        ClassLoader loader = new URLClassLoader(new URL[0], ClusterLoad.class.getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(MANAGER, loader, settings);
    }

    static String key(int k) {
        return "k" + k;
    }

    /** Starts one thread of load per manager (the manager without near tiers only judges). */
    void start() {
        for (Cache<String, Integer> cache : caches) {
            Thread worker = new Thread(() -> load(cache), "cluster-load");
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
    }

    private void load(Cache<String, Integer> cache) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            String key = key(random.nextInt(keys));
            try {
                int choice = random.nextInt(10);
                if (choice < 3) {
                    cache.put(key, random.nextInt(1_000_000));
                    writes.incrementAndGet();
                } else if (choice < 4) {
                    cache.remove(key);
                    writes.incrementAndGet();
                } else if (choice < 5) {
                    cache.invoke(key, (entry, arguments) -> {
                        entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
                        return null;
                    });
                    writes.incrementAndGet();
                } else {
                    cache.get(key);
                }
                cleanStreak.incrementAndGet();
            } catch (Throwable e) {
                cleanStreak.set(0);
                failures.incrementAndGet();
                exceptions
                        .computeIfAbsent(e.getClass().getSimpleName(), type -> new AtomicLong())
                        .incrementAndGet();
                lastMessages.put(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
                // None of these operations may fail but with a CacheException (or a subclass) under a fault.
                if (!(e instanceof CacheException)) {
                    nonSpec.incrementAndGet();
                    firstNonSpec.compareAndSet(null, e);
                }
            }
            operations.incrementAndGet();
        }
    }

    /** Waits until the load did {@code more} operations (failed ones included), failing on a deadlock. */
    void progress(long more) {
        long target = operations.get() + more;
        DeadlockWatchdog.awaitWithoutDeadlock(
                Duration.ofSeconds(120), "the load makes progress", () -> operations.get() >= target);
    }

    /** Waits until the load made {@code more} changes that succeeded, failing on a deadlock. */
    void progressWrites(long more) {
        long target = writes.get() + more;
        DeadlockWatchdog.awaitWithoutDeadlock(
                Duration.ofSeconds(120), "the load's changes succeed", () -> writes.get() >= target);
    }

    /** Waits until {@code count} operations in a row succeeded (every manager is served again). */
    void awaitService(int count, Duration atMost) {
        DeadlockWatchdog.awaitWithoutDeadlock(
                atMost, count + " operations in a row succeed", () -> cleanStreak.get() >= count);
    }

    /** Stops the load and waits for its threads. */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread worker : workers) {
            worker.join(60_000);
        }
    }

    /** How many keys some manager answers differently from the Cluster now (a read that fails counts). */
    int divergent() {
        int divergent = 0;
        for (int k = 0; k < keys; k++) {
            String key = key(k);
            try {
                Integer truth = authority.get(key);
                for (Cache<String, Integer> cache : caches) {
                    if (!Objects.equals(truth, cache.get(key))) {
                        divergent++;
                        break;
                    }
                }
            } catch (RuntimeException e) {
                divergent++;
            }
        }
        return divergent;
    }

    /**
     * Waits up to {@code atMost} until no key diverges, failing at once on a deadlock.
     *
     * @return how long it took in milliseconds, or -1 if keys still diverged at the end
     */
    long awaitConvergence(Duration atMost) {
        long start = System.nanoTime();
        try {
            DeadlockWatchdog.awaitWithoutDeadlock(
                    atMost, "every manager agrees with the Cluster", () -> divergent() == 0);
            return (System.nanoTime() - start) / 1_000_000;
        } catch (ConditionTimeoutException e) {
            return -1;
        }
    }

    long operations() {
        return operations.get();
    }

    long nonSpec() {
        return nonSpec.get();
    }

    Throwable firstNonSpec() {
        return firstNonSpec.get();
    }

    /** The exceptions that reached callers, by simple class name. */
    Map<String, Long> exceptions() {
        Map<String, Long> byType = new TreeMap<>();
        exceptions.forEach((type, count) -> byType.put(type, count.get()));
        return byType;
    }

    /** The message of the last exception of each type that reached a caller, for reports. */
    Map<String, String> lastMessages() {
        return new TreeMap<>(lastMessages);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        for (CacheManager manager : managers) {
            try {
                manager.close();
            } catch (RuntimeException e) {
                // The cluster goes with the test.
            }
        }
    }
}
