package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.fault.redis.FaultHistoryChecker.Op;
import dev.terrace.jcache.fault.redis.FaultHistoryChecker.Report;
import dev.terrace.jcache.fault.redis.FaultHistoryChecker.Segment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The history checker finds what it is there to find, and only that, on hand-made histories. */
class FaultHistoryCheckerTest {

    private static final long BOUND = 1_000;
    private static final List<Segment> ALL = List.of(new Segment(0, 100_000));

    private static Report check(List<Op> ops, List<Segment> segments, Map<String, String> last) {
        return FaultHistoryChecker.check(ops, ops, segments, BOUND, last);
    }

    @Test
    void aReadOfAnOlderValueLongAfterANewerWriteWasAcknowledgedIsStale() {
        List<Op> ops = List.of(
                new Op(0, 'P', "k", "w0:0", 0, 10, "ok"),
                new Op(0, 'P', "k", "w0:1", 20, 30, "ok"),
                new Op(1, 'R', "k", "w0:0", 500, 510, "ok"),
                new Op(1, 'R', "k", "w0:0", 2_000, 2_010, "ok"));

        assertThat(check(ops, ALL, Map.of()).stale())
                .as("only the read beyond the bound")
                .isEqualTo(1);
    }

    @Test
    void aMissAfterAnAcknowledgedPutIsStaleUnlessARemoveMayHaveComeAfterIt() {
        List<Op> stale =
                List.of(new Op(0, 'P', "k", "w0:0", 0, 10, "ok"), new Op(1, 'R', "k", null, 2_000, 2_010, "ok"));
        List<Op> removed = List.of(
                new Op(0, 'P', "k", "w0:0", 0, 10, "ok"),
                new Op(2, 'D', "k", null, 5, 1_500, "failed:CacheException"),
                new Op(1, 'R', "k", null, 2_000, 2_010, "ok"));

        assertThat(check(stale, ALL, Map.of()).stale()).isEqualTo(1);
        assertThat(check(removed, ALL, Map.of()).stale()).isZero();
    }

    @Test
    void readsOutsideTheSteadySegmentsAndChangesBeforeThemAreNotJudged() {
        List<Op> ops = List.of(
                new Op(0, 'P', "k", "w0:0", 0, 10, "ok"),
                new Op(0, 'P', "k", "w0:1", 20, 30, "ok"),
                new Op(1, 'R', "k", "w0:0", 5_000, 5_010, "ok"),
                new Op(1, 'R', "k", "w0:0", 20_000, 20_010, "ok"));

        Report report = check(ops, List.of(new Segment(0, 4_000), new Segment(10_000, 30_000)), Map.of());

        assertThat(report.judgedReads()).isEqualTo(1);
        assertThat(report.stale()).isZero();
    }

    @Test
    void aWriteReportedFailedMustNeverBeSeenWhileOneOfUnknownOutcomeMay() {
        List<Op> ops = List.of(
                new Op(0, 'P', "k", "w0:0", 0, 10, "failed:TierUnavailableException"),
                new Op(0, 'P', "j", "w0:1", 0, 10, "unknown:TierUnavailableException"),
                new Op(1, 'R', "k", "w0:0", 20, 30, "ok"),
                new Op(1, 'R', "j", "w0:1", 20, 30, "ok"));

        Report report = check(ops, ALL, Map.of("k", "w0:0"));

        assertThat(report.failedApplied())
                .as("the read and Redis's final value")
                .isEqualTo(2);
        assertThat(report.unknownWrites()).isEqualTo(1);
        assertThat(report.unknownSeen()).isEqualTo(1);
        assertThat(report.exceptions()).containsEntry("TierUnavailableException", 2L);
    }

    @Test
    void aWriteAcknowledgedBeforeAFailoverThatLostItIsNeitherStaleNorAFailureOnceANewerWriteIsServed() {
        // w0:1 is acknowledged by the master killed at 1_000; the promoted replica still holds w0:0, which the
        // reads after recovery (10_000 on) return until w1:0, written after recovery, replaces it.
        List<Op> ops = List.of(
                new Op(0, 'P', "k", "w0:0", 0, 10, "ok"),
                new Op(0, 'P', "k", "w0:1", 500, 510, "ok"),
                new Op(1, 'R', "k", "w0:0", 10_000, 10_010, "ok"),
                new Op(1, 'P', "k", "w1:0", 11_000, 11_010, "ok"),
                new Op(2, 'R', "k", "w1:0", 13_000, 13_010, "ok"));

        Report report = check(ops, List.of(new Segment(0, 600), new Segment(10_000, 30_000)), Map.of("k", "w1:0"));

        assertThat(report.judgedReads()).isEqualTo(2);
        assertThat(report.stale()).isZero();
        assertThat(report.failedApplied()).isZero();
        assertThat(report.clean()).isTrue();
    }

    @Test
    void aValueNobodyWroteOrReadBeforeItsWriteBeganIsGarbled() {
        List<Op> ops = List.of(
                new Op(1, 'R', "k", "w9:9", 0, 10, "ok"),
                new Op(1, 'R', "k", "w0:0", 0, 10, "ok"),
                new Op(0, 'P', "k", "w0:0", 20, 30, "ok"),
                new Op(1, 'R', "x", "w0:0", 40, 50, "nonspec:UncheckedIOException"));

        Report report = check(ops, ALL, Map.of());

        assertThat(report.garbled()).isEqualTo(2);
        assertThat(report.nonSpec()).isEqualTo(1);
    }
}
