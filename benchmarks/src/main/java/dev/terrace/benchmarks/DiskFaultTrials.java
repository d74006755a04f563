package dev.terrace.benchmarks;

import dev.terrace.jcache.fault.disk.Fault;
import dev.terrace.jcache.fault.disk.FaultTrial;
import dev.terrace.jcache.fault.disk.Faults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The long version of the disk tier's fault-injection suite ({@code DiskFaultSuiteTest} runs a few trials in
 * the build): many trials of every kind of damage to every file of a closed store, each against a real store
 * in its own directory, and a table of what they saw: values served that were not the last written,
 * acknowledged writes lost (before the damage was repaired, and after it, across a crash), exceptions of a type
 * the JCache spec does not allow, and stores that could not be opened without deleting files by hand.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.terrace.benchmarks.DiskFaultTrials [trials]
 * [entries]} (defaults 20 and 2000). Prints a Markdown table.
 */
public final class DiskFaultTrials {

    private DiskFaultTrials() {}

    public static void main(String[] args) throws IOException {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        Path root = Files.createTempDirectory("terrace-disk-faults");
        long[] totals = new long[6];
        StringBuilder table = new StringBuilder();
        table.append("| Fault | Trials | Wrong values served | Acknowledged writes lost (before repair)"
                + " | Acknowledged writes lost (after repair, at a crash) | Non-spec exceptions"
                + " | Stores needing manual action |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|\n");
        try {
            for (Fault fault : Faults.all()) {
                long[] row = new long[6];
                String problem = null;
                for (int trial = 0; trial < trials; trial++) {
                    FaultTrial.Outcome outcome = FaultTrial.run(fault, 7919L * trial + 17, entries, root);
                    row[0]++;
                    row[1] += outcome.wrong();
                    row[2] += outcome.lostBefore();
                    row[3] += outcome.lostAfter();
                    row[4] += outcome.nonSpec();
                    row[5] += outcome.manual() ? 1 : 0;
                    if (problem == null) {
                        problem = outcome.problem();
                    }
                }
                table.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %d | %d | %d | %d | %d |%n",
                        fault.name(),
                        row[0],
                        row[1],
                        row[2],
                        row[3],
                        row[4],
                        row[5]));
                for (int i = 0; i < row.length; i++) {
                    totals[i] += row[i];
                }
                if (problem != null) {
                    System.err.println(fault.name() + ": " + problem);
                }
            }
            table.append(String.format(
                    Locale.ROOT,
                    "| **all** | %d | %d | %d | %d | %d | %d |%n",
                    totals[0],
                    totals[1],
                    totals[2],
                    totals[3],
                    totals[4],
                    totals[5]));
            System.out.print(table);
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
