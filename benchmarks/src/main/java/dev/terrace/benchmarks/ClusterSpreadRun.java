package dev.terrace.benchmarks;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisCluster;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * How one cache spreads over a Redis Cluster (issue 14): a 3-master Cluster of real {@code redis-server}
 * processes, one cache on the {@code redis} stack (no near tier, so every operation reaches the Cluster) with
 * the default shard count; it is filled with {@value #ENTRIES} entries of {@value #VALUE_SIZE} bytes, then
 * {@value #THREADS} threads read and write random keys of it for {@value #SECONDS} seconds (80 % gets, 20 %
 * puts). Prints, per master, the share of the cache's keys (its {@code DBSIZE} growth) and of the commands it
 * processed ({@code total_commands_processed}), for the fill and for the mixed load, and fails when a master's
 * share of keys is outside 33 % ± 5 %.
 *
 * <p>Run, after the module's build: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.terrace.benchmarks.ClusterSpreadRun}.
 */
public final class ClusterSpreadRun {

    static final int ENTRIES = 30_000;
    static final int VALUE_SIZE = 100;
    static final int THREADS = 4;
    static final int SECONDS = 10;

    private static final Pattern COMMANDS = Pattern.compile("total_commands_processed:(\\d+)");

    private ClusterSpreadRun() {}

    public static void main(String[] args) throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3)) {
            List<RedisServer> masters = cluster.masters();
            Properties settings = new Properties();
            settings.setProperty("terrace.stack", "redis");
            settings.setProperty("terrace.l3.mode", "cluster");
            settings.setProperty("terrace.l3.nodes", cluster.nodes());
            CacheManager manager = Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                    .getCacheManager(
                            URI.create("terrace:cluster-spread"), ClusterSpreadRun.class.getClassLoader(), settings);
            try (manager) {
                Cache<String, byte[]> cache = manager.createCache(
                        "spread", new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
                byte[] value = BenchmarkSupport.value(VALUE_SIZE);

                long[] keysBefore = dbSizes(masters);
                long[] commandsBefore = commands(masters);
                for (int i = 0; i < ENTRIES; i++) {
                    cache.put("key-" + i, value);
                }
                long[] keysAfter = dbSizes(masters);
                long[] commandsAfterFill = commands(masters);
                boolean even = report("fill: keys", masters, difference(keysAfter, keysBefore), true);
                report("fill: commands", masters, difference(commandsAfterFill, commandsBefore), false);

                long[] operations = new long[THREADS];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int index = t;
                    Thread thread = new Thread(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (System.nanoTime() < deadline) {
                            String key = "key-" + random.nextInt(ENTRIES);
                            if (random.nextInt(10) < 8) {
                                BenchmarkSupport.check(cache.get(key) != null, "the cluster lost " + key);
                            } else {
                                cache.put(key, value);
                            }
                            operations[index]++;
                        }
                    });
                    threads.add(thread);
                    thread.start();
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                long total = 0;
                for (long count : operations) {
                    total += count;
                }
                System.out.printf(
                        Locale.ROOT,
                        "mixed load: %,d operations in %d s from %d threads (%,.0f ops/s)%n",
                        total,
                        SECONDS,
                        THREADS,
                        total / (double) SECONDS);
                report("mixed load: commands", masters, difference(commands(masters), commandsAfterFill), false);
                cache.clear();
                BenchmarkSupport.check(even, "a master's share of the cache's keys is outside 33 % ± 5 %");
            }
        }
    }

    /** Prints each master's share of {@code counts}; whether every share is within 33 % ± 5 %. */
    private static boolean report(String what, List<RedisServer> masters, long[] counts, boolean checkEven) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        boolean even = true;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s total %,10d:", what, total));
        for (int i = 0; i < counts.length; i++) {
            double share = total == 0 ? 0 : 100.0 * counts[i] / total;
            even &= Math.abs(share - 100.0 / counts.length) <= 5;
            line.append(String.format(
                    Locale.ROOT,
                    "  master %d (port %d) %,d = %.1f %%",
                    i,
                    masters.get(i).port(),
                    counts[i],
                    share));
        }
        System.out.println(line);
        return !checkEven || even;
    }

    private static long[] difference(long[] after, long[] before) {
        long[] difference = new long[after.length];
        for (int i = 0; i < after.length; i++) {
            difference[i] = after[i] - before[i];
        }
        return difference;
    }

    private static long[] dbSizes(List<RedisServer> masters) throws IOException {
        long[] sizes = new long[masters.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] =
                    Long.parseLong(masters.get(i).command("DBSIZE").substring(1).trim());
        }
        return sizes;
    }

    private static long[] commands(List<RedisServer> masters) throws IOException {
        long[] counts = new long[masters.size()];
        for (int i = 0; i < counts.length; i++) {
            Matcher matcher = COMMANDS.matcher(masters.get(i).command("INFO stats"));
            BenchmarkSupport.check(matcher.find(), "INFO stats has total_commands_processed");
            counts[i] = Long.parseLong(matcher.group(1));
        }
        return counts;
    }
}
