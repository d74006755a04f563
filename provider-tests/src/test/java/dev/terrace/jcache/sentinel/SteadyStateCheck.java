package dev.terrace.jcache.sentinel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts stale reads outside the master switches of a {@link SentinelFailoverLoadTest} run.
 *
 * <p>The run is cut into steady segments: before the first switch, and from a bound after every process
 * wrote to the new master again until the next switch. A read begun in a segment is stale when a write of
 * its key begun in the same segment had been acknowledged more than the bound before the read began and was
 * newer than the write whose value the read returned (began after it ended), or the read returned no value.
 * Writes begun in an earlier segment are not held against a read: the switch between may have lost them
 * (asynchronous replication) or undone them (changes taken by the near tiers while Redis was unreachable are
 * dropped everywhere on recovery); divergence after them is checked separately, against Redis.
 */
final class SteadyStateCheck {

    private record Op(int process, boolean write, String key, String value, long began, long ended) {}

    private SteadyStateCheck() {}

    /** The stale reads found, described (at most {@code limit} descriptions; the count is exact). */
    record Found(long count, List<String> examples) {}

    static Found stale(List<Path> histories, List<SentinelFailoverLoadTest.Phase> phases, long boundMicros)
            throws IOException {
        long[][] disturbed = phases.stream()
                .map(p -> new long[] {p.began() * 1000, p.recovered() * 1000 + boundMicros})
                .toArray(long[][]::new);
        Map<String, Op> writeOfValue = new HashMap<>();
        Map<String, List<Op>> writesBySegmentAndKey = new HashMap<>();
        List<Op> reads = new ArrayList<>();
        for (int process = 0; process < histories.size(); process++) {
            for (String line : Files.readAllLines(histories.get(process))) {
                String[] parts = line.trim().split(" ");
                if (parts.length != 5) {
                    continue;
                }
                Op op = new Op(
                        process,
                        parts[0].equals("W"),
                        parts[1],
                        parts[2].equals("-") ? null : parts[2],
                        Long.parseLong(parts[3]),
                        Long.parseLong(parts[4]));
                if (op.write()) {
                    writeOfValue.put(op.value(), op);
                    int segment = segment(disturbed, op.began());
                    if (segment >= 0) {
                        writesBySegmentAndKey
                                .computeIfAbsent(segment + "#" + op.key(), k -> new ArrayList<>())
                                .add(op);
                    }
                } else {
                    reads.add(op);
                }
            }
        }
        Map<String, long[][]> prefixes = new HashMap<>();
        Map<String, List<Op>> sortedWrites = writesBySegmentAndKey;
        writesBySegmentAndKey.forEach((name, writes) -> {
            writes.sort(Comparator.comparingLong(Op::ended));
            long[] ended = new long[writes.size()];
            long[] latestBegan = new long[writes.size()];
            long latest = Long.MIN_VALUE;
            for (int i = 0; i < writes.size(); i++) {
                ended[i] = writes.get(i).ended();
                latest = Math.max(latest, writes.get(i).began());
                latestBegan[i] = latest;
            }
            prefixes.put(name, new long[][] {ended, latestBegan});
        });
        long stale = 0;
        List<String> examples = new ArrayList<>();
        for (Op read : reads) {
            int segment = segment(disturbed, read.began());
            long[][] prefix = prefixes.get(segment + "#" + read.key());
            if (segment < 0 || prefix == null) {
                continue;
            }
            Op seen = read.value() == null ? null : writeOfValue.get(read.value());
            long seenEnded = seen == null ? Long.MIN_VALUE : seen.ended();
            int acknowledged = upperBound(prefix[0], read.began() - boundMicros);
            if (acknowledged > 0 && prefix[1][acknowledged - 1] > seenEnded) {
                stale++;
                if (examples.size() < 10) {
                    Op newer = sortedWrites.get(segment + "#" + read.key()).stream()
                            .filter(w -> w.ended() < read.began() - boundMicros && w.began() > seenEnded)
                            .reduce((a, b) -> b)
                            .orElseThrow();
                    examples.add(String.format(
                            "process %d read %s=%s [%d..%d] in segment %d; written by %s; newer %s by process %d"
                                    + " [%d..%d]",
                            read.process(),
                            read.key(),
                            read.value(),
                            read.began(),
                            read.ended(),
                            segment,
                            seen == null
                                    ? "nobody"
                                    : "process " + seen.process() + " [" + seen.began() + ".." + seen.ended() + "]",
                            newer.value(),
                            newer.process(),
                            newer.began(),
                            newer.ended()));
                }
            }
        }
        return new Found(stale, examples);
    }

    /** The steady segment {@code micros} falls in, or -1 inside a switch. */
    private static int segment(long[][] disturbed, long micros) {
        int segment = 0;
        for (long[] interval : disturbed) {
            if (micros >= interval[0] && micros < interval[1]) {
                return -1;
            }
            if (micros >= interval[1]) {
                segment++;
            }
        }
        return segment;
    }

    /** How many of {@code sorted} are below {@code limit}. */
    private static int upperBound(long[] sorted, long limit) {
        int index = Arrays.binarySearch(sorted, limit);
        if (index < 0) {
            return -index - 1;
        }
        while (index > 0 && sorted[index - 1] == limit) {
            index--;
        }
        return index;
    }
}
