package dev.terrace.benchmarks;

import dev.terrace.jcache.stale.StaleReadChecker;
import dev.terrace.jcache.stale.StaleReadRun;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The longer stale-read check of the Redis tier: several processes on {@code heap+disk+redis} read and write a
 * small key set at random, and the checker counts reads older than a write acknowledged more than the bound
 * before them (goal: none) and reports how long after an acknowledgement another process could still read
 * the older value (p50, p99, max).
 *
 * <p>Arguments (all optional): processes (4), seconds (60), keys (16), bound in milliseconds (100).
 */
public final class RunStaleReadCheck {

    private RunStaleReadCheck() {}

    public static void main(String[] args) throws Exception {
        int processes = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        long boundMillis = args.length > 3 ? Long.parseLong(args[3]) : 100;
        Path work = Files.createTempDirectory("terrace-stale-check");
        StaleReadChecker.Report report = StaleReadRun.run(work, processes, seconds * 1000, keys, boundMillis * 1000);
        System.out.printf(
                "Stale-read check, %d processes x %d s on %d keys (heap+disk+redis): %s%n",
                processes, seconds, keys, report);
        if (report.stale() > 0) {
            System.exit(1);
        }
    }
}
