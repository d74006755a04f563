package dev.terrace.jcache.crash;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * A separate JVM that uses a disk-backed cache, for tests that restart or kill processes. Arguments: the
 * store root, then a command:
 *
 * <ul>
 *   <li>{@code write FROM COUNT}: puts COUNT entries from key FROM, closes the manager and exits normally;
 *   <li>{@code loop FROM}: puts entries from key FROM forever, updating the key {@code latest} after each,
 *       and prints {@code ack N} once the put of key N returned;
 *   <li>{@code loop-threads FROM THREADS}: THREADS threads put entries from key FROM forever, thread t the keys
 *       FROM + t, FROM + t + THREADS, ..., and print {@code ack N} once the put of key N returned (concurrent
 *       writers, whose journal appends are written in groups);
 *   <li>{@code hold}: opens the cache, prints {@code ready}, and keeps it open until its input closes.
 * </ul>
 */
public final class StoreProcess {

    static final URI MANAGER = URI.create("terrace:crash-test");
    static final String CACHE = "crash";

    private StoreProcess() {}

    /** The settings of the cache manager every process of a test opens over {@code root}. */
    static Properties settings(String root) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "heap+disk");
        properties.setProperty("terrace.l2.path", root);
        properties.setProperty("terrace.l2.max-size-mb", "512");
        properties.setProperty("terrace.l1.max-entries", "1000");
        return properties;
    }

    static String key(long n) {
        return "key-" + n;
    }

    /** A value that names its key, so that a value served for the wrong key, or garbled, is recognised. */
    static String value(long n) {
        return "value-of-" + n + "-" + "x".repeat((int) (n % 97));
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(MANAGER, StoreProcess.class.getClassLoader(), settings(args[0]));
        Cache<String, String> cache = manager.getCache(CACHE);
        if (cache == null) {
            cache = manager.createCache(CACHE, new MutableConfiguration<String, String>());
        }
        switch (args[1]) {
            case "write" -> {
                long from = Long.parseLong(args[2]);
                long count = Long.parseLong(args[3]);
                for (long n = from; n < from + count; n++) {
                    cache.put(key(n), value(n));
                }
                manager.close();
                out.println("done");
            }
            case "loop" -> {
                for (long n = Long.parseLong(args[2]); ; n++) {
                    cache.put(key(n), value(n));
                    cache.put("latest", Long.toString(n));
                    out.println("ack " + n);
                }
            }
            case "loop-threads" -> {
                long from = Long.parseLong(args[2]);
                int threads = Integer.parseInt(args[3]);
                Cache<String, String> shared = cache;
                for (int t = 0; t < threads; t++) {
                    long first = from + t;
                    Thread writer = new Thread(() -> {
                        for (long n = first; ; n += threads) {
                            shared.put(key(n), value(n));
                            out.println("ack " + n);
                        }
                    });
                    writer.start();
                }
                Thread.currentThread().join();
            }
            case "hold" -> {
                out.println("ready");
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    while (in.readLine() != null) {
                        // wait for the test to close our input
                    }
                }
                manager.close();
            }
            default -> throw new IllegalArgumentException("unknown command " + args[1]);
        }
    }
}
