package dev.terrace.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14, batch operations on Redis: the bulk JCache operations of Terrace's Redis stacks next to Redisson's
 * JCache, through the same {@code Cache<String, byte[]>} interface, with the same keys and 100-byte values.
 *
 * <p>Each cache holds {@value #ENTRIES} keys {@code "key-" + i}. What one operation is:
 *
 * <ul>
 *   <li>{@link #getAll100}: {@code getAll} of 100 present keys (the next window of 100 of them). On {@code
 *       heap+disk+redis} the heap holds them all, so that is near hits; on {@code redis}, one batch from Redis;
 *   <li>{@link #putAll100}: {@code putAll} of 100 entries overwriting present keys;
 *   <li>{@link #iterate1000}: a walk of the iterator over all {@value #ENTRIES} entries, reading every value;
 *   <li>{@link #removeAll1000}: {@code removeAll()} of the {@value #ENTRIES} entries, put back before each call
 *       (outside the measured time).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class BulkPeerBenchmark {

    /** How many entries each cache holds. */
    static final int ENTRIES = 1_000;

    /** How many keys a {@code getAll} or {@code putAll} takes. */
    static final int BATCH = 100;

    /** One cache of one subject, preloaded with {@value #ENTRIES} entries. */
    @State(Scope.Benchmark)
    public static class Subject {
        @Param({"redis", "heap+disk+redis", "redisson-jcache"})
        public String subject;

        byte[] value;
        Map<String, byte[]> all;
        /** {@code ENTRIES / BATCH} windows of {@code BATCH} keys, and the same as maps to put. */
        Set<String>[] windows;

        Map<String, byte[]>[] puts;
        Cache<String, byte[]> cache;
        private int next;
        private Path directory;
        private Runnable closer;

        @Setup(Level.Trial)
        @SuppressWarnings("unchecked")
        public void open() {
            value = BenchmarkSupport.value(100);
            all = new LinkedHashMap<>();
            for (int i = 0; i < ENTRIES; i++) {
                all.put("key-" + i, value);
            }
            windows = new Set[ENTRIES / BATCH];
            puts = new Map[ENTRIES / BATCH];
            for (int w = 0; w < windows.length; w++) {
                windows[w] = new LinkedHashSet<>();
                puts[w] = new LinkedHashMap<>();
                for (int i = w * BATCH; i < (w + 1) * BATCH; i++) {
                    windows[w].add("key-" + i);
                    puts[w].put("key-" + i, value);
                }
            }
            String redis = ForkRedis.address();
            RedisLauncher.flushAll(redis);
            directory = BenchmarkSupport.tempDirectory("terrace-bench-bulk-");
            Subjects.Opened opened = Subjects.open(subject, directory, redis, 4 * ENTRIES);
            cache = opened.cache();
            closer = opened.closer();
            cache.putAll(all);
            BenchmarkSupport.check(
                    cache.getAll(windows[windows.length - 1]).size() == BATCH, subject + " lost a value");
            BenchmarkSupport.check(Arrays.equals(cache.get("key-0"), value), subject + " lost a value");
        }

        int nextWindow() {
            int window = next;
            next = (next + 1) % windows.length;
            return window;
        }

        @TearDown(Level.Trial)
        public void close() {
            cache.clear();
            closer.run();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    /** Puts every entry back before each {@link #removeAll1000} call, outside the measured time. */
    @State(Scope.Thread)
    public static class Refilled {
        @Setup(Level.Invocation)
        public void refill(Subject s) {
            s.cache.putAll(s.all);
        }
    }

    @Benchmark
    public Map<String, byte[]> getAll100(Subject s) {
        return s.cache.getAll(s.windows[s.nextWindow()]);
    }

    @Benchmark
    public void putAll100(Subject s) {
        s.cache.putAll(s.puts[s.nextWindow()]);
    }

    @Benchmark
    public int iterate1000(Subject s) {
        int bytes = 0;
        for (Cache.Entry<String, byte[]> entry : s.cache) {
            bytes += entry.getValue().length;
        }
        BenchmarkSupport.check(bytes == ENTRIES * s.value.length, s.subject + " iterated a wrong set of entries");
        return bytes;
    }

    @Benchmark
    public void removeAll1000(Subject s, Refilled refilled) {
        s.cache.removeAll();
    }
}
