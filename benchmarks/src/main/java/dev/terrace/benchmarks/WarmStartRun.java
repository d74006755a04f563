package dev.terrace.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * The two-process warm start: process A fills the shared tier (Redis) by running a Zipf key stream
 * cache-aside over {@code heap+disk+redis}; process B, a separate JVM with a cold heap and an empty disk,
 * runs another stream over the same keys and finds in Redis what A loaded. A third process runs B's stream on
 * the {@code heap} stack alone, the cold start without a shared tier.
 *
 * <p>Run by {@link RunPeerBenchmarks}; each process is {@code java -cp benchmarks.jar
 * dev.terrace.benchmarks.WarmStartRun <stack> <seed> [redis address]} and prints one {@value #PREFIX} line.
 */
public final class WarmStartRun {

    static final int KEYS = 10_000;
    static final double EXPONENT = 0.99;
    static final int REQUESTS = 50_000;
    static final int L1_BOUND = 1_000;
    static final long FILL_SEED = 1L;
    static final long READ_SEED = 2L;
    static final String PREFIX = "WARM-START ";

    private WarmStartRun() {}

    /** What one process saw: its requests, how many were hits, and the mean time of a get. */
    record Outcome(String process, String stack, int requests, long hits, double meanGetNanos) {
        double hitRatio() {
            return (double) hits / requests;
        }
    }

    public static void main(String[] args) {
        String stack = args[0];
        long seed = Long.parseLong(args[1]);
        String redis = args.length > 2 ? args[2] : null;
        int[] stream = Zipf.stream(KEYS, EXPONENT, REQUESTS, seed);
        String[] keys = Zipf.keys(KEYS);
        byte[] value = BenchmarkSupport.value(100);
        Path directory = BenchmarkSupport.tempDirectory("terrace-bench-warm-");
        // One manager name in every process, so that B's cache is A's cache in Redis.
        CacheManager manager =
                Subjects.terraceManager(URI.create("terrace:bench-warm-start"), stack, directory, redis, L1_BOUND);
        try {
            Cache<String, byte[]> cache = manager.createCache(
                    "warm",
                    new MutableConfiguration<String, byte[]>()
                            .setTypes(String.class, byte[].class)
                            .setStatisticsEnabled(false)
                            .setManagementEnabled(false));
            long hits = 0;
            long getNanos = 0;
            for (int rank : stream) {
                long start = System.nanoTime();
                byte[] found = cache.get(keys[rank]);
                getNanos += System.nanoTime() - start;
                if (found != null) {
                    hits++;
                } else {
                    cache.put(keys[rank], value);
                }
            }
            System.out.printf(
                    Locale.ROOT, "%s%d %d %.1f%n", PREFIX, stream.length, hits, (double) getNanos / stream.length);
        } finally {
            manager.close();
            BenchmarkSupport.deleteRecursively(directory);
        }
    }

    /** Runs the three processes one after another against the server at {@code redisAddress}. */
    static List<Outcome> run(String redisAddress) {
        RedisLauncher.flushAll(redisAddress);
        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(process("A: fills Redis", "heap+disk+redis", FILL_SEED, redisAddress));
        outcomes.add(process("B: warm from Redis", "heap+disk+redis", READ_SEED, redisAddress));
        outcomes.add(process("C: cold, no Redis", "heap", READ_SEED, null));
        RedisLauncher.flushAll(redisAddress);
        return outcomes;
    }

    private static Outcome process(String name, String stack, long seed, String redis) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WarmStartRun.class.getName(),
                stack,
                Long.toString(seed)));
        if (redis != null) {
            command.add(redis);
        }
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed: " + output);
            }
            String line = output.lines()
                    .filter(l -> l.startsWith(PREFIX))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(name + " printed no result: " + output));
            String[] fields = line.substring(PREFIX.length()).trim().split(" ");
            return new Outcome(
                    name, stack, Integer.parseInt(fields[0]), Long.parseLong(fields[1]), Double.parseDouble(fields[2]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
