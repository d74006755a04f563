package dev.terrace.jcache.fault.redis;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JVM of the multi-JVM Redis fault suite ({@link MultiJvmFaultRun}): a cache manager of its own on {@code
 * heap+disk+redis} or {@code heap+redis} that, once told {@code start}, reads and changes a few hot keys shared
 * with the other JVMs and records every operation in a history file for {@link FaultHistoryChecker}.
 *
 * <p>Arguments: Redis address (or {@code cluster:} and a Cluster's nodes), tier stack, disk directory, worker
 * number, number of keys, history file.
 * Commands on its input, one a line: {@code start}; {@code stop} (answers {@code stopped}); {@code dump}
 * (answers {@code view k0=v,k1=-,...}: what {@code get} returns for every key); {@code quit}. While the load
 * runs it prints {@code progress <operations> <last value number written>} every 100 ms. A watchdog thread
 * prints {@code deadlock <threads>} and the JVM exits with 3 when a Java-level deadlock forms.
 *
 * <p>A line of the history: {@code <P|D|I|R> key value beganMicros endedMicros outcome}, where {@code P} is a
 * put, {@code D} a remove, {@code I} an entry processor setting a value, {@code R} a get; the value is {@code
 * -} for none; values written are unique ({@code w<worker>:<n>}); the outcome is {@code ok}, {@code
 * failed:<type>} (a {@code CacheException} saying the change was not applied), {@code unknown:<type>} (one
 * saying it may or may not be stored) or {@code nonspec:<type>}. Times are wall-clock microseconds, which every
 * JVM on the machine reads alike.
 */
public final class FaultWorker {

    static final URI MANAGER = URI.create("terrace:multi-jvm-fault");
    static final String CACHE = "hot";

    private final Cache<String, String> cache;
    private final int worker;
    private final int keys;
    private final BufferedWriter history;
    private final PrintStream out;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong lastWritten = new AtomicLong(-1);
    /** The number of the next value written: values stay unique over every {@code start}. */
    private long count;

    private FaultWorker(Cache<String, String> cache, int worker, int keys, BufferedWriter history, PrintStream out) {
        this.cache = cache;
        this.worker = worker;
        this.keys = keys;
        this.history = history;
        this.out = out;
    }

    /** How {@link #settings} is told a Cluster's nodes instead of one server's address. */
    static final String CLUSTER = "cluster:";

    /**
     * The settings of a manager on {@code stack} against {@code address} (one server's, or {@value #CLUSTER}
     * followed by a Cluster's comma-separated nodes), with short Redis timeouts.
     */
    static Properties settings(String address, String stack, Path disk) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        if (address.startsWith(CLUSTER)) {
            settings.setProperty("terrace.l3.mode", "cluster");
            settings.setProperty("terrace.l3.nodes", address.substring(CLUSTER.length()));
        } else {
            settings.setProperty("terrace.l3.address", address);
        }
        settings.setProperty("terrace.l3.timeout-ms", "500");
        settings.setProperty("terrace.l3.connect-timeout-ms", "500");
        settings.setProperty("terrace.l2.path", disk.toString());
        return settings;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        // Logs go to the error stream (the worker's log file), so that the output carries only the protocol.
        System.setOut(System.err);
        startWatchdog(out);
        Properties settings = settings(args[0], args[1], Path.of(args[2]));
        int worker = Integer.parseInt(args[3]);
        int keys = Integer.parseInt(args[4]);
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                        .getCacheManager(MANAGER, FaultWorker.class.getClassLoader(), settings);
                BufferedWriter history = Files.newBufferedWriter(Path.of(args[5]))) {
            Cache<String, String> cache = manager.getCache(CACHE) != null
                    ? manager.getCache(CACHE)
                    : manager.createCache(CACHE, new MutableConfiguration<>());
            new FaultWorker(cache, worker, keys, history, out).serve();
        }
        System.exit(0);
    }

    private void serve() throws IOException, InterruptedException {
        out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Thread load = null;
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "start" -> {
                    stop.set(false);
                    load = new Thread(this::load, "fault-load");
                    load.start();
                }
                case "stop" -> {
                    stop.set(true);
                    if (load != null) {
                        load.join();
                    }
                    history.flush();
                    out.println("stopped " + operations.get());
                }
                case "dump" -> out.println("view " + view());
                case "quit" -> {
                    return;
                }
                default -> out.println("unknown command " + line);
            }
        }
    }

    private String view() {
        List<String> entries = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            String key = "k" + k;
            String value;
            try {
                value = cache.get(key);
            } catch (RuntimeException e) {
                value = "!" + e.getClass().getSimpleName();
            }
            entries.add(key + "=" + (value == null ? "-" : value));
        }
        return String.join(",", entries);
    }

    private void load() {
        Random random = new Random(worker * 7_919L + System.nanoTime());
        long lastReport = 0;
        while (!stop.get()) {
            // Paced, so that several JVMs share two cores and the history stays small enough to check.
            LockSupport.parkNanos(500_000);
            String key = "k" + random.nextInt(keys);
            int choice = random.nextInt(20);
            char kind = choice < 4 ? 'P' : choice < 5 ? 'D' : choice < 6 ? 'I' : 'R';
            String written = kind == 'P' || kind == 'I' ? "w" + worker + ":" + count++ : null;
            String value = written;
            String outcome = "ok";
            long began = micros();
            try {
                switch (kind) {
                    case 'P' -> cache.put(key, written);
                    case 'D' -> cache.remove(key);
                    case 'I' ->
                        cache.invoke(key, (entry, arguments) -> {
                            entry.setValue(written);
                            return null;
                        });
                    default -> value = cache.get(key);
                }
            } catch (Throwable e) {
                outcome = outcome(e);
                System.err.println(micros() + " " + kind + " " + key + " " + outcome + ": " + e.getMessage());
            }
            long ended = micros();
            if (kind == 'P' || kind == 'I') {
                lastWritten.set(count - 1);
            }
            record(kind, key, value, began, ended, outcome);
            operations.incrementAndGet();
            if (ended - lastReport > 100_000) {
                lastReport = ended;
                out.println("progress " + operations.get() + " " + lastWritten.get());
            }
        }
        out.println("progress " + operations.get() + " " + lastWritten.get());
    }

    /** How a failed operation is recorded: what it says about the change, and the exception's type. */
    static String outcome(Throwable e) {
        String type = e.getClass().getSimpleName();
        if (!isSpec(e)) {
            return "nonspec:" + type;
        }
        String message = String.valueOf(e.getMessage());
        return (message.contains("may or may not") ? "unknown:" : "failed:") + type;
    }

    static boolean isSpec(Throwable e) {
        return e instanceof CacheException
                || e instanceof NullPointerException
                || e instanceof ClassCastException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException;
    }

    private void record(char kind, String key, String value, long began, long ended, String outcome) {
        try {
            history.write(kind + " " + key + " " + (value == null ? "-" : value) + " " + began + " " + ended + " "
                    + outcome + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Wall-clock microseconds: every JVM on this machine reads the same clock. */
    static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** Checks for a Java-level deadlock every 200 ms; on one, reports its threads and ends the JVM with 3. */
    private static void startWatchdog(PrintStream out) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread watchdog = new Thread(
                () -> {
                    while (true) {
                        LockSupport.parkNanos(200_000_000);
                        long[] deadlocked = threads.findDeadlockedThreads();
                        if (deadlocked != null) {
                            StringBuilder report = new StringBuilder("deadlock");
                            for (ThreadInfo info : threads.getThreadInfo(deadlocked, true, true)) {
                                report.append(" [")
                                        .append(info.getThreadName())
                                        .append(" waits for ")
                                        .append(info.getLockName())
                                        .append(" held by ")
                                        .append(info.getLockOwnerName())
                                        .append(" at ")
                                        .append(info.getStackTrace().length > 0 ? info.getStackTrace()[0] : "?")
                                        .append(']');
                            }
                            out.println(report);
                            Runtime.getRuntime().halt(3);
                        }
                    }
                },
                "deadlock-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
