package dev.terrace.jcache.fault.redis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The table of {@link MultiJvmFaultRun} results, one row per fault, summed over its rounds. */
public final class MultiJvmFaultReport {

    private MultiJvmFaultReport() {}

    /** A Markdown table: one row per fault, every round of it summed. */
    public static String table(List<MultiJvmFaultRun.Result> results) {
        Map<MultiJvmFaultRun.Fault, Row> rows = new LinkedHashMap<>();
        for (MultiJvmFaultRun.Result result : results) {
            rows.computeIfAbsent(result.fault(), fault -> new Row()).add(result);
        }
        StringBuilder table = new StringBuilder(
                "| fault | rounds | reads / writes | exceptions to callers, by type | non-spec | divergent keys after"
                        + " quiet | stale reads beyond the bound (reads judged) | failed writes applied | outcome"
                        + " unknown (seen elsewhere) | garbled | deadlocks | recoveries without restart (slowest) |"
                        + " acknowledged changes lost with a killed Cluster master (by design) |\n"
                        + "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        rows.forEach((fault, row) -> table.append(row.line(fault)).append('\n'));
        return table.toString();
    }

    /** One round in words, for an assertion's message. */
    public static String describe(MultiJvmFaultRun.Result result) {
        FaultHistoryChecker.Report history = result.history();
        return String.format(
                Locale.ROOT,
                "%d reads, %d writes, exceptions %s, %d non-spec, %d divergent keys after quiet (%d ms), %d stale"
                        + " beyond the bound of %d judged, %d failed writes applied, %d garbled, %d deadlocks,"
                        + " %d recoveries (%d missed, slowest %d ms), %s acknowledged changes lost with a killed"
                        + " Cluster master; examples %s",
                history.reads(),
                history.writes(),
                history.exceptions(),
                history.nonSpec(),
                result.divergentKeys(),
                result.convergeMillis(),
                history.stale(),
                history.judgedReads(),
                history.failedApplied(),
                history.garbled(),
                result.deadlocks(),
                result.recoveries(),
                result.recoveriesMissed(),
                result.slowestRecoveryMillis(),
                lost(result.lostAcknowledged()),
                history.examples());
    }

    private static String lost(long lost) {
        return lost == MultiJvmFaultRun.Result.NOT_A_FAILOVER ? "—" : String.format(Locale.ROOT, "%,d", lost);
    }

    private static final class Row {
        int rounds;
        long reads;
        long writes;
        final Map<String, Long> exceptions = new TreeMap<>();
        long nonSpec;
        long divergent;
        long stale;
        long judged;
        long failedApplied;
        long unknown;
        long unknownSeen;
        long garbled;
        long deadlocks;
        long recoveries;
        long expected;
        long slowest;
        long lost = MultiJvmFaultRun.Result.NOT_A_FAILOVER;

        void add(MultiJvmFaultRun.Result result) {
            FaultHistoryChecker.Report history = result.history();
            rounds++;
            reads += history.reads();
            writes += history.writes();
            history.exceptions().forEach((type, count) -> exceptions.merge(type, count, Long::sum));
            nonSpec += history.nonSpec();
            divergent += Math.max(0, result.divergentKeys());
            stale += history.stale();
            judged += history.judgedReads();
            failedApplied += history.failedApplied();
            unknown += history.unknownWrites();
            unknownSeen += history.unknownSeen();
            garbled += history.garbled();
            deadlocks += result.deadlocks();
            recoveries += result.recoveries();
            expected += result.recoveries() + result.recoveriesMissed();
            slowest = Math.max(slowest, result.slowestRecoveryMillis());
            if (result.lostAcknowledged() != MultiJvmFaultRun.Result.NOT_A_FAILOVER) {
                lost = Math.max(lost, 0) + result.lostAcknowledged();
            }
        }

        String line(MultiJvmFaultRun.Fault fault) {
            StringBuilder types = new StringBuilder();
            exceptions.forEach((type, count) -> types.append(types.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "`%s` %,d", type, count)));
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %,d / %,d | %s | %d | %d | %d (%,d) | %d | %d (%d) | %d | %d | %d of %d (%,d ms) | %s |",
                    fault,
                    rounds,
                    reads,
                    writes,
                    types.isEmpty() ? "none" : types,
                    nonSpec,
                    divergent,
                    stale,
                    judged,
                    failedApplied,
                    unknown,
                    unknownSeen,
                    garbled,
                    deadlocks,
                    recoveries,
                    expected,
                    slowest,
                    lost(lost));
        }
    }
}
