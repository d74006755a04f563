package dev.terrace.jcache.sentinel;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.internal.tier.redis.RedisHealth;
import dev.terrace.jcache.internal.tier.redis.RedisTiers;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;

/**
 * One JVM of the Sentinel failover check: a {@code heap+disk+redis} cache through Sentinel, read and written
 * at random on a small shared key set by a load thread, driven line by line on its input:
 *
 * <ul>
 *   <li>{@code go}: starts the load; {@code halt}: stops it, writes the history file, answers {@code halted};
 *   <li>{@code first-redis-write-after T}: the end (epoch ms) of the first write after {@code T} that reached
 *       Redis (Redis known up before and after it), {@code -1} if none yet;
 *   <li>{@code hits-between A B}: reads begun between {@code A} and {@code B} (epoch ms) that returned a value;
 *   <li>{@code failures}: exceptions the cache's callers saw, {@code Type:count,...}; {@code nonspec} the
 *       number of those the JCache specification does not allow;
 *   <li>{@code dump}: every key's value as this process reads it, {@code k=v} separated by spaces ({@code -}
 *       for none).
 * </ul>
 *
 * <p>Arguments: the sentinels' addresses, the disk directory, the worker number, the number of keys and the
 * history file (lines {@code W|R key value beganMicros endedMicros}, successful operations only).
 */
public final class SentinelLoadProcess {

    static final URI MANAGER = URI.create("terrace:sentinel-load");
    static final String CACHE = "shared";

    private final Cache<String, String> cache;
    private final RedisHealth health;
    private final int worker;
    private final int keys;
    private final List<String> history = new ArrayList<>();
    private final List<long[]> redisWrites = new ArrayList<>();
    private final List<long[]> hits = new ArrayList<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread load;

    private SentinelLoadProcess(Cache<String, String> cache, RedisHealth health, int worker, int keys) {
        this.cache = cache;
        this.health = health;
        this.worker = worker;
        this.keys = keys;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // Standard output carries the answers; logs go to standard error.
        System.setOut(System.err);
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(
                        MANAGER,
                        SentinelLoadProcess.class.getClassLoader(),
                        SentinelModeTest.settings(args[0], args[1]))) {
            Cache<String, String> cache = manager.getCache(CACHE) != null
                    ? manager.getCache(CACHE)
                    : manager.createCache(CACHE, new MutableConfiguration<>());
            // The manager's Redis connection is not public: this test reads its health to tell a write that
            // reached Redis from one the near tiers took while Redis was unreachable.
            Method redis = TerraceCacheManager.class.getDeclaredMethod("redis");
            redis.setAccessible(true);
            RedisHealth health = ((RedisTiers.Link) redis.invoke(manager.unwrap(TerraceCacheManager.class)))
                    .connection()
                    .health();
            SentinelLoadProcess process =
                    new SentinelLoadProcess(cache, health, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "go" -> {
                        process.start();
                        out.println("going");
                    }
                    case "halt" -> {
                        process.halt(Path.of(args[4]));
                        out.println("halted");
                    }
                    case "first-redis-write-after" ->
                        out.println(process.firstRedisWriteAfter(Long.parseLong(words[1])));
                    case "hits-between" ->
                        out.println(process.hitsBetween(Long.parseLong(words[1]), Long.parseLong(words[2])));
                    case "failures" -> out.println(process.failures());
                    case "nonspec" -> out.println(process.nonSpec());
                    case "dump" -> out.println(process.dump());
                    default -> out.println("unknown command " + words[0]);
                }
            }
        }
    }

    private void start() {
        running = true;
        load = new Thread(this::run, "sentinel-load");
        load.start();
    }

    private void run() {
        Random random = new Random(worker * 7919L);
        long written = 0;
        while (running) {
            LockSupport.parkNanos(1_000_000);
            String key = "k" + random.nextInt(keys);
            boolean write = random.nextInt(4) == 0;
            String value = write ? worker + ":" + written++ : null;
            boolean upBefore = !health.isDown();
            long began = micros();
            try {
                if (write) {
                    cache.put(key, value);
                } else {
                    value = cache.get(key);
                }
            } catch (RuntimeException | Error e) {
                failures.computeIfAbsent(e.getClass().getName(), name -> new LongAdder())
                        .increment();
                continue;
            }
            long ended = micros();
            boolean upAfter = !health.isDown();
            synchronized (this) {
                history.add((write ? "W " : "R ") + key + " " + (value == null ? "-" : value) + " " + began + " "
                        + ended + " ");
                if (write && upBefore && upAfter) {
                    redisWrites.add(new long[] {ended / 1000});
                } else if (!write && value != null) {
                    hits.add(new long[] {began / 1000});
                }
            }
        }
    }

    private void halt(Path file) throws Exception {
        running = false;
        load.join();
        try (BufferedWriter writer = Files.newBufferedWriter(file)) {
            synchronized (this) {
                for (String line : history) {
                    writer.write(line);
                    writer.newLine();
                }
            }
        }
    }

    private synchronized long firstRedisWriteAfter(long millis) {
        return redisWrites.stream()
                .mapToLong(w -> w[0])
                .filter(ended -> ended >= millis)
                .min()
                .orElse(-1);
    }

    private synchronized long hitsBetween(long from, long to) {
        return hits.stream().filter(h -> h[0] >= from && h[0] <= to).count();
    }

    private String failures() {
        return new TreeMap<>(failures)
                .entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue().sum())
                        .collect(Collectors.joining(","));
    }

    private long nonSpec() {
        return failures.entrySet().stream()
                .filter(e -> !allowed(e.getKey()))
                .mapToLong(e -> e.getValue().sum())
                .sum();
    }

    /** Whether the JCache specification lets an exception of this class leave a cache method. */
    static boolean allowed(String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            return false;
        }
        return CacheException.class.isAssignableFrom(type)
                || type == NullPointerException.class
                || type == ClassCastException.class
                || type == IllegalArgumentException.class
                || type == IllegalStateException.class
                || type == UnsupportedOperationException.class
                || EntryProcessorException.class.isAssignableFrom(type)
                || CacheLoaderException.class.isAssignableFrom(type)
                || CacheWriterException.class.isAssignableFrom(type);
    }

    private String dump() {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < keys; i++) {
            String value = cache.get("k" + i);
            line.append("k")
                    .append(i)
                    .append('=')
                    .append(value == null ? "-" : value)
                    .append(' ');
        }
        return line.toString().trim();
    }

    /** Wall-clock microseconds: every process on this machine reads the same clock. */
    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
