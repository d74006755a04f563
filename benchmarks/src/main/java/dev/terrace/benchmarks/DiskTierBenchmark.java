package dev.terrace.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of Terrace's disk tier (L2) next to raw MapDB used the way the disk tier uses it: a file-backed,
 * memory-mapped {@code HTreeMap<byte[], byte[]>} without transactions, with a size counter.
 *
 * <p>Every store holds the same {@value BenchmarkSupport#KEY_COUNT} keys {@code "key-" + i}, each mapped to
 * the same {@value BenchmarkSupport#VALUE_SIZE}-byte array; each operation works on the next key of a fixed
 * random sequence. Single thread, average time per operation.
 *
 * <ul>
 *   <li>{@link #rawMapDbGet} and {@link #rawMapDbPut}: MapDB alone, the key as its UTF-8 bytes (encoded
 *       beforehand), the value as the array itself;
 *   <li>{@link #terraceL2Get}: a Terrace cache on the {@code disk} stack, so every get is an L2 hit with an
 *       empty L1;
 *   <li>{@link #terraceHeapDiskPut}: a Terrace cache on the {@code heap+disk} stack, each put written through
 *       the disk tier (journal and MapDB) and the heap tier;
 *   <li>{@link #terraceHeapHit}: a Terrace cache on the {@code heap} stack, for reference.
 * </ul>
 *
 * <p>The Terrace caches are store-by-value with statistics off and the default eternal expiry. Puts
 * overwrite existing keys, in MapDB and in Terrace alike.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class DiskTierBenchmark {

    /** The key set, the value, and the cursor over the random key sequence. */
    @State(Scope.Thread)
    public static class Keys {
        final String[] strings = BenchmarkSupport.keyStrings();
        final byte[][] bytes = BenchmarkSupport.utf8(strings);
        final int[] picks = BenchmarkSupport.picks();
        final byte[] value = BenchmarkSupport.value();
        private int cursor;

        /** The index of the next key to work on. */
        int next() {
            return picks[cursor++ & (BenchmarkSupport.PICKS - 1)];
        }
    }

    /** Raw MapDB, opened as the disk tier opens its store, preloaded with the key set. */
    @State(Scope.Benchmark)
    public static class RawMapDb {
        Path directory;
        DB db;
        HTreeMap<byte[], byte[]> map;

        @Setup(Level.Trial)
        public void open(Keys keys) {
            directory = BenchmarkSupport.tempDirectory("terrace-bench-mapdb-");
            db = DBMaker.fileDB(directory.resolve("data.mapdb").toFile())
                    .fileMmapEnableIfSupported()
                    .fileMmapPreclearDisable()
                    .cleanerHackEnable()
                    .make();
            map = db.hashMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                    .counterEnable()
                    .createOrOpen();
            for (byte[] key : keys.bytes) {
                map.put(key, keys.value);
            }
            BenchmarkSupport.check(map.size() == BenchmarkSupport.KEY_COUNT, "MapDB does not hold the key set");
            BenchmarkSupport.check(
                    Arrays.equals(map.get(keys.bytes[0]), keys.value), "MapDB does not return the value");
        }

        @TearDown(Level.Trial)
        public void close() {
            db.close();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    /** A Terrace manager with the given tier stack and one preloaded cache. */
    abstract static class TerraceStack {
        Path directory;
        CacheManager manager;
        Cache<String, byte[]> cache;

        abstract String stack();

        void open(Keys keys) {
            directory = BenchmarkSupport.tempDirectory("terrace-bench-" + stack().replace('+', '-') + "-");
            manager = BenchmarkSupport.terraceManager(stack(), directory);
            cache = BenchmarkSupport.preloadedCache(manager, keys.strings, keys.value);
            BenchmarkSupport.check(
                    Arrays.equals(cache.get(keys.strings[0]), keys.value),
                    "The " + stack() + " cache does not return the value");
        }

        void close() {
            manager.close();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    /** The {@code disk} stack: the disk tier alone, so every hit is an L2 hit with L1 empty. */
    @State(Scope.Benchmark)
    public static class TerraceDisk extends TerraceStack {
        @Override
        String stack() {
            return "disk";
        }

        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            open(keys);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    /** The {@code heap+disk} stack: writes go to the disk tier, then to the heap tier. */
    @State(Scope.Benchmark)
    public static class TerraceHeapDisk extends TerraceStack {
        @Override
        String stack() {
            return "heap+disk";
        }

        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            open(keys);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    /** The {@code heap} stack (Caffeine only). */
    @State(Scope.Benchmark)
    public static class TerraceHeap extends TerraceStack {
        @Override
        String stack() {
            return "heap";
        }

        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            open(keys);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    @Benchmark
    public byte[] rawMapDbGet(RawMapDb store, Keys keys) {
        return store.map.get(keys.bytes[keys.next()]);
    }

    @Benchmark
    public byte[] rawMapDbPut(RawMapDb store, Keys keys) {
        return store.map.put(keys.bytes[keys.next()], keys.value);
    }

    @Benchmark
    public byte[] terraceL2Get(TerraceDisk store, Keys keys) {
        return store.cache.get(keys.strings[keys.next()]);
    }

    @Benchmark
    public void terraceHeapDiskPut(TerraceHeapDisk store, Keys keys) {
        store.cache.put(keys.strings[keys.next()], keys.value);
    }

    @Benchmark
    public byte[] terraceHeapHit(TerraceHeap store, Keys keys) {
        return store.cache.get(keys.strings[keys.next()]);
    }
}
