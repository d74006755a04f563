package dev.terrace.benchmarks;

import dev.terrace.jcache.internal.tier.TierEntry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The thread CPU time of one put (user and system time of the putting thread) for the cells of {@link
 * DiskPutBenchmark}, run outside JMH on the same states. On a shared VM the wall-clock times of JMH swing several
 * times over with the other processes' load; the thread's own CPU time leaves out the time it waited for a core,
 * so two jars compared one after the other under load still compare (issue 15, fifth pass). It still counts
 * what the load does to the caches, so compare medians of runs taken side by side.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.DiskPutCpuTime heapDiskPut 8
 * </pre>
 *
 * <p>Cells: {@code raw}, {@code rawTierShaped}, {@code journalOnly}, {@code journalThenMapDb}, {@code diskTierPut},
 * {@code heapDiskPut}; the second argument is the number of measured batches of 200,000 puts (after 5 warm-up
 * batches). Prints the lowest and the median CPU and wall-clock nanoseconds per put over the batches, and the bytes
 * the putting thread allocated per put over all of them (compactions amortised in). Where the disk tier applies its
 * index changes on a thread of its own (issue 15, sixth pass), it also prints that thread's CPU time per put over
 * all the batches ({@code applier}), so that the work moved off the putting thread is counted too.
 */
public final class DiskPutCpuTime {

    private static final int BATCH = 200_000;

    private interface Put {
        void run(int i) throws Exception;
    }

    private DiskPutCpuTime() {}

    public static void main(String[] args) throws Exception {
        String cell = args[0];
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        DiskTierBenchmark.Keys keys = new DiskTierBenchmark.Keys();
        Put put = cell(cell, keys);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int i = 0;
        for (int warm = 0; warm < 5; warm++) {
            for (int n = 0; n < BATCH; n++) {
                put.run(i++);
            }
        }
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        long thread = Thread.currentThread().getId();
        com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
        long allocatedStart = allocations.getThreadAllocatedBytes(thread);
        long applierStart = appliersCpu(threads);
        for (int batch = 0; batch < batches; batch++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long wallStart = System.nanoTime();
            for (int n = 0; n < BATCH; n++) {
                put.run(i++);
            }
            cpu.add((threads.getCurrentThreadCpuTime() - cpuStart) / (double) BATCH);
            wall.add((System.nanoTime() - wallStart) / (double) BATCH);
        }
        // Over all the batches, so that the compactions they ran are amortised in.
        double bytes = (allocations.getThreadAllocatedBytes(thread) - allocatedStart) / ((double) BATCH * batches);
        double applier = (appliersCpu(threads) - applierStart) / ((double) BATCH * batches);
        Collections.sort(cpu);
        Collections.sort(wall);
        System.out.printf(
                "%-18s cpu ns/put min %6.0f median %6.0f | wall min %6.0f median %6.0f | %5.0f B/put"
                        + " | applier cpu ns/put %6.0f%n",
                cell, cpu.get(0), cpu.get(cpu.size() / 2), wall.get(0), wall.get(wall.size() / 2), bytes, applier);
        // The states' files are temporary directories; the JVM's exit is the teardown.
        System.exit(0);
    }

    /** The CPU time so far of the disk tiers' index appliers ({@code terrace-disk-index-*} threads), 0 if none. */
    private static long appliersCpu(ThreadMXBean threads) {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("terrace-disk-index-")) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }

    private static Put cell(String cell, DiskTierBenchmark.Keys keys) throws Exception {
        int mask = BenchmarkSupport.PICKS - 1;
        switch (cell) {
            case "raw" -> {
                DiskPutBenchmark.RawMapDbTierMode raw = new DiskPutBenchmark.RawMapDbTierMode();
                raw.open(keys);
                return i -> raw.map.put(keys.bytes[keys.picks[i & mask]], keys.value);
            }
            case "rawTierShaped" -> {
                DiskPutBenchmark.TierShapes shapes = shapes(keys);
                DiskPutBenchmark.RawMapDbTierMode raw = new DiskPutBenchmark.RawMapDbTierMode();
                raw.open(keys);
                return i -> raw.map.put(shapes.keys[keys.picks[i & mask]], shapes.stored.clone());
            }
            case "journalOnly" -> {
                DiskPutBenchmark.TierShapes shapes = shapes(keys);
                DiskPutBenchmark.JournalOnly journal = new DiskPutBenchmark.JournalOnly();
                journal.open();
                return i -> {
                    journal.journal.appendPut(shapes.keys[keys.picks[i & mask]], shapes.stored.clone(), 20, s -> {});
                    journal.compactIfDue();
                };
            }
            case "journalThenMapDb" -> {
                DiskPutBenchmark.TierShapes shapes = shapes(keys);
                DiskPutBenchmark.RawMapDbTierMode raw = new DiskPutBenchmark.RawMapDbTierMode();
                raw.open(keys);
                DiskPutBenchmark.JournalOnly journal = new DiskPutBenchmark.JournalOnly();
                journal.open();
                return i -> {
                    byte[] key = shapes.keys[keys.picks[i & mask]];
                    byte[] stored = shapes.stored.clone();
                    journal.journal.appendPut(key, stored, 20, s -> raw.map.put(key, stored));
                    journal.compactIfDue();
                };
            }
            case "diskTierPut" -> {
                DiskTierBreakdownBenchmark.DiskTierOnly tier = new DiskTierBreakdownBenchmark.DiskTierOnly();
                tier.open(keys);
                return i -> tier.tier.put(
                        keys.strings[keys.picks[i & mask]], new TierEntry(keys.value.clone(), TierEntry.ETERNAL));
            }
            case "heapDiskPut" -> {
                DiskTierBenchmark.TerraceHeapDisk stack = new DiskTierBenchmark.TerraceHeapDisk();
                stack.setUp(keys);
                return i -> stack.cache.put(keys.strings[keys.picks[i & mask]], keys.value);
            }
            default -> throw new IllegalArgumentException("Unknown cell " + cell);
        }
    }

    private static DiskPutBenchmark.TierShapes shapes(DiskTierBenchmark.Keys keys) {
        DiskPutBenchmark.TierShapes shapes = new DiskPutBenchmark.TierShapes();
        shapes.make(keys);
        return shapes;
    }
}
