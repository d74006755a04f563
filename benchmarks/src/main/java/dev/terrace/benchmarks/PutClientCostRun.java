package dev.terrace.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import javax.cache.Cache;

/**
 * Issue 14, where a single-threaded {@code put}'s time goes on the client: for the {@code redis} stack and Redisson's
 * JCache provider, makes {@value #PUTS} puts overwriting present keys (as {@link PeerBenchmark#put} does) from one
 * thread against one fresh {@code redis-server}, and prints per put the wall time, the CPU time of each group of
 * this JVM's threads (the caller; Redisson's Netty event loops; the rest) and of Redis's main thread ({@code
 * /proc/<pid>/task/<pid>/schedstat}), and the bytes the caller allocated. CPU time is far less sensitive to a loaded
 * machine than wall time: what the wall time holds beyond the CPU times is waiting (the loopback's wake-ups, and on
 * a loaded machine the scheduler). Each subject runs {@value #ROUNDS} rounds; the median round is printed, and the
 * last round's CPU time by thread name (digits folded), which tells, for one, Redisson's executor threads (that
 * deliver pub/sub messages to their listeners) from its event loops.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.PutClientCostRun</pre>
 */
public final class PutClientCostRun {

    private static final int PUTS = 10_000;
    private static final int ROUNDS = 5;

    private PutClientCostRun() {}

    public static void main(String[] args) throws Exception {
        try (RedisLauncher redis = RedisLauncher.start()) {
            for (String subject : new String[] {"redis", "redisson-jcache", "redis", "redisson-jcache"}) {
                run(subject, redis.address());
            }
        }
        System.exit(0);
    }

    private static void run(String subject, String address) throws IOException {
        RedisLauncher.flushAll(address);
        Path directory = BenchmarkSupport.tempDirectory("terrace-put-client-");
        Subjects.Opened opened = Subjects.open(subject, directory, address, 4 * PeerBenchmark.KEYS);
        Cache<String, byte[]> cache = opened.cache();
        byte[] value = BenchmarkSupport.value(100);
        String[] keys = new String[PeerBenchmark.KEYS];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "key-" + i;
        }
        for (int i = 0; i < 2 * PUTS; i++) {
            cache.put(keys[i & (keys.length - 1)], value);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long caller = Thread.currentThread().getId();
        Path schedstat = BulkServerCostRun.serverThreadStat(RedisLauncher.port(address));
        double[][] rounds = new double[ROUNDS][];
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, Long> cpuBefore = cpuByGroup(threads, caller);
            long serverBefore = BulkServerCostRun.cpuNanos(schedstat);
            long allocated = threads.getThreadAllocatedBytes(caller);
            long start = System.nanoTime();
            for (int i = 0; i < PUTS; i++) {
                cache.put(keys[i & (keys.length - 1)], value);
            }
            long wall = System.nanoTime() - start;
            allocated = threads.getThreadAllocatedBytes(caller) - allocated;
            long server = BulkServerCostRun.cpuNanos(schedstat) - serverBefore;
            Map<String, Long> cpuAfter = cpuByGroup(threads, caller);
            rounds[round] = new double[] {
                wall / 1e3 / PUTS,
                delta(cpuBefore, cpuAfter, "caller") / 1e3 / PUTS,
                delta(cpuBefore, cpuAfter, "netty") / 1e3 / PUTS,
                delta(cpuBefore, cpuAfter, "other") / 1e3 / PUTS,
                server / 1e3 / PUTS,
                allocated / (double) PUTS
            };
            if (round == ROUNDS - 1) {
                StringBuilder named = new StringBuilder("  by thread name:");
                for (String group : cpuAfter.keySet()) {
                    double perPut = delta(cpuBefore, cpuAfter, group) / 1e3 / PUTS;
                    if (group.startsWith("thread ") && perPut >= 0.5) {
                        named.append(String.format(" %s %.1f us;", group.substring(7), perPut));
                    }
                }
                System.out.println(subject + named);
            }
        }
        java.util.Arrays.sort(rounds, (a, b) -> Double.compare(a[0], b[0]));
        double[] median = rounds[ROUNDS / 2];
        System.out.printf(
                "%-16s put, per op (median of %d rounds of %d): wall %6.1f us; CPU: caller %5.1f us, Netty event"
                        + " loops %5.1f us, other JVM threads %5.1f us, Redis %5.1f us; caller allocated %5.0f B%n",
                subject, ROUNDS, PUTS, median[0], median[1], median[2], median[3], median[4], median[5]);
        cache.clear();
        opened.closer().run();
        BenchmarkSupport.deleteRecursively(directory);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String group) {
        return after.getOrDefault(group, 0L) - before.getOrDefault(group, 0L);
    }

    /** CPU nanoseconds of this JVM's live threads, by group: the caller, Netty's event loops, the rest. */
    private static Map<String, Long> cpuByGroup(com.sun.management.ThreadMXBean threads, long caller) {
        Map<String, Long> groups = new TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            String group = info.getThreadId() == caller
                    ? "caller"
                    : info.getThreadName().contains("netty") ? "netty" : "other";
            groups.merge(group, cpu, Long::sum);
            if (!group.equals("caller")) {
                groups.merge("thread " + info.getThreadName().replaceAll("\\d+", "#"), cpu, Long::sum);
            }
        }
        return groups;
    }
}
