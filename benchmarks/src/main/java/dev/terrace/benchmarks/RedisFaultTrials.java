package dev.terrace.benchmarks;

import dev.terrace.jcache.fault.redis.MultiJvmFaultReport;
import dev.terrace.jcache.fault.redis.MultiJvmFaultRun;
import dev.terrace.jcache.fault.redis.RedisFaultRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The long Redis fault suite (issue 13).
 *
 * <p>By default, the multi-JVM suite ({@code MultiJvmFaultRun}): each trial starts a {@code redis-server} and
 * several JVMs (alternately {@code heap+disk+redis} and {@code heap+redis}) that read and change a few hot keys,
 * injects every fault in turn, and judges the JVMs' histories; prints one row per fault with every trial summed:
 * reads and writes, exceptions to callers by type, non-spec exceptions, divergent keys after the quiet period,
 * reads stale beyond the bound (and how many were judged), writes reported failed that took effect, writes of
 * unknown outcome (and how many were seen by another JVM), garbled values, deadlocks, recoveries without restart
 * (and the slowest), and, for {@code CLUSTER_FAILOVER} (a Cluster of three masters with a replica each and JVMs
 * of its own, started for that fault), the changes the killed master acknowledged that its promoted replica
 * lacked: lost by design (asynchronous replication), reported and not counted as a missed goal. Exits with 1 when
 * any goal was missed. The build runs the short version ({@code MultiJvmFaultSuiteTest}).
 *
 * <p>Arguments (all optional): trials (5), JVMs (3), keys (8), operations per phase, all JVMs together (2000),
 * quiet period in seconds (5), propagation bound in milliseconds (1000), the faults to run, comma-separated
 * (all; {@code CLUSTER_FAILOVER} alone, for instance, runs only the Cluster failover).
 *
 * <p>With {@code -Dterrace.faults.keep=true} each trial's directory (the JVMs' histories and logs) is kept.
 *
 * <p>{@code in-jvm} as the first argument runs the earlier single-JVM suite ({@code RedisFaultRun}: several
 * managers in one JVM, divergent keys only), with its own arguments: trials (5), managers (3), keys (16),
 * operations per phase (2000), quiet period in seconds (20).
 */
public final class RedisFaultTrials {

    private RedisFaultTrials() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("in-jvm")) {
            inJvm(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int jvms = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        long operations = args.length > 3 ? Long.parseLong(args[3]) : 2_000;
        Duration quiet = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 5);
        Duration bound = Duration.ofMillis(args.length > 5 ? Long.parseLong(args[5]) : 1_000);
        List<MultiJvmFaultRun.Fault> faults = args.length > 6
                ? Arrays.stream(args[6].split(","))
                        .map(MultiJvmFaultRun.Fault::valueOf)
                        .toList()
                : List.of(MultiJvmFaultRun.Fault.values());
        List<MultiJvmFaultRun.Result> results = new ArrayList<>();
        for (int trial = 0; trial < trials; trial++) {
            Path work = Files.createTempDirectory("terrace-multi-jvm-fault");
            try {
                List<MultiJvmFaultRun.Result> trialResults =
                        new MultiJvmFaultRun(work, jvms, keys, operations, quiet, bound).run(faults);
                for (MultiJvmFaultRun.Result result : trialResults) {
                    if (!result.clean()) {
                        System.out.printf(
                                "trial %d, %s: %s%n", trial, result.fault(), MultiJvmFaultReport.describe(result));
                    }
                }
                results.addAll(trialResults);
            } finally {
                if (Boolean.getBoolean("terrace.faults.keep")) {
                    System.out.println("trial " + trial + " kept its histories and logs in " + work);
                } else {
                    delete(work);
                }
            }
            System.out.printf("trial %d of %d done%n", trial + 1, trials);
        }
        System.out.printf(
                "Redis fault trials: %d per fault, %d JVMs, %d keys, %d operations per phase, quiet %d s, bound %d ms%n",
                trials, jvms, keys, operations, quiet.toSeconds(), bound.toMillis());
        System.out.print(MultiJvmFaultReport.table(results));
        if (!results.stream().allMatch(MultiJvmFaultRun.Result::clean)) {
            System.exit(1);
        }
    }

    private static void delete(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void inJvm(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int managers = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        long operations = args.length > 3 ? Long.parseLong(args[3]) : 2_000;
        Duration quiet = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 20);
        List<String> rows = new ArrayList<>();
        boolean clean = true;
        for (RedisFaultRun.Fault fault : RedisFaultRun.Fault.values()) {
            long ops = 0;
            long nonSpec = 0;
            long divergent = 0;
            long slowest = 0;
            int deadlocks = 0;
            Map<String, Long> exceptions = new TreeMap<>();
            for (int trial = 0; trial < trials; trial++) {
                Path work = Files.createTempDirectory("terrace-redis-fault");
                RedisFaultRun.Result result = RedisFaultRun.once(fault, work, managers, keys, operations, quiet);
                ops += result.operations();
                nonSpec += result.nonSpec();
                divergent += Math.max(0, result.divergentKeys());
                slowest = Math.max(slowest, result.convergeMillis());
                deadlocks += result.deadlock() ? 1 : 0;
                result.exceptions().forEach((type, count) -> exceptions.merge(type, count, Long::sum));
                clean &= result.clean();
            }
            rows.add(String.format(
                    "| %s | %d | %,d | %s | %d | %d | %,d ms | %d |",
                    fault,
                    trials,
                    ops,
                    exceptions.isEmpty() ? "none" : exceptions,
                    nonSpec,
                    divergent,
                    slowest,
                    deadlocks));
        }
        System.out.printf(
                "Redis fault trials (one JVM): %d per fault, %d managers, %d keys, %d operations per phase, quiet %d s%n",
                trials, managers, keys, operations, quiet.toSeconds());
        System.out.println(
                "| fault | runs | operations | exceptions to callers | non-spec | divergent keys | slowest convergence | deadlocks |");
        System.out.println("|---|---:|---:|---|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        if (!clean) {
            System.exit(1);
        }
    }
}
