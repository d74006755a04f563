package dev.terrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowComputationDemoTest {

    @Test
    void statisticsAddUp() {
        // 40 lookups of 8 numbers, a 30-number scan through caches bounded at 10 entries, 1 ms a computation.
        SlowComputationDemo.Settings settings = new SlowComputationDemo.Settings(40, 8, 30, 10, Duration.ofMillis(1));

        List<Long> workload = SlowComputationDemo.workload(40, 8);
        assertThat(workload).hasSize(40);
        assertThat(workload.stream().distinct().count()).isEqualTo(8);

        Report report = SlowComputationDemo.run(settings);

        assertThat(report.phase("uncached").slowCalls()).isEqualTo(40);
        assertThat(report.phase("uncached").stats()).isNull();
        for (String name : List.of("cache-aside", "read-through")) {
            Report.Phase phase = report.phase(name);
            CacheStats stats = phase.stats();
            assertThat(stats.gets()).as(name).isEqualTo(40);
            assertThat(stats.hits() + stats.misses()).as(name).isEqualTo(stats.gets());
            // The 8 numbers fit in the heap tier: each is computed once, on its first miss.
            assertThat(stats.misses()).as(name).isEqualTo(8);
            assertThat(phase.slowCalls()).as(name).isEqualTo(stats.misses());
            assertThat(stats.evictions()).as(name).isZero();
        }
        assertThat(report.phase("cache-aside").stats().puts()).isEqualTo(8);

        CacheStats scan = report.phase("scan").stats();
        assertThat(scan.gets()).isEqualTo(30);
        assertThat(scan.hits() + scan.misses()).isEqualTo(scan.gets());
        assertThat(scan.misses()).as("every scanned number is new").isEqualTo(30);
        assertThat(scan.puts()).isEqualTo(30);
        assertThat(scan.evictions())
                .as("30 distinct numbers through a bound of 10")
                .isPositive();
        assertThat(scan.evictions()).isLessThanOrEqualTo(scan.puts());

        assertThat(report.format()).contains("hit %", "evictions", "javax.cache:type=CacheStatistics");
    }
}
