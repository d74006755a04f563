package dev.terrace.jcache.fault.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Judges the histories that {@link FaultWorker}s recorded while faults were injected ({@link MultiJvmFaultRun}).
 *
 * <p>The run is cut into <em>steady segments</em>: from the moment every JVM was seen writing to Redis again
 * after a fault (or the start of the load) until the next fault was injected (or the load stopped). In a steady
 * segment a read is <b>stale beyond the bound</b> when a change of its key that began in the segment had been
 * acknowledged more than {@code bound} before the read began and
 *
 * <ul>
 *   <li>the read returned a value whose write ended before that change began (the change is certainly newer),
 *       or
 *   <li>the read found no value, the change was a put, and no remove of the key could have come after it.
 * </ul>
 *
 * Reads during a fault and its recovery are not judged: changes taken by near tiers during an outage are
 * undone everywhere at recovery, and a server restarted without its data forgets acknowledged writes by design.
 *
 * <p>A change reported <b>failed</b> (a {@code CacheException} saying it was not applied) must never be seen:
 * no read of any JVM, and not Redis's final value, may hold its value. One reported <b>unknown</b> ("may or may
 * not be stored") may be seen; how many were is counted. A read of a value nobody wrote is counted as garbled.
 */
public final class FaultHistoryChecker {

    /** One operation of a history. */
    record Op(int process, char kind, String key, String value, long began, long ended, String outcome) {
        boolean write() {
            return kind != 'R';
        }

        boolean ok() {
            return outcome.equals("ok");
        }
    }

    /** A stretch of the run in which no fault acts, in wall-clock microseconds. */
    public record Segment(long from, long until) {
        boolean holds(Op op) {
            return op.began() >= from && op.ended() <= until;
        }
    }

    /** What the check found. */
    public record Report(
            long reads,
            long writes,
            long judgedReads,
            long stale,
            long failedApplied,
            long unknownWrites,
            long unknownSeen,
            long garbled,
            Map<String, Long> exceptions,
            long nonSpec,
            List<String> examples) {

        /** No history: the round could not be judged. */
        static Report none() {
            return new Report(0, 0, 0, 0, 0, 0, 0, 0, Map.of(), 0, List.of());
        }

        /** Whether the histories meet every goal. */
        public boolean clean() {
            return stale == 0 && failedApplied == 0 && garbled == 0 && nonSpec == 0;
        }
    }

    private FaultHistoryChecker() {}

    /** Reads one history file per process. */
    static List<Op> read(List<Path> histories) throws IOException {
        List<Op> ops = new ArrayList<>();
        for (int process = 0; process < histories.size(); process++) {
            for (String line : Files.readAllLines(histories.get(process))) {
                String[] parts = line.trim().split(" ");
                if (parts.length != 6) {
                    continue; // a line cut short by the end of the run
                }
                ops.add(new Op(
                        process,
                        parts[0].charAt(0),
                        parts[1],
                        parts[2].equals("-") ? null : parts[2],
                        Long.parseLong(parts[3]),
                        Long.parseLong(parts[4]),
                        parts[5]));
            }
        }
        return ops;
    }

