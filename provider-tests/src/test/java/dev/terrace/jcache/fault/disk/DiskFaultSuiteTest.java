package dev.terrace.jcache.fault.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The short fault-injection suite (issue 12): every kind of damage to every file of a closed disk store, a few
 * trials each. Whatever the damage, the store opens without help, never serves a value other than the last one
 * written, throws nothing the JCache spec does not allow, and keeps every write acknowledged after the repair
 * across a crash; only damage to the journal itself may cost entries written before it. The long version is
 * {@code dev.terrace.benchmarks.DiskFaultTrials}.
 */
class DiskFaultSuiteTest {

    private static final int TRIALS = 3;
    private static final int ENTRIES = 300;

    @TempDir
    Path root;

    static Stream<Fault> faults() {
        return Faults.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aDamagedStoreNeverServesAWrongValueNorThrowsOutsideTheSpec(Fault fault) throws IOException {
        for (int trial = 0; trial < TRIALS; trial++) {
            FaultTrial.Outcome outcome =
                    FaultTrial.run(fault, 1000L * trial + fault.name().hashCode(), ENTRIES, root);
            String what = fault.name() + ", trial " + trial + ": " + outcome;
            assertThat(outcome.wrong())
                    .as("values served that were not the last written, " + what)
                    .isZero();
            assertThat(outcome.nonSpec())
                    .as("exceptions outside the spec, " + what)
                    .isZero();
            assertThat(outcome.manual())
                    .as("the store needed deleting by hand, " + what)
                    .isFalse();
            assertThat(outcome.lostAfter())
                    .as("writes acknowledged after the repair, lost at the next crash, " + what)
                    .isZero();
            if (!fault.damagesJournal()) {
                assertThat(outcome.lostBefore())
                        .as("acknowledged writes lost though the journal survived, " + what)
                        .isZero();
            }
        }
    }
}
