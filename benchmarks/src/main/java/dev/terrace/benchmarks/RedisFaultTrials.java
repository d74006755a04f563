package dev.terrace.benchmarks;

import dev.terrace.jcache.fault.redis.RedisFaultRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The long Redis fault suite (issue 13): every fault of {@code RedisFaultRun} several times, each under load
 * from several cache managers (alternately {@code heap+disk+redis} and {@code heap+redis}) on a few hot keys
 * against a real {@code redis-server}; prints one row per fault: runs, operations, exceptions to callers by
 * type, non-spec exceptions, divergent keys after the quiet period, the slowest convergence, deadlocks. The
 * build runs the short version ({@code RedisFaultSuiteTest}).
 *
 * <p>Arguments (all optional): trials per fault (5), managers (3), keys (16), operations per phase (2000),
 * quiet period in seconds (20).
 */
public final class RedisFaultTrials {

    private RedisFaultTrials() {}

    public static void main(String[] args) throws Exception {
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
                "Redis fault trials: %d per fault, %d managers, %d keys, %d operations per phase, quiet %d s%n",
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
