package dev.terrace.jcache.stale;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One process of the stale-read check: runs random reads and writes on a small key set of a shared cache for
 * a while and records every operation, with when it began and ended, in a history file for {@link
 * StaleReadChecker}.
 *
 * <p>Arguments: redis address, tier stack, disk directory, worker number, milliseconds to run, number of
 * keys, history file. Every value written is unique ({@code <worker>:<n>}), so a read tells which write it
 * saw. A line of the history is {@code W|R key value beganMicros endedMicros} ({@code -} for no value).
 */
public final class StaleReadWorker {

    private StaleReadWorker() {}

    public static void main(String[] args) throws IOException {
        String address = args[0];
        String stack = args[1];
        Path disk = Path.of(args[2]);
        int worker = Integer.parseInt(args[3]);
        long runMillis = Long.parseLong(args[4]);
        int keys = Integer.parseInt(args[5]);
        Path history = Path.of(args[6]);

        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", address);
        settings.setProperty("terrace.l2.path", disk.toString());
        Random random = new Random(worker * 7919L);
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                        .getCacheManager(
                                URI.create("terrace:stale-check"), StaleReadWorker.class.getClassLoader(), settings);
                BufferedWriter out = Files.newBufferedWriter(history)) {
            Cache<String, String> cache = manager.getCache("shared") != null
                    ? manager.getCache("shared")
                    : manager.createCache("shared", new MutableConfiguration<>());
            System.out.println("ready");
            System.out.flush();
            long end = System.currentTimeMillis() + runMillis;
            long written = 0;
            while (System.currentTimeMillis() < end) {
                // Paced, so the history stays small enough to check; the pace is far above the propagation delay.
                LockSupport.parkNanos(100_000);
                String key = "k" + random.nextInt(keys);
                if (random.nextInt(4) == 0) {
                    String value = worker + ":" + written++;
                    long began = micros();
                    cache.put(key, value);
                    long ended = micros();
                    line(out, 'W', key, value, began, ended);
                } else {
                    long began = micros();
                    String value = cache.get(key);
                    long ended = micros();
                    line(out, 'R', key, value, began, ended);
                }
            }
        }
    }

    private static void line(BufferedWriter out, char kind, String key, String value, long began, long ended)
            throws IOException {
        out.write(kind + " " + key + " " + (value == null ? "-" : value) + " " + began + " " + ended + " \n");
    }

    /** Wall-clock microseconds: every process on this machine reads the same clock. */
    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
