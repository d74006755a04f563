package dev.terrace.jcache.fault.redis;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.DeadlockWatchdog;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
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
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One Redis fault under load: several cache managers (each with its own connection, alternately on {@code
 * heap+disk+redis} and {@code heap+redis}) read and change a few hot keys while a fault is injected into a real
 * {@code redis-server}; then the load stops and the run checks, against a manager without near tiers, that
 * every manager serves Redis's value for every key within the quiet period (divergent keys), that only the
 * spec's exceptions reached callers, and that no Java-level deadlock formed. Used by {@code RedisFaultSuiteTest}
 * (short, in the build) and {@code RedisFaultTrials} (long, in benchmarks/).
 */
public final class RedisFaultRun {

    /** The faults injected. */
    public enum Fault {
        KILL_RESTART,
        RESTART_LOOP,
        CLIENT_KILL,
        FLUSHALL,
        OUT_OF_MEMORY,
        CONTROL_KEYS_DELETED
    }

    /** What one run saw. */
    public record Result(
            Fault fault,
            long operations,
            long failures,
            Map<String, Long> exceptions,
            long nonSpec,
            int divergentKeys,
            long convergeMillis,
            boolean deadlock) {

        /** Whether the run met every goal. */
        public boolean clean() {
            return nonSpec == 0 && divergentKeys == 0 && !deadlock;
        }
    }

    private final Fault fault;
    private final Path work;
    private final int managers;
    private final int keys;
    private final long operationsPerPhase;
    private final Duration quiet;
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong nonSpec = new AtomicLong();
    private final Map<String, AtomicLong> exceptions = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    /**
     * @param operationsPerPhase operations done before the fault, and again after it, before the load stops
     * @param quiet how long after the load stops every manager must agree with Redis
     */
    public RedisFaultRun(Fault fault, Path work, int managers, int keys, long operationsPerPhase, Duration quiet) {
        this.fault = fault;
        this.work = work;
        this.managers = managers;
        this.keys = keys;
        this.operationsPerPhase = operationsPerPhase;
        this.quiet = quiet;
    }

    /** Runs the fault once against a server of its own. */
    public Result run() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            List<CacheManager> opened = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            try {
                List<Cache<String, Integer>> caches = new ArrayList<>();
                for (int i = 0; i < managers; i++) {
                    CacheManager manager = manager(server, i % 2 == 0 ? "heap+disk+redis" : "heap+redis", i);
                    opened.add(manager);
                    caches.add(manager.createCache("hot", new MutableConfiguration<String, Integer>()));
                }
                CacheManager authorityManager = manager(server, "redis", managers);
                opened.add(authorityManager);
                Cache<String, Integer> authority =
                        authorityManager.createCache("hot", new MutableConfiguration<String, Integer>());
                for (Cache<String, Integer> cache : caches) {
                    Thread worker = new Thread(() -> load(cache), "fault-load");
                    worker.setDaemon(true);
                    worker.start();
                    workers.add(worker);
                }
                progress(operationsPerPhase);
                inject(server);
                progress(operationsPerPhase);
                stop.set(true);
                for (Thread worker : workers) {
                    worker.join(60_000);
                }
                DeadlockWatchdog.assertNoDeadlock();
                long quietStart = System.nanoTime();
                int divergent;
                try {
                    DeadlockWatchdog.awaitWithoutDeadlock(
                            quiet, "every manager agrees with Redis", () -> divergent(caches, authority) == 0);
                    divergent = 0;
                } catch (ConditionTimeoutException e) {
                    divergent = divergent(caches, authority);
                }
                long convergeMillis = (System.nanoTime() - quietStart) / 1_000_000;
                Map<String, Long> byType = new TreeMap<>();
                exceptions.forEach((type, count) -> byType.put(type, count.get()));
                return new Result(
                        fault,
                        operations.get(),
                        failures.get(),
                        byType,
                        nonSpec.get(),
                        divergent,
                        convergeMillis,
                        ManagementFactory.getThreadMXBean().findDeadlockedThreads() != null);
            } catch (AssertionError deadlock) {
                stop.set(true);
                return new Result(fault, operations.get(), failures.get(), Map.of(), nonSpec.get(), -1, -1, true);
            } finally {
                stop.set(true);
                for (CacheManager manager : opened) {
                    try {
                        manager.close();
                    } catch (RuntimeException e) {
                        // The next run starts from a fresh server.
                    }
                }
            }
        }
    }

    private CacheManager manager(RedisServer server, String stack, int index) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty("terrace.l3.timeout-ms", "500");
        settings.setProperty("terrace.l3.connect-timeout-ms", "500");
        settings.setProperty("terrace.l2.path", work.resolve("m" + index).toString());
        ClassLoader loader = new URLClassLoader(new URL[0], RedisFaultRun.class.getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(URI.create("terrace:fault"), loader, settings);
    }

    private void load(Cache<String, Integer> cache) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            String key = "k" + random.nextInt(keys);
            try {
                switch (random.nextInt(5)) {
                    case 0 -> cache.put(key, random.nextInt(1_000));
                    case 1 -> cache.remove(key);
                    case 2 ->
                        cache.invoke(key, (entry, arguments) -> {
                            entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
                            return null;
                        });
                    default -> cache.get(key);
                }
            } catch (Throwable e) {
                failures.incrementAndGet();
                exceptions
                        .computeIfAbsent(e.getClass().getSimpleName(), type -> new AtomicLong())
                        .incrementAndGet();
                if (!isSpec(e)) {
                    nonSpec.incrementAndGet();
                }
            }
            operations.incrementAndGet();
        }
    }

    private static boolean isSpec(Throwable e) {
        return e instanceof CacheException
                || e instanceof NullPointerException
                || e instanceof ClassCastException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException;
    }

    private void progress(long more) {
        long target = operations.get() + more;
        DeadlockWatchdog.awaitWithoutDeadlock(
                Duration.ofSeconds(120), "the load makes progress", () -> operations.get() >= target);
    }

    private void inject(RedisServer server) throws IOException {
        switch (fault) {
            case KILL_RESTART -> {
                server.kill();
                progress(operationsPerPhase / 4);
                server.restart();
            }
            case RESTART_LOOP -> {
                for (int i = 0; i < 3; i++) {
                    server.restart();
                    progress(operationsPerPhase / 8);
                }
            }
            case CLIENT_KILL -> {
                server.command("CLIENT KILL TYPE normal");
                server.command("CLIENT KILL TYPE pubsub");
            }
            case FLUSHALL -> server.command("FLUSHALL");
            case OUT_OF_MEMORY -> {
                server.command("CONFIG SET maxmemory-policy noeviction");
                server.command("CONFIG SET maxmemory 1");
                progress(operationsPerPhase / 4);
                server.command("CONFIG SET maxmemory 0");
            }
            case CONTROL_KEYS_DELETED ->
                server.command("EVAL \"for _, k in ipairs(redis.call('KEYS', '*:seq')) do redis.call('DEL', k) end"
                        + " for _, k in ipairs(redis.call('KEYS', '*:log')) do redis.call('DEL', k) end\" 0");
        }
    }

    /** How many keys some manager answers differently from Redis. */
    private int divergent(List<Cache<String, Integer>> caches, Cache<String, Integer> authority) {
        int divergent = 0;
        for (int k = 0; k < keys; k++) {
            String key = "k" + k;
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

    /** Runs {@code fault} once with a temporary directory, rethrowing I/O trouble unchecked. */
    public static Result once(Fault fault, Path work, int managers, int keys, long ops, Duration quiet) {
        try {
            return new RedisFaultRun(fault, work, managers, keys, ops, quiet).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