    /**
     * Checks {@code ops}, judging reads within {@code segments} with {@code boundMicros} as the propagation bound;
     * {@code finalValues} is what Redis held for each key at the end; {@code everything} is the whole history,
     * in which the writes of the values read are looked up.
     */
    public static Report check(
            List<Op> ops,
            List<Op> everything,
            List<Segment> segments,
            long boundMicros,
            Map<String, String> finalValues) {
        Map<String, Op> writeOfValue = new HashMap<>();
        Map<String, List<Op>> removesByKey = new HashMap<>();
        for (Op op : everything) {
            if (op.write()) {
                if (op.value() != null) {
                    writeOfValue.put(op.value(), op);
                } else {
                    removesByKey
                            .computeIfAbsent(op.key(), k -> new ArrayList<>())
                            .add(op);
                }
            }
        }
        Map<String, Long> exceptions = new TreeMap<>();
        long nonSpec = 0;
        long writes = 0;
        long unknownWrites = 0;
        for (Op op : ops) {
            if (!op.ok()) {
                exceptions.merge(op.outcome().substring(op.outcome().indexOf(':') + 1), 1L, Long::sum);
                nonSpec += op.outcome().startsWith("nonspec:") ? 1 : 0;
            }
            if (op.write()) {
                writes++;
                unknownWrites += op.outcome().startsWith("unknown:") ? 1 : 0;
                if (op.value() != null) {
                    writeOfValue.put(op.value(), op);
                } else {
                    removesByKey
                            .computeIfAbsent(op.key(), k -> new ArrayList<>())
                            .add(op);
                }
            }
        }
        List<String> examples = new ArrayList<>();
        long reads = 0;
        long garbled = 0;
        long failedApplied = 0;
        Map<String, Boolean> unknownSeen = new HashMap<>();
        for (Op op : ops) {
            if (op.kind() != 'R' || !op.ok()) {
                continue;
            }
            reads++;
            if (op.value() == null) {
                continue;
            }
            Op seen = writeOfValue.get(op.value());
            if (seen == null || !seen.key().equals(op.key()) || seen.began() > op.ended()) {
                garbled++;
                note(examples, "garbled read " + op + " (written by " + seen + ")");
            } else if (seen.outcome().startsWith("failed:")) {
                failedApplied++;
                note(examples, "read of a write reported failed: " + op + ", written by " + seen);
            } else if (seen.outcome().startsWith("unknown:") && seen.process() != op.process()) {
                unknownSeen.put(seen.value(), true);
            }
        }
        for (Map.Entry<String, String> last : finalValues.entrySet()) {
            Op seen = last.getValue() == null ? null : writeOfValue.get(last.getValue());
            if (seen != null && seen.outcome().startsWith("failed:")) {
                failedApplied++;
                note(examples, "Redis holds " + last + " at the end, a write reported failed: " + seen);
            }
        }
        long judged = 0;
        long stale = 0;
        for (Segment segment : segments) {
            Map<String, KeyChanges> changes = new HashMap<>();
            Map<String, List<Op>> byKey = new HashMap<>();
            for (Op op : ops) {
                if (op.write() && op.ok() && op.began() >= segment.from() && op.began() < segment.until()) {
                    byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
                }
            }
            byKey.forEach((key, list) -> changes.put(key, new KeyChanges(list)));
            for (Op read : ops) {
                if (read.kind() != 'R' || !read.ok() || !segment.holds(read)) {
                    continue;
                }
                judged++;
                KeyChanges keyChanges = changes.get(read.key());
                if (keyChanges == null) {
                    continue;
                }
                long before = read.began() - boundMicros;
                if (read.value() != null) {
                    Op seen = writeOfValue.get(read.value());
                    Op newer = keyChanges.latestBeganAmongEndedBefore(before, false);
                    if (seen != null && newer != null && newer.began() > seen.ended()) {
                        stale++;
                        note(examples, "stale read " + read + " of " + seen + ", though " + newer + " is newer");
                    }
                } else {
                    Op put = keyChanges.latestBeganAmongEndedBefore(before, true);
                    if (put != null && !removedAfter(removesByKey.get(read.key()), put, read)) {
                        stale++;
                        note(examples, "stale read " + read + " found nothing, though " + put + " is newer");
                    }
                }
            }
        }
        return new Report(
                reads,
                writes,
                judged,
                stale,
                failedApplied,
                unknownWrites,
                unknownSeen.size(),
                garbled,
                exceptions,
                nonSpec,
                examples);
    }

    /** Whether a remove of the key (whatever its outcome) may have taken effect after {@code put}, before {@code read}. */
    private static boolean removedAfter(List<Op> removes, Op put, Op read) {
        if (removes != null) {
            for (Op remove : removes) {
                if (remove.ended() > put.began() && remove.began() < read.ended()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < 20) {
            examples.add(example);
        }
    }

    /** The acknowledged changes of one key in a segment, by acknowledgement, with the latest start of each prefix. */
    private static final class KeyChanges {
        private final long[] ended;
        private final Op[] latestBegan;
        private final Op[] latestPutBegan;

        KeyChanges(List<Op> changes) {
            List<Op> sorted = new ArrayList<>(changes);
            sorted.sort(Comparator.comparingLong(Op::ended));
            ended = new long[sorted.size()];
            latestBegan = new Op[sorted.size()];
            latestPutBegan = new Op[sorted.size()];
            Op latest = null;
            Op latestPut = null;
            for (int i = 0; i < sorted.size(); i++) {
                Op op = sorted.get(i);
                ended[i] = op.ended();
                if (latest == null || op.began() > latest.began()) {
                    latest = op;
                }
                if (op.value() != null && (latestPut == null || op.began() > latestPut.began())) {
                    latestPut = op;
                }
                latestBegan[i] = latest;
                latestPutBegan[i] = latestPut;
            }
        }

        /** The change (or put) with the latest start among those acknowledged before {@code instant}. */
        Op latestBeganAmongEndedBefore(long instant, boolean putsOnly) {
            int low = 0;
            int high = ended.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (ended[middle] < instant) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            if (low == 0) {
                return null;
            }
            return putsOnly ? latestPutBegan[low - 1] : latestBegan[low - 1];
        }
    }
}
