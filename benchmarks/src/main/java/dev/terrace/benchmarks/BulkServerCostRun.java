package dev.terrace.benchmarks;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;

/**
 * Issue 14, where the time of a bulk operation goes on the server: for each subject of {@link BulkPeerBenchmark}
 * that keeps its data in Redis, runs each bulk operation {@value #ROUNDS} times against one fresh {@code
 * redis-server} and prints what the server counted per operation ({@code INFO commandstats}): calls of each
 * command and the microseconds the server spent in it. The server's time does not depend on how loaded the
 * client's machine is as much as wall-clock time does, and the calls per operation not at all; together with the
 * client's wall time they tell server work from client work and round trips. Where Linux tells it ({@code
 * /proc/<pid>/task/<pid>/schedstat}), it also prints the CPU time Redis's main thread spent per operation (the
 * median of the rounds), which a loaded machine inflates less than the command times {@code INFO commandstats}
 * measures by the clock.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.BulkServerCostRun</pre>
 */
public final class BulkServerCostRun {

    private static final int ROUNDS = 20;
    private static final Pattern STAT = Pattern.compile("cmdstat_([a-z_|]+):calls=(\\d+),usec=(\\d+)");

    private BulkServerCostRun() {}

    public static void main(String[] args) throws Exception {
        try (RedisLauncher redis = RedisLauncher.start()) {
            for (String subject : new String[] {"redis", "redisson-jcache"}) {
                run(subject, redis.address());
            }
        }
        System.exit(0);
    }

    private static void run(String subject, String address) throws IOException {
        RedisLauncher.flushAll(address);
        Path directory = BenchmarkSupport.tempDirectory("terrace-bulk-cost-");
        Subjects.Opened opened = Subjects.open(subject, directory, address, 4 * BulkPeerBenchmark.ENTRIES);
        Cache<String, byte[]> cache = opened.cache();
        byte[] value = BenchmarkSupport.value(100);
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (int i = 0; i < BulkPeerBenchmark.ENTRIES; i++) {
            all.put("key-" + i, value);
        }
        Map<String, byte[]> window = new LinkedHashMap<>();
        for (int i = 0; i < BulkPeerBenchmark.BATCH; i++) {
            window.put("key-" + i, value);
        }
        cache.putAll(all);
        int port = RedisLauncher.port(address);
        Path schedstat = serverThreadStat(port);
        for (String operation : new String[] {"getAll100", "putAll100", "iterate1000", "removeAll1000"}) {
            for (int warm = 0; warm < 3; warm++) {
                run(operation, cache, all, window);
            }
            Map<String, long[]> counted = new TreeMap<>();
            long nanos = 0;
            long[] serverNanos = new long[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                if (operation.equals("removeAll1000")) {
                    cache.putAll(all);
                }
                Map<String, long[]> before = stats(port);
                long serverBefore = cpuNanos(schedstat);
                long start = System.nanoTime();
                run(operation, cache, all, window);
                nanos += System.nanoTime() - start;
                serverNanos[round] = cpuNanos(schedstat) - serverBefore;
                Map<String, long[]> after = stats(port);
                after.forEach((command, calls) -> {
                    long[] was = before.getOrDefault(command, new long[2]);
                    long[] sum = counted.computeIfAbsent(command, c -> new long[2]);
                    sum[0] += calls[0] - was[0];
                    sum[1] += calls[1] - was[1];
                });
            }
            StringBuilder line = new StringBuilder(String.format(
                    "%-16s %-14s client wall %7.0f us/op; server thread CPU %s; server, per op:",
                    subject,
                    operation,
                    nanos / 1e3 / ROUNDS,
                    schedstat == null ? "n/a" : String.format("%.0f us/op (median)", median(serverNanos) / 1e3)));
            for (Map.Entry<String, long[]> command : counted.entrySet()) {
                if (command.getKey().equals("info") || command.getValue()[0] == 0) {
                    continue;
                }
                line.append(String.format(
                        " %s %.1f calls %.0f us;",
                        command.getKey(),
                        command.getValue()[0] / (double) ROUNDS,
                        command.getValue()[1] / (double) ROUNDS));
            }
            System.out.println(line);
        }
        cache.clear();
        opened.closer().run();
        BenchmarkSupport.deleteRecursively(directory);
    }

    private static void run(
            String operation, Cache<String, byte[]> cache, Map<String, byte[]> all, Map<String, byte[]> window) {
        switch (operation) {
            case "getAll100" -> cache.getAll(window.keySet());
            case "putAll100" -> cache.putAll(window);
            case "iterate1000" -> {
                for (Cache.Entry<String, byte[]> entry : cache) {
                    entry.getValue();
                }
            }
            default -> cache.removeAll();
        }
    }

    /**
     * The scheduler's statistics of the main thread of the server at {@code port} (its first field: nanoseconds on a
     * CPU), or {@code null} where the system has none. The thread's CPU time includes the {@code INFO} calls this run
     * makes, a few microseconds each.
     */
    static Path serverThreadStat(int port) throws IOException {
        Matcher pid = Pattern.compile("process_id:(\\d+)").matcher(info(port, "server"));
        if (!pid.find()) {
            return null;
        }
        Path stat = Path.of("/proc", pid.group(1), "task", pid.group(1), "schedstat");
        return java.nio.file.Files.isReadable(stat) ? stat : null;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The CPU nanoseconds the thread of {@code schedstat} has run ({@code 0} where there is none). */
    static long cpuNanos(Path schedstat) throws IOException {
        if (schedstat == null) {
            return 0;
        }
        return Long.parseLong(java.nio.file.Files.readString(schedstat).trim().split("\\s+")[0]);
    }

    /** Calls and microseconds per command, as {@code INFO commandstats} counts them. */
    private static Map<String, long[]> stats(int port) throws IOException {
        Map<String, long[]> stats = new TreeMap<>();
        Matcher matcher = STAT.matcher(info(port, "commandstats"));
        while (matcher.find()) {
            stats.put(
                    matcher.group(1), new long[] {Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3))});
        }
        return stats;
    }

    private static String info(int port, String section) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            StringBuilder header = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c != '\r') {
                    header.append((char) c);
                }
            }
            byte[] body = new byte[Integer.parseInt(header.substring(1))];
            in.readFully(body);
            return new String(body, StandardCharsets.US_ASCII);
        }
    }
}
