package dev.terrace.benchmarks;

import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The disk tier's batch append (issue 15): {@code DiskTier.putAll} of 100 entries, one journal write, next
 * to the same 100 entries put one by one (100 writes). Scores are per entry.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class DiskBatchBenchmark {

    private static final int BATCH = 100;

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void diskTierPutAll100(
            DiskTierBreakdownBenchmark.DiskTierOnly store,
            DiskTierBenchmark.Keys keys,
            DiskPutBenchmark.Cursor cursor) {
        Map<String, TierEntry> batch = new LinkedHashMap<>();
        for (int i = 0; i < BATCH; i++) {
            batch.put(keys.strings[cursor.next(keys)], new TierEntry(keys.value.clone(), TierEntry.ETERNAL));
        }
        store.tier.putAll(batch);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void diskTierPut100(
            DiskTierBreakdownBenchmark.DiskTierOnly store,
            DiskTierBenchmark.Keys keys,
            DiskPutBenchmark.Cursor cursor) {
        for (int i = 0; i < BATCH; i++) {
            store.tier.put(keys.strings[cursor.next(keys)], new TierEntry(keys.value.clone(), TierEntry.ETERNAL));
        }
    }
}
