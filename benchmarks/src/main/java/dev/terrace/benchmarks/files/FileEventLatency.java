package dev.terrace.benchmarks.files;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;

/**
 * Measures the time from a file write to the {@code REMOVED} event a listener receives for the entry that
 * depends on the file, for several debounce settings: one change at a time (the entry is stored, its file is
 * appended to, the clock runs until the listener is called), {@code changes} times per setting after a few
 * unmeasured ones, on a heap cache watching a temporary directory. Prints p50, p90, p99 and the maximum, and
 * whether p99 met the goal of debounce + 50 ms.
 *
 * <p>Not a JMH benchmark: the quantity is a latency distribution of an asynchronous path, which JMH's
 * per-operation modes do not measure. Arguments: the number of measured changes per setting (default 200),
 * then the debounce settings in milliseconds (default 0 25 50 100 200).
 */
public final class FileEventLatency {

    private static final String PROVIDER = "dev.terrace.jcache.TerraceCachingProvider";
    private static final int WARMUP = 20;
    /** Handed the nanoTime of each event by the listener, which the cache created from a factory. */
    static final BlockingQueue<Long> EVENTS = new ArrayBlockingQueue<>(16);

    private FileEventLatency() {}

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<Long> debounces = args.length > 1
                ? Arrays.stream(args).skip(1).map(Long::valueOf).toList()
                : List.of(0L, 25L, 50L, 100L, 200L);
        System.out.printf(
                "%-12s %8s %8s %8s %8s %8s  %s%n",
                "debounce ms", "changes", "p50 ms", "p90 ms", "p99 ms", "max ms", "p99 <= debounce + 50 ms");
        for (long debounce : debounces) {
            double[] latencies = measure(debounce, changes);
            double p99 = percentile(latencies, 99);
            System.out.printf(
                    "%-12d %8d %8.1f %8.1f %8.1f %8.1f  %s%n",
                    debounce,
                    changes,
                    percentile(latencies, 50),
                    percentile(latencies, 90),
                    p99,
                    latencies[latencies.length - 1],
                    p99 <= debounce + 50 ? "yes" : "NO");
        }
    }

    private static double[] measure(long debounce, int changes) throws Exception {
        Path directory = Files.createTempDirectory("terrace-file-latency");
        int total = WARMUP + changes;
        Path[] files = new Path[total];
        for (int i = 0; i < total; i++) {
            files[i] = Files.writeString(directory.resolve("file-" + i + ".txt"), "content " + i);
        }
        Properties properties = new Properties();
        properties.setProperty("terrace.files.watch-paths", directory.toString());
        properties.setProperty("terrace.files.debounce-ms", Long.toString(debounce));
        double[] latencies = new double[changes];
        try (CacheManager manager = Caching.getCachingProvider(PROVIDER)
                .getCacheManager(URI.create("terrace:file-latency-" + debounce), null, properties)) {
            Factory<CacheEntryListener<Object, Object>> listener = new ListenerFactory();
            Cache<Object, Object> cache = manager.createCache(
                    "derived",
                    new MutableConfiguration<>()
                            .addCacheEntryListenerConfiguration(
                                    new MutableCacheEntryListenerConfiguration<>(listener, null, false, false)));
            for (int i = 0; i < total; i++) {
                cache.put(Map.of("path", files[i].toString()), i);
                long written = System.nanoTime();
                Files.writeString(files[i], " changed", StandardOpenOption.APPEND);
                Long heard = EVENTS.poll(30, TimeUnit.SECONDS);
                if (heard == null) {
                    throw new IllegalStateException("no event within 30 s for change " + i);
                }
                if (i >= WARMUP) {
                    latencies[i - WARMUP] = (heard - written) / 1e6;
                }
            }
        } finally {
            try (Stream<Path> tree = Files.walk(directory)) {
                tree.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // Left in the temporary directory.
            }
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static double percentile(double[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Creates the listener that hands each removal's time to {@link #EVENTS}. */
    public static final class ListenerFactory implements Factory<CacheEntryListener<Object, Object>> {
        private static final long serialVersionUID = 1L;

        @Override
        public CacheEntryListener<Object, Object> create() {
            return (CacheEntryRemovedListener<Object, Object>) events -> {
                long now = System.nanoTime();
                events.forEach(event -> EVENTS.offer(now));
            };
        }
    }
}
