package dev.terrace.benchmarks;

import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.disk.JournalProbe;
import java.io.IOException;
import java.nio.file.Path;
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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A put through the {@code heap+disk} stack next to a raw MapDB put in the disk tier's own mode, in the same
 * run, at 1 and 4 threads (issue 15: the heap+disk put at most 2× the raw put; the 4-thread figures show the
 * journal's group commit). Fsync off everywhere, as the disk tier's default.
 *
 * <ul>
 *   <li>{@link #rawMapDbPut}: {@code HTreeMap.put} of the key's UTF-8 bytes and the 100-byte value, on MapDB
 *       opened exactly as the disk tier opens its index ({@code Index.create}: memory-mapped, cleared as it
 *       grows, no transactions). A floor for the index alone: it stores an 8–9-byte key and the 100-byte value
 *       (the tier: a 10-byte tagged key and a 121-byte stored value), and has no journal, no checksum and no
 *       crash guarantee;
 *   <li>{@link #diskTierPut}: {@code DiskTier.put} alone (key and value encoding, journal append, index
 *       update), without the JCache layer;
 *   <li>{@link #heapDiskPut}: {@code Cache.put} on a store-by-value {@code heap+disk} cache: the JCache layer,
 *       the disk tier, then the heap copy.
 * </ul>
 *
 * <p>Three variants separate a put's journal append from the MapDB put that follows it (issue 15, fifth pass:
 * MapDB's put costs more inside the tier than alone): {@link #rawMapDbPutTierShaped} stores the tier's 10-byte
 * tagged key and a fresh 121-byte stored value, {@link #journalAppendOnly} appends the tier's record to a journal
 * of its own with no index update, and {@link #journalThenMapDbPut} does both as the tier does (the MapDB put as
 * the record's index update). If the journal's pages pushed the index out of the CPU caches, the third would
 * cost more than the first two together; {@link #mapDbPutThenJournalAppend} does the same two outside the
 * journal's index hand-off.
 *
 * <p>Every thread starts at its own place in the key sequence, so that 4 threads work on different keys at
 * any moment (as independent writers would) rather than queueing on the same key's lock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class DiskPutBenchmark {

    /** A thread's own cursor over the key sequence, starting where no other thread's does. */
    @State(Scope.Thread)
    public static class Cursor {
        private int cursor;

        @Setup(Level.Trial)
        public void start(ThreadParams thread) {
            cursor = thread.getThreadIndex() * (BenchmarkSupport.PICKS / 4);
        }

        int next(DiskTierBenchmark.Keys keys) {
            return keys.picks[cursor++ & (BenchmarkSupport.PICKS - 1)];
        }
    }

    /** Raw MapDB opened as the disk tier's {@code Index} opens its file, preloaded with the key set. */
    @State(Scope.Benchmark)
    public static class RawMapDbTierMode {
        Path directory;
        DB db;
        HTreeMap<byte[], byte[]> map;

        @Setup(Level.Trial)
        public void open(DiskTierBenchmark.Keys keys) {
            directory = BenchmarkSupport.tempDirectory("terrace-bench-mapdb-tier-mode-");
            db = DBMaker.fileDB(directory.resolve("data.mapdb").toFile())
                    .fileMmapEnableIfSupported()
                    .cleanerHackEnable()
                    .fileLockDisable()
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

    /** The tier's shapes: its tagged key bytes, and a stored value (a 20-byte header, the tag, 100 bytes). */
    @State(Scope.Benchmark)
    public static class TierShapes {
        byte[][] keys;
        byte[] stored;

        @Setup(Level.Trial)
        public void make(DiskTierBenchmark.Keys plain) {
            keys = new byte[plain.bytes.length][];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = new byte[plain.bytes[i].length + 1];
                keys[i][0] = 2;
                System.arraycopy(plain.bytes[i], 0, keys[i], 1, plain.bytes[i].length);
            }
            stored = new byte[20 + 1 + plain.value.length];
            stored[20] = 1;
            System.arraycopy(plain.value, 0, stored, 21, plain.value.length);
        }
    }

    /** A journal of its own, emptied whenever it passes the size at which the tier's would be compacted. */
    @State(Scope.Benchmark)
    public static class JournalOnly {
        private static final long COMPACT_AT = BenchmarkSupport.DISK_MAX_MB * 1024L * 1024L / 16;
        Path directory;
        JournalProbe journal;

        @Setup(Level.Trial)
        public void open() throws IOException {
            directory = BenchmarkSupport.tempDirectory("terrace-bench-journal-");
            journal = JournalProbe.open(directory.resolve("journal.log"));
        }

        void compactIfDue() throws IOException {
            if (journal.size() > COMPACT_AT) {
                journal.reset();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            journal.close();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    @Benchmark
    @Threads(1)
    public byte[] rawMapDbPutTierShaped(
            RawMapDbTierMode store, TierShapes shapes, Cursor cursor, DiskTierBenchmark.Keys keys) {
        return store.map.put(shapes.keys[cursor.next(keys)], shapes.stored.clone());
    }

    @Benchmark
    @Threads(1)
    public long journalAppendOnly(JournalOnly journal, TierShapes shapes, Cursor cursor, DiskTierBenchmark.Keys keys)
            throws IOException {
        long seq = journal.journal.appendPut(shapes.keys[cursor.next(keys)], shapes.stored.clone(), 20, s -> {});
        journal.compactIfDue();
        return seq;
    }

    @Benchmark
    @Threads(1)
    public long journalThenMapDbPut(
            RawMapDbTierMode store, JournalOnly journal, TierShapes shapes, Cursor cursor, DiskTierBenchmark.Keys keys)
            throws IOException {
        byte[] key = shapes.keys[cursor.next(keys)];
        byte[] stored = shapes.stored.clone();
        long seq = journal.journal.appendPut(key, stored, 20, s -> store.map.put(key, stored));
        journal.compactIfDue();
        return seq;
    }

    @Benchmark
    @Threads(1)
    public long mapDbPutThenJournalAppend(
            RawMapDbTierMode store, JournalOnly journal, TierShapes shapes, Cursor cursor, DiskTierBenchmark.Keys keys)
            throws IOException {
        byte[] key = shapes.keys[cursor.next(keys)];
        byte[] stored = shapes.stored.clone();
        store.map.put(key, stored);
        long seq = journal.journal.appendPut(key, stored, 20, s -> {});
        journal.compactIfDue();
        return seq;
    }

    @Benchmark
    @Threads(1)
    public byte[] rawMapDbPut(RawMapDbTierMode store, DiskTierBenchmark.Keys keys, Cursor cursor) {
        return store.map.put(keys.bytes[cursor.next(keys)], keys.value);
    }

    @Benchmark
    @Threads(1)
    public void diskTierPut(DiskTierBreakdownBenchmark.DiskTierOnly store, DiskTierBenchmark.Keys keys, Cursor cursor) {
        store.tier.put(keys.strings[cursor.next(keys)], new TierEntry(keys.value.clone(), TierEntry.ETERNAL));
    }

    @Benchmark
    @Threads(1)
    public void heapDiskPut(DiskTierBenchmark.TerraceHeapDisk store, DiskTierBenchmark.Keys keys, Cursor cursor) {
        store.cache.put(keys.strings[cursor.next(keys)], keys.value);
    }

    @Benchmark
    @Threads(4)
    public byte[] rawMapDbPut4Threads(RawMapDbTierMode store, DiskTierBenchmark.Keys keys, Cursor cursor) {
        return store.map.put(keys.bytes[cursor.next(keys)], keys.value);
    }

    @Benchmark
    @Threads(4)
    public void heapDiskPut4Threads(
            DiskTierBenchmark.TerraceHeapDisk store, DiskTierBenchmark.Keys keys, Cursor cursor) {
        store.cache.put(keys.strings[cursor.next(keys)], keys.value);
    }
}
