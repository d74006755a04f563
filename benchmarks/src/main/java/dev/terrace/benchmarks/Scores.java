package dev.terrace.benchmarks;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Every score of a peer run, by operation, subject, value size and thread count, in nanoseconds per
 * operation. The floors of {@link FloorBenchmark} are filed under the subjects {@code raw-caffeine}, {@code
 * raw-mapdb}, {@code raw-rbucket} and {@code disk} (Terrace's L2 hit).
 */
final class Scores {

    /** The operations, in table order. */
    static final List<String> OPERATIONS = List.of("getHit", "getMiss", "put", "putIfAbsent", "invoke");

    /** Every subject, in table order: Terrace's stacks, the peers, then the floors. */
    static final List<String> SUBJECTS = List.of(
            "heap",
            "heap+disk",
            "heap+disk+redis",
            "redis",
            "caffeine-jcache",
            "ehcache-jcache",
            "redisson-jcache",
            "raw-caffeine",
            "raw-mapdb",
            "raw-rbucket",
            "disk");

    static final List<Integer> SIZES = List.of(100, 10240);

    /** One score: the mean and its 99.9 % error, in ns per operation. */
    record Score(double nanos, double error) {}

    private final Map<String, Score> scores = new TreeMap<>();

    /** Files the primary result of each run, made with {@code threads} threads. */
    void add(Collection<RunResult> runs, int threads) {
        for (RunResult run : runs) {
            String benchmark = run.getParams().getBenchmark();
            String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String subject = run.getParams().getParam("subject");
            if (subject == null) {
                String floor = run.getParams().getParam("floor");
                subject = floor.equals("disk") ? floor : "raw-" + floor;
            }
            int size = Integer.parseInt(run.getParams().getParam("valueSize"));
            Result<?> result = run.getPrimaryResult();
            double scale = nanosPer(result.getScoreUnit());
            double error = Double.isNaN(result.getScoreError()) ? 0 : result.getScoreError();
            scores.put(key(operation, subject, size, threads), new Score(result.getScore() * scale, error * scale));
        }
    }

    /** The score, or {@code null} when that combination was not run. */
    Score get(String operation, String subject, int size, int threads) {
        return scores.get(key(operation, subject, size, threads));
    }

    /** {@code numerator / denominator} of two scores, or NaN when either is missing. */
    double ratio(String operation, String numerator, String denominator, int size, int threads) {
        Score top = get(operation, numerator, size, threads);
        Score bottom = get(operation, denominator, size, threads);
        return top == null || bottom == null ? Double.NaN : top.nanos() / bottom.nanos();
    }

    boolean isEmpty() {
        return scores.isEmpty();
    }

    private static String key(String operation, String subject, int size, int threads) {
        return operation + "|" + subject + "|" + size + "|" + threads;
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> throw new IllegalArgumentException("Unexpected unit " + unit);
        };
    }

    /** {@code nanos} as people read it: "151 ns", "2.86 µs", "274 µs", "1.20 ms". */
    static String time(double nanos) {
        if (Double.isNaN(nanos)) {
            return "–";
        }
        if (nanos < 1_000) {
            return String.format(Locale.ROOT, "%.0f ns", nanos);
        }
        if (nanos < 100_000) {
            return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
