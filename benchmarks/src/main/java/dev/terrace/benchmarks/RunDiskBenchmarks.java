package dev.terrace.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link DiskTierBenchmark} alone, writes JMH's JSON results, and prints each score with the ratios the
 * disk tier's goal is stated in (an L2 hit against a raw MapDB get; a put through both tiers against a raw
 * MapDB put).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.RunDiskBenchmarks
 * [results.json] [more JMH options]}. The results file defaults to {@value #DEFAULT_RESULTS}, relative to the
 * working directory; further arguments are JMH's own command-line options (for example {@code -prof gc}).
 */
public final class RunDiskBenchmarks {

    static final String DEFAULT_RESULTS = "benchmarks/target/disk-tier.json";

    /** The goal: an L2 hit costs at most this many times a raw MapDB get. */
    static final double GET_GOAL = 1.3;

    private RunDiskBenchmarks() {}

    public static void main(String[] args) throws RunnerException, IOException, CommandLineOptionException {
        String results = DEFAULT_RESULTS;
        String[] jmhArgs = args;
        if (args.length > 0 && !args[0].startsWith("-")) {
            results = args[0];
            jmhArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        Path resultsPath = Path.of(results).toAbsolutePath();
        Files.createDirectories(resultsPath.getParent());
        Options options = new OptionsBuilder()
                .parent(new CommandLineOptions(jmhArgs))
                .include("^" + DiskTierBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .resultFormat(ResultFormatType.JSON)
                .result(resultsPath.toString())
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        Map<String, Result<?>> scores = new TreeMap<>();
        for (RunResult run : runs) {
            String method = run.getParams().getBenchmark();
            scores.put(method.substring(method.lastIndexOf('.') + 1), run.getPrimaryResult());
        }
        System.out.println();
        System.out.println("| benchmark | score | error (99.9%) | unit |");
        System.out.println("|---|---:|---:|---|");
        scores.forEach((name, result) -> System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | ± %.1f | %s |%n",
                name,
                result.getScore(),
                result.getScoreError(),
                result.getScoreUnit()));
        System.out.println();
        printRatio(scores, "terraceL2Get", "rawMapDbGet", GET_GOAL);
        printRatio(scores, "terraceHeapDiskPut", "rawMapDbPut", Double.NaN);
        System.out.println("JSON results: " + resultsPath);
    }

    private static void printRatio(Map<String, Result<?>> scores, String terrace, String raw, double goal) {
        Result<?> numerator = scores.get(terrace);
        Result<?> denominator = scores.get(raw);
        if (numerator == null || denominator == null) {
            return;
        }
        double ratio = numerator.getScore() / denominator.getScore();
        String verdict = Double.isNaN(goal)
                ? ""
                : String.format(Locale.ROOT, " (goal <= %.1fx: %s)", goal, ratio <= goal ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "%s / %s = %.2fx%s%n", terrace, raw, ratio, verdict);
    }
}
