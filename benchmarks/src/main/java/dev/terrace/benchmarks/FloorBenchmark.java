package dev.terrace.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * The floors under Terrace's tiers, used raw with the same keys and values as {@link PeerBenchmark}: a get of
 * a present key and a put overwriting one.
 *
 * <ul>
 *   <li>{@code caffeine}: a Caffeine {@code Cache<String, byte[]>} ({@code getIfPresent}, {@code put}): no
 *       copy, no JCache rules;
 *   <li>{@code mapdb}: MapDB opened as Terrace's disk tier opens it (memory-mapped file, no transactions), the
 *       key as UTF-8 bytes encoded beforehand;
 *   <li>{@code rbucket}: one Redisson {@code RBucket<byte[]>} per key with {@code ByteArrayCodec}, so Redis
 *       holds exactly the value's bytes ({@code get}, {@code set});
 *   <li>{@code disk}: Terrace's {@code disk} stack, for the L2 hit that the MapDB floor is the measure of.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class FloorBenchmark {

    /** One raw store, preloaded with {@link PeerBenchmark#KEYS} keys. */
    @State(Scope.Benchmark)
    public static class Floor {
        @Param({"caffeine", "mapdb", "rbucket", "disk"})
        public String floor;

        @Param({"100", "10240"})
        public int valueSize;

        byte[] value;
        String[] keys;
        com.github.benmanes.caffeine.cache.Cache<String, byte[]> caffeine;
        byte[][] keyBytes;
        HTreeMap<byte[], byte[]> mapDb;
        RBucket<byte[]>[] buckets;
        javax.cache.Cache<String, byte[]> terrace;
        private DB db;
        private RedissonClient redisson;
        private CacheManager manager;
        private Path directory;
        /** {@link #floor} as a number: an int switch per operation costs less than a string switch. */
        private int kind;

        @Setup(Level.Trial)
        @SuppressWarnings("unchecked")
        public void open() {
            value = BenchmarkSupport.value(valueSize);
            keys = new String[PeerBenchmark.KEYS];
            keyBytes = new byte[keys.length][];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = "key-" + i;
                keyBytes[i] = keys[i].getBytes(StandardCharsets.UTF_8);
            }
            directory = BenchmarkSupport.tempDirectory("terrace-bench-floor-");
            kind = List.of("caffeine", "mapdb", "rbucket", "disk").indexOf(floor);
            switch (floor) {
                case "caffeine" -> {
                    caffeine = Caffeine.newBuilder()
                            .maximumSize(4L * PeerBenchmark.KEYS)
                            .build();
                    Arrays.stream(keys).forEach(key -> caffeine.put(key, value));
                }
                case "mapdb" -> {
                    db = DBMaker.fileDB(directory.resolve("data.mapdb").toFile())
                            .fileMmapEnableIfSupported()
                            .fileMmapPreclearDisable()
                            .cleanerHackEnable()
                            .make();
                    mapDb = db.hashMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                            .counterEnable()
                            .createOrOpen();
                    Arrays.stream(keyBytes).forEach(key -> mapDb.put(key, value));
                }
                case "rbucket" -> {
                    String address = ForkRedis.address();
                    RedisLauncher.flushAll(address);
                    redisson = Subjects.redisson(address);
                    buckets = new RBucket[keys.length];
                    for (int i = 0; i < keys.length; i++) {
                        buckets[i] = redisson.getBucket("bench:" + keys[i], ByteArrayCodec.INSTANCE);
                        buckets[i].set(value);
                    }
                }
                case "disk" -> {
                    manager = Subjects.terraceManager("disk", directory, null, 4 * PeerBenchmark.KEYS);
                    terrace = manager.createCache(
                            "bench",
                            new javax.cache.configuration.MutableConfiguration<String, byte[]>()
                                    .setTypes(String.class, byte[].class)
                                    .setStatisticsEnabled(false)
                                    .setManagementEnabled(false));
                    Arrays.stream(keys).forEach(key -> terrace.put(key, value));
                }
                default -> throw new IllegalArgumentException("Unknown floor " + floor);
            }
            BenchmarkSupport.check(Arrays.equals(get(keys.length - 1), value), floor + " lost a value");
        }

        byte[] get(int index) {
            return switch (kind) {
                case 0 -> caffeine.getIfPresent(keys[index]);
                case 1 -> mapDb.get(keyBytes[index]);
                case 2 -> buckets[index].get();
                default -> terrace.get(keys[index]);
            };
        }

        void put(int index) {
            switch (kind) {
                case 0 -> caffeine.put(keys[index], value);
                case 1 -> mapDb.put(keyBytes[index], value);
                case 2 -> buckets[index].set(value);
                default -> terrace.put(keys[index], value);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            if (db != null) {
                db.close();
            }
            if (redisson != null) {
                redisson.shutdown();
            }
            if (manager != null) {
                manager.close();
            }
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    @Benchmark
    public byte[] getHit(Floor f, PeerBenchmark.Cursor c) {
        return f.get(c.next());
    }

    @Benchmark
    public void put(Floor f, PeerBenchmark.Cursor c) {
        f.put(c.next());
    }
}
