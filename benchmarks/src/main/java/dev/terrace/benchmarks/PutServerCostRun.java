package dev.terrace.benchmarks;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;

/**
 * Issue 14, where the time of a single-key {@code put} goes: for the {@code redis} stack and Redisson's JCache
 * provider, makes {@value #PUTS} puts overwriting present keys (as {@link PeerBenchmark#put} does) against one fresh
 * {@code redis-server}, and prints per put what the server counted ({@code INFO commandstats}: calls and
 * microseconds of each command, the commands scripts run included), and the bytes the calling thread allocated.
 * Both are far less sensitive to a loaded machine than wall-clock time; the wall time is printed for orientation.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.PutServerCostRun</pre>
 */
public final class PutServerCostRun {

    private static final int PUTS = 5_000;
    private static final Pattern STAT = Pattern.compile("cmdstat_([a-z_|]+):calls=(\\d+),usec=(\\d+)");

    private PutServerCostRun() {}

    public static void main(String[] args) throws Exception {
        try (RedisLauncher redis = RedisLauncher.start()) {
            for (int round = 0; round < 2; round++) {
                for (String subject : new String[] {"redis", "redisson-jcache"}) {
                    run(subject, redis.address(), round == 1);
                }
            }
        }
        System.exit(0);
    }

    private static void run(String subject, String address, boolean print) throws IOException {
        RedisLauncher.flushAll(address);
        Path directory = BenchmarkSupport.tempDirectory("terrace-put-cost-");
        Subjects.Opened opened = Subjects.open(subject, directory, address, 4 * PeerBenchmark.KEYS);
        Cache<String, byte[]> cache = opened.cache();
        byte[] value = BenchmarkSupport.value(100);
        String[] keys = new String[PeerBenchmark.KEYS];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "key-" + i;
            cache.put(keys[i], value);
        }
        for (int i = 0; i < PUTS; i++) {
            cache.put(keys[i & (keys.length - 1)], value);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int port = RedisLauncher.port(address);
        Map<String, long[]> before = stats(port);
        long allocated = threads.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        for (int i = 0; i < PUTS; i++) {
            cache.put(keys[i & (keys.length - 1)], value);
        }
        long nanos = System.nanoTime() - start;
        allocated = threads.getThreadAllocatedBytes(thread) - allocated;
        Map<String, long[]> after = stats(port);
        if (print) {
            StringBuilder line = new StringBuilder(String.format(
                    "%-16s put: client wall %5.0f us/op, caller thread %5.0f B/op; server, per put:",
                    subject, nanos / 1e3 / PUTS, allocated / (double) PUTS));
            after.forEach((command, counted) -> {
                long[] was = before.getOrDefault(command, new long[2]);
                long calls = counted[0] - was[0];
                long usec = counted[1] - was[1];
                if (!command.equals("info") && calls > 0) {
                    line.append(String.format(
                            " %s %.2f calls %.1f us;", command, calls / (double) PUTS, usec / (double) PUTS));
                }
            });
            System.out.println(line);
        }
        cache.clear();
        opened.closer().run();
        BenchmarkSupport.deleteRecursively(directory);
    }

    /** Calls and microseconds per command, as {@code INFO commandstats} counts them. */
    private static Map<String, long[]> stats(int port) throws IOException {
        Map<String, long[]> stats = new TreeMap<>();
        Matcher matcher = STAT.matcher(info(port));
        while (matcher.find()) {
            stats.put(
                    matcher.group(1), new long[] {Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3))});
        }
        return stats;
    }

    private static String info(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
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
