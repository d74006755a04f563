package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The short Redis fault suite of the build (issue 13): each fault once, under load from three cache managers on
 * a few hot keys. After the load stops, no manager may serve a value other than Redis's once the quiet period
 * is over, no exception outside the spec's may have reached a caller, and no Java-level deadlock may form. The
 * long version is {@code RedisFaultTrials} in benchmarks/.
 */
class RedisFaultSuiteTest {

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(RedisFaultRun.Fault.class)
    void aFaultLeavesNoDeadlockNoNonSpecExceptionAndNoDivergentKey(RedisFaultRun.Fault fault) {
        RedisFaultRun.Result result = RedisFaultRun.once(fault, work, 3, 8, 300, Duration.ofSeconds(20));

        assertThat(result.deadlock())
                .as("Java-level deadlock under %s: %s", fault, result)
                .isFalse();
        assertThat(result.nonSpec())
                .as("exceptions outside the spec's reaching callers under %s: %s", fault, result)
                .isZero();
        assertThat(result.divergentKeys())
                .as(
                        "keys some manager still serves differently from Redis after the quiet period, %s: %s",
                        fault, result)
                .isZero();
    }
}
