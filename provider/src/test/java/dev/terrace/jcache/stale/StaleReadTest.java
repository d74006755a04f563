package dev.terrace.jcache.stale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stale-read check: three processes on the full stack (each with heap and disk near copies) read and
 * write a small key set at random; no read may return a value older than one whose write had been
 * acknowledged more than the propagation bound before it began. The report (stale count, the staleness
 * window's p50 and p99) is written to {@code target/stale-read-report.txt}; {@code benchmarks/} runs the same
 * check for longer.
 */
class StaleReadTest {

    /** Generous for a loaded build machine; the measured window is reported beside it. */
    private static final long BOUND_MICROS = 1_000_000;

    @TempDir
    Path work;

    @Test
    void noProcessReadsAValueOlderThanOneAcknowledgedBeforeThePropagationBound() throws Exception {
        StaleReadChecker.Report report = run(work, 3, 10_000, 16, BOUND_MICROS);
        Files.writeString(Path.of("target", "stale-read-report.txt"), report + "\n");
        System.out.println("Stale-read check: " + report);

        // Modest floors: a loaded build machine makes every round trip slow, and the check needs only overlap.
        assertThat(report.reads()).as("the workers read").isGreaterThan(300);
        assertThat(report.writes()).as("the workers wrote").isGreaterThan(100);
        assertThat(report.stale())
                .as(
                        "reads that returned a value older than one acknowledged more than %d ms before: %s",
                        BOUND_MICROS / 1000, report)
                .isZero();
    }

    /** Runs {@code processes} workers against a Redis server of their own and checks their histories. */
    public static StaleReadChecker.Report run(Path work, int processes, long millis, int keys, long boundMicros)
            throws IOException, InterruptedException {
        try (RedisServer server = RedisServer.start()) {
            List<Process> workers = new ArrayList<>();
            List<Path> histories = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                Path history = work.resolve("history-" + i + ".txt");
                histories.add(history);
                Process worker = new ProcessBuilder(List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-cp",
                                System.getProperty("java.class.path"),
                                StaleReadWorker.class.getName(),
                                server.address(),
                                "heap+disk+redis",
                                work.resolve("disk-" + i).toString(),
                                Integer.toString(i),
                                Long.toString(millis),
                                Integer.toString(keys),
                                history.toString()))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                workers.add(worker);
            }
            for (Process worker : workers) {
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
                    out.lines().forEach(line -> {});
                }
                assertThat(worker.waitFor(millis + 60_000, TimeUnit.MILLISECONDS))
                        .as("a worker finished")
                        .isTrue();
                assertThat(worker.exitValue()).as("a worker's exit status").isZero();
            }
            return StaleReadChecker.check(histories, boundMicros);
        }
    }
}
