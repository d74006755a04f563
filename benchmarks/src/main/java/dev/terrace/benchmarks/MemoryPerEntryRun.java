package dev.terrace.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.cache.Cache;

/**
 * The heap bytes one entry costs, beyond its key: 1,000,000 entries of {@value #VALUE_SIZE}-byte values,
 * store-by-value, eternal, statistics off, put into Terrace's {@code heap} stack and into Caffeine's and Ehcache's
 * JCache caches, each subject in a JVM of its own.
 *
 * <p>The keys are made before the first measurement and kept to the end, so they are not counted; each value
 * is the same array, which store-by-value copies into every entry, so the copies are counted (116 bytes each,
 * padded to 120, the same for every subject). Used heap is read from the {@link MemoryMXBean} after a full
 * collection (three in a row, until the number settles), before and after the fill; the difference over the
 * entry count is the figure. The Terrace heap tier is bounded at {@value #ENTRIES} entries (it must be bounded;
 * Caffeine's bound costs a frequency sketch and a larger node), the peers are unbounded, their defaults.
 *
 * <p>Run, after the module's build: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.terrace.benchmarks.MemoryPerEntryRun} (all three subjects, each forked with {@code -Xmx3g}); or with one
 * subject as the argument to measure it in this JVM.
 */
public final class MemoryPerEntryRun {

    static final int ENTRIES = 1_000_000;
    static final int VALUE_SIZE = 100;
    static final String[] SUBJECTS = {"heap", "caffeine-jcache", "ehcache-jcache"};

    private MemoryPerEntryRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1) {
            measure(args[0]);
            return;
        }
        String javaHome = System.getProperty("java.home");
        String classPath = System.getProperty("java.class.path");
        for (String subject : SUBJECTS) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(javaHome, "bin", "java").toString(),
                    "-Xms3g",
                    "-Xmx3g",
                    "-XX:+UseParallelGC",
                    "-cp",
                    classPath,
                    MemoryPerEntryRun.class.getName(),
                    subject));
            Process process = new ProcessBuilder(command).inheritIO().start();
            int exit = process.waitFor();
            BenchmarkSupport.check(exit == 0, subject + " exited with " + exit);
        }
    }

    private static void measure(String subject) {
        String[] keys = new String[ENTRIES];
        for (int i = 0; i < ENTRIES; i++) {
            keys[i] = "key-" + i;
        }
        byte[] value = BenchmarkSupport.value(VALUE_SIZE);
        Path directory = BenchmarkSupport.tempDirectory("terrace-bench-memory-");
        Subjects.Opened opened = Subjects.open(subject, directory, null, ENTRIES);
        Cache<String, byte[]> cache = opened.cache();
        try {
            // One warm-up entry, so that whatever the first put sets up is not counted per entry.
            cache.put("warm-up", value);
            long before = usedAfterGc();
            for (String key : keys) {
                cache.put(key, value);
            }
            long after = usedAfterGc();
            BenchmarkSupport.check(cache.get(keys[ENTRIES - 1]) != null, subject + " lost an entry");
            BenchmarkSupport.check(cache.get(keys[0]) != null, subject + " evicted an entry");
            System.out.printf(
                    Locale.ROOT,
                    "%-16s %,d entries of %d B: %.1f bytes per entry beyond the key%n",
                    subject,
                    ENTRIES,
                    VALUE_SIZE,
                    (after - before) / (double) ENTRIES);
        } finally {
            cache.clear();
            opened.closer().run();
            BenchmarkSupport.deleteRecursively(directory);
        }
        // The keys stay reachable until both readings are taken.
        BenchmarkSupport.check(keys.length == ENTRIES, "keys");
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
