package dev.terrace.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The peer comparison in one command: starts a {@code redis-server} on a free loopback port, runs {@code
 * redis-benchmark -c 1} against it, runs {@link PeerBenchmark} and {@link FloorBenchmark} with one and with
 * two threads against the same server, runs the hit-ratio and two-process warm-start programs, stops the
 * server, and writes {@code docs/performance.md} and {@code docs/performance.svg}.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.RunPeerBenchmarks [docs
 * directory] [JMH options]}. JMH's JSON results go to {@code benchmarks/target/peers-<threads>t.json}.
 */
public final class RunPeerBenchmarks {

    static final String COMMAND = "java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.RunPeerBenchmarks";

    /** One line of {@code redis-benchmark --csv}. */
    record RedisBenchmarkLine(
            String command, int size, double requestsPerSecond, double meanMicros, double p50Micros) {}

    private RunPeerBenchmarks() {}

    public static void main(String[] args) throws RunnerException, IOException, CommandLineOptionException {
        Path docs = Path.of("docs");
        String[] jmhArgs = args;
        if (args.length > 0 && !args[0].startsWith("-")) {
            docs = Path.of(args[0]);
            jmhArgs = Arrays.copyOfRange(args, 1, args.length);
        }
        Files.createDirectories(docs);
        Path target = Path.of("benchmarks", "target");
        Files.createDirectories(target);
        long started = System.nanoTime();
        Map<String, String> machine = machine();
        Scores scores = new Scores();
        List<RedisBenchmarkLine> redisBenchmark = new ArrayList<>();
        Map<String, HitRatioRun.HitRatio> hitRatios;
        List<WarmStartRun.Outcome> warmStart;
        try (RedisLauncher redis = RedisLauncher.start()) {
            for (int size : Scores.SIZES) {
                redisBenchmark.addAll(redisBenchmark(redis.port(), size));
            }
            CommandLineOptions given = new CommandLineOptions(jmhArgs);
            List<String> jvmArgs = new ArrayList<>(given.getJvmArgsAppend().orElse(List.of()));
            jvmArgs.add("-D" + RedisLauncher.ADDRESS_PROPERTY + "=" + redis.address());
            for (int threads : new int[] {1, 2}) {
                Options options = new OptionsBuilder()
                        .parent(given)
                        .include("^" + PeerBenchmark.class.getName().replace(".", "\\.") + "\\.")
                        .include("^" + FloorBenchmark.class.getName().replace(".", "\\.") + "\\.")
                        .threads(threads)
                        .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                        .resultFormat(ResultFormatType.JSON)
                        .result(target.resolve("peers-" + threads + "t.json").toString())
                        .build();
                scores.add(new Runner(options).run(), threads);
            }
            System.out.println("Hit ratios (Zipf) ...");
            hitRatios = HitRatioRun.run();
            System.out.println("Two-process warm start ...");
            warmStart = WarmStartRun.run(redis.address());
        }
        machine.put("load average after", loadAverage());
        machine.put(
                "duration of the run",
                String.format(
                        Locale.ROOT,
                        "%.1f minutes",
                        (System.nanoTime() - started) / (double) TimeUnit.MINUTES.toNanos(1)));
        String parameters = String.format(
                Locale.ROOT,
                "JMH 1.37, `@Fork(1)`, average time, warmup %s, measurement %s%s; %d keys per cache, each operation on the next key of a"
                        + " fixed random sequence; values of 100 B and 10 KB; 1 and 2 threads. The server is Debian's"
                        + " `redis-server`, started by the runner on a free loopback port without persistence and"
                        + " emptied (`FLUSHALL`) before each Redis-backed benchmark.",
                "2 × 500 ms",
                "3 × 500 ms",
                jmhArgs.length == 0
                        ? ""
                        : " (the classes' annotations; JMH options given on the command line override them: `"
                                + String.join(" ", jmhArgs) + "`)",
                PeerBenchmark.KEYS);
        PerformanceReport.Run run = new PerformanceReport.Run(
                scores,
                machine,
                redisBenchmark,
                hitRatios,
                warmStart,
                jmhArgs.length == 0 ? COMMAND : COMMAND + " docs " + String.join(" ", jmhArgs),
                parameters);
        Path markdown = docs.resolve("performance.md");
        String kept = null;
        if (Files.exists(markdown)) {
            String existing = Files.readString(markdown);
            int marker = existing.indexOf(PerformanceReport.KEPT_MARKER);
            if (marker >= 0) {
                kept = existing.substring(marker + PerformanceReport.KEPT_MARKER.length() + 1);
            }
        }
        Files.writeString(markdown, PerformanceReport.markdown(run, kept));
        Files.writeString(docs.resolve("performance.svg"), LatencyChart.svg(scores, 1));
        System.out.println("Wrote " + markdown.toAbsolutePath() + " and performance.svg");
    }

    /** {@code redis-benchmark -c 1 -n 20000 -d <size> -t get,set} against the server on {@code port}. */
    static List<RedisBenchmarkLine> redisBenchmark(int port, int size) {
        List<RedisBenchmarkLine> lines = new ArrayList<>();
        try {
            Process process = new ProcessBuilder(
                            "redis-benchmark",
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(port),
                            "-c",
                            "1",
                            "-n",
                            "20000",
                            "-d",
                            Integer.toString(size),
                            "-t",
                            "get,set",
                            "--csv")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(5, TimeUnit.MINUTES);
            for (String line : output.lines().toList()) {
                String[] fields = line.replace("\"", "").split(",");
                if (fields.length >= 5 && (fields[0].equals("GET") || fields[0].equals("SET"))) {
                    lines.add(new RedisBenchmarkLine(
                            fields[0],
                            size,
                            Double.parseDouble(fields[1]),
                            Double.parseDouble(fields[2]) * 1_000,
                            Double.parseDouble(fields[4]) * 1_000));
                }
            }
        } catch (IOException e) {
            System.err.println("redis-benchmark did not run (install Debian's redis-tools): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            RedisLauncher.flushAll("redis://127.0.0.1:" + port);
        }
        return lines;
    }

    private static Map<String, String> machine() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put(
                "date (UTC)",
                java.time.Instant.now()
                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                        .toString());
        machine.put("processors (nproc)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("CPU", cpuModel());
        machine.put(
                "memory",
                String.format(
                        Locale.ROOT,
                        "%s; JVM max heap %d MB",
                        memTotal(),
                        Runtime.getRuntime().maxMemory() >> 20));
        machine.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("redis-server", output("redis-server", "--version"));
        machine.put("commit", output("git", "rev-parse", "--short", "HEAD"));
        machine.put("load average before", loadAverage());
        return machine;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " / " + fields[1] + " / " + fields[2] + " (1 / 5 / 15 min)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String output(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(30, TimeUnit.SECONDS);
            return text.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
