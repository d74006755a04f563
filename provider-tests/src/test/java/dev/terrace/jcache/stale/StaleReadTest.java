package dev.terrace.jcache.stale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
        StaleReadChecker.Report report = StaleReadRun.run(work, 3, 10_000, 16, BOUND_MICROS);
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
}
