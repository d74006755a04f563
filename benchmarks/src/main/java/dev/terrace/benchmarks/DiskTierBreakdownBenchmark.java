package dev.terrace.benchmarks;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.disk.DiskTier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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
 * Splits the gap between {@link DiskTierBenchmark#terraceL2Get} and {@link DiskTierBenchmark#rawMapDbGet}
 * into its layers. Not part of the default disk run; see benchmarks/README.md.
 *
 * <ul>
 *   <li>{@link #rawMapDbGetTerraceLayout}: raw MapDB holding the bytes exactly as the disk tier stores them
 *       (the key with the codec's type tag, the value behind the tier's checksum, sequence and expiry header
 *       and the codec's tag: 121 bytes instead of 100), so that what the bigger records cost MapDB shows apart
 *       from what Terrace's code costs;
 *   <li>{@link #diskTierGet}: the disk tier alone ({@code DiskTier.get}: key encoding, MapDB get, checksum
 *       check, value decoding), without the JCache layer above it.
 * </ul>
 *
 * <p>The JCache layer ({@code TerraceCache.get}, {@code TieredStore.get}, expiry and the store-by-value copy)
 * is then {@code terraceL2Get - diskTierGet}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class DiskTierBreakdownBenchmark {

    /** The codec the disk tier encodes keys and values with, as a store-by-value cache sets it up. */
    static Codec codec() {
        return new Codec(
                new JavaSerializer(DiskTierBreakdownBenchmark.class.getClassLoader()), SerialFilter.builtInOnly());
    }

    /** Raw MapDB holding, for each key, the key and value bytes of a disk tier's store. */
    @State(Scope.Benchmark)
    public static class RawMapDbTerraceLayout {
        Path directory;
        DB db;
        HTreeMap<byte[], byte[]> map;
        byte[][] keyBytes;

        @Setup(Level.Trial)
        public void open(DiskTierBenchmark.Keys keys) {
            Codec codec = codec();
            keyBytes = new byte[keys.strings.length][];
            for (int i = 0; i < keyBytes.length; i++) {
                keyBytes[i] = codec.encodeKey(keys.strings[i]);
            }
            // The disk tier's header (checksum, sequence, expiry) before the codec's encoding of the value.
            byte[] payload = codec.encodeValue(keys.value.clone());
            byte[] stored = new byte[4 + 8 + 8 + payload.length];
            System.arraycopy(payload, 0, stored, 20, payload.length);
            directory = BenchmarkSupport.tempDirectory("terrace-bench-mapdb-layout-");
            db = DBMaker.fileDB(directory.resolve("data.mapdb").toFile())
                    .fileMmapEnableIfSupported()
                    .fileMmapPreclearDisable()
                    .cleanerHackEnable()
                    .make();
            map = db.hashMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                    .counterEnable()
                    .createOrOpen();
            for (byte[] key : keyBytes) {
                map.put(key, stored);
            }
            BenchmarkSupport.check(map.size() == BenchmarkSupport.KEY_COUNT, "MapDB does not hold the key set");
        }

        @TearDown(Level.Trial)
        public void close() {
            db.close();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    /** A disk tier on its own, holding the key set as a store-by-value cache's disk tier would. */
    @State(Scope.Benchmark)
    public static class DiskTierOnly {
        Path directory;
        DiskTier<String> tier;

        @Setup(Level.Trial)
        public void open(DiskTierBenchmark.Keys keys) {
            directory = BenchmarkSupport.tempDirectory("terrace-bench-disktier-");
            tier = DiskTier.open(
                    new DiskTier.Options(
                            directory.resolve("store"), BenchmarkSupport.DISK_MAX_MB * 1024L * 1024L, false),
                    codec(),
                    Clock.systemUTC(),
                    TierListener.none());
            for (String key : keys.strings) {
                // What a store-by-value cache hands its tiers for a byte[] value: a copy of the array.
                tier.put(key, new TierEntry(keys.value.clone(), TierEntry.ETERNAL));
            }
            TierEntry first = tier.get(keys.strings[0]);
            BenchmarkSupport.check(
                    first != null && Arrays.equals((byte[]) first.value(), keys.value),
                    "The disk tier does not return the value");
        }

        @TearDown(Level.Trial)
        public void close() {
            tier.close();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    @Benchmark
    public byte[] rawMapDbGetTerraceLayout(RawMapDbTerraceLayout store, DiskTierBenchmark.Keys keys) {
        return store.map.get(store.keyBytes[keys.next()]);
    }

    @Benchmark
    public TierEntry diskTierGet(DiskTierOnly store, DiskTierBenchmark.Keys keys) {
        return store.tier.get(keys.strings[keys.next()]);
    }
}
