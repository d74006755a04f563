package dev.terrace.benchmarks;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
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
 * The five JCache operations on every Terrace tier stack and on the peers' JCache providers, through the
 * same {@code Cache<String, byte[]>} interface, with the same keys and values.
 *
 * <p>Each cache holds {@value #KEYS} keys {@code "key-" + i}, each mapped to a value of {@link #valueSize}
 * fixed random bytes; each operation takes the next key of a fixed random sequence (each thread starts at
 * its own point of it). What one operation is:
 *
 * <ul>
 *   <li>{@link #getHit}: {@code get} of a present key. On {@code heap+disk+redis} that is a near hit (L1); on
 *       {@code redis} an L3 hit (no near tier);
 *   <li>{@link #getMiss}: {@code get} of an absent key ({@code "miss-" + i}), through every tier;
 *   <li>{@link #put}: {@code put} overwriting a present key;
 *   <li>{@link #putIfAbsent}: {@code putIfAbsent} of a present key (nothing is written: the cache-aside fast
 *       path), decided by the authoritative tier;
 *   <li>{@link #invoke}: {@code invoke} of an entry processor that reads the entry and sets a new value (a
 *       read-modify-write).
 * </ul>
 *
 * <p>The thread count is not fixed here: the runner runs this class with 1 and with 2 threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class PeerBenchmark {

    /** How many keys each cache holds (a power of two). */
    static final int KEYS = 256;

    /** One cache of one subject, preloaded. */
    @State(Scope.Benchmark)
    public static class Subject {
        @Param({"heap", "heap+disk", "heap+disk+redis", "redis", "caffeine-jcache", "ehcache-jcache", "redisson-jcache"
        })
        public String subject;

        @Param({"100", "10240"})
        public int valueSize;

        String[] hitKeys;
        String[] missKeys;
        byte[] value;
        Cache<String, byte[]> cache;
        private Path directory;
        private Runnable closer;

        @Setup(Level.Trial)
        public void open() {
            hitKeys = new String[KEYS];
            missKeys = new String[KEYS];
            for (int i = 0; i < KEYS; i++) {
                hitKeys[i] = "key-" + i;
                missKeys[i] = "miss-" + i;
            }
            value = BenchmarkSupport.value(valueSize);
            String redis = null;
            if (Subjects.usesRedis(subject)) {
                redis = ForkRedis.address();
                RedisLauncher.flushAll(redis);
            }
            directory = BenchmarkSupport.tempDirectory("terrace-bench-peer-");
            Subjects.Opened opened = Subjects.open(subject, directory, redis, 4 * KEYS);
            cache = opened.cache();
            closer = opened.closer();
            for (String key : hitKeys) {
                cache.put(key, value);
            }
            BenchmarkSupport.check(Arrays.equals(cache.get(hitKeys[KEYS - 1]), value), subject + " lost a value");
            BenchmarkSupport.check(cache.get(missKeys[0]) == null, subject + " holds a key never put");
        }

        @TearDown(Level.Trial)
        public void close() {
            cache.clear();
            closer.run();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    /** A thread's walk over the fixed random key sequence, from its own starting point. */
    @State(Scope.Thread)
    public static class Cursor {
        private static final AtomicInteger THREADS = new AtomicInteger();
        final int[] picks = BenchmarkSupport.picks(KEYS);
        private int next = THREADS.getAndIncrement() * (BenchmarkSupport.PICKS / 2 + 17);

        int next() {
            return picks[next++ & (BenchmarkSupport.PICKS - 1)];
        }
    }

    /** Reads the entry (as any read-modify-write does) and sets the value given. */
    static final class Replace implements EntryProcessor<String, byte[], Integer>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer process(MutableEntry<String, byte[]> entry, Object... arguments) {
            byte[] old = entry.getValue();
            entry.setValue((byte[]) arguments[0]);
            return old == null ? -1 : old.length;
        }
    }

    private static final Replace REPLACE = new Replace();

    @Benchmark
    public byte[] getHit(Subject s, Cursor c) {
        return s.cache.get(s.hitKeys[c.next()]);
    }

    @Benchmark
    public byte[] getMiss(Subject s, Cursor c) {
        return s.cache.get(s.missKeys[c.next()]);
    }

    @Benchmark
    public void put(Subject s, Cursor c) {
        s.cache.put(s.hitKeys[c.next()], s.value);
    }

    @Benchmark
    public boolean putIfAbsent(Subject s, Cursor c) {
        return s.cache.putIfAbsent(s.hitKeys[c.next()], s.value);
    }

    @Benchmark
    public Integer invoke(Subject s, Cursor c) {
        return s.cache.invoke(s.hitKeys[c.next()], REPLACE, s.value);
    }
}
