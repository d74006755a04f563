package dev.terrace.jcache.stale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the histories of several {@link StaleReadWorker} processes and counts stale reads.
 *
 * <p>A read is stale when it returned the value of a write {@code W1} (or no value) although another write
 * {@code W2} of the same key had been acknowledged more than {@code bound} before the read began and
 * {@code W1} had ended before {@code W2} began (so {@code W2} is certainly the newer one); with no value, any
 * write acknowledged that long before makes the read stale (the workload never removes).
 *
 * <p>The staleness window of a write {@code W2}, seen from another process, is how long after {@code W2}'s
 * acknowledgement that process could still read an older value: the end of its last such read minus the
 * acknowledgement (0 when it never did). Its percentiles measure propagation.
 */
public final class StaleReadChecker {

    /** One operation of a history. */
    record Op(int process, boolean write, String key, String value, long began, long ended) {}

    /** What the check found. */
    public record Report(
            long reads, long writes, long stale, long boundMicros, long p50Micros, long p99Micros, long maxMicros) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d reads, %d writes, %d stale (bound %.1f ms); staleness window after acknowledgement:"
                            + " p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                    reads,
                    writes,
                    stale,
                    boundMicros / 1000.0,
                    p50Micros / 1000.0,
                    p99Micros / 1000.0,
                    maxMicros / 1000.0);
        }
    }

    private StaleReadChecker() {}

    /** Checks the histories, one file per process, with {@code boundMicros} as the propagation bound. */
    public static Report check(List<Path> histories, long boundMicros) throws IOException {
        Map<String, List<Op>> writesByKey = new HashMap<>();
        Map<String, Op> writeOfValue = new HashMap<>();
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
                    writesByKey
                            .computeIfAbsent(op.key(), k -> new ArrayList<>())
                            .add(op);
                    writeOfValue.put(op.value(), op);
                } else {
                    reads.add(op);
                }
            }
        }
        long stale = 0;
        Map<String, KeyWrites> byKey = new HashMap<>();
        writesByKey.forEach((key, list) -> byKey.put(key, new KeyWrites(list)));
        Map<String, List<Op>> readsByKeyAndProcess = new HashMap<>();
        for (Op read : reads) {
            Op seen = read.value() == null ? null : writeOfValue.get(read.value());
            if (read.value() != null && seen == null) {
                throw new IllegalStateException("A read returned " + read.value() + ", which nobody wrote");
            }
            KeyWrites keyWrites = byKey.get(read.key());
            long seenEnded = seen == null ? Long.MIN_VALUE : seen.ended();
            if (keyWrites != null && keyWrites.latestBeganAmongEndedBefore(read.began() - boundMicros) > seenEnded) {
                stale++;
            }
            readsByKeyAndProcess
                    .computeIfAbsent(read.key() + "#" + read.process(), k -> new ArrayList<>())
                    .add(read);
        }
        readsByKeyAndProcess.values().forEach(list -> list.sort(Comparator.comparingLong(Op::began)));
        List<Long> windows = new ArrayList<>();
        long writes = 0;
        for (List<Op> keyWrites : writesByKey.values()) {
            for (Op write : keyWrites) {
                writes++;
                for (int process = 0; process < histories.size(); process++) {
                    if (process != write.process()) {
                        List<Op> theirs = readsByKeyAndProcess.getOrDefault(write.key() + "#" + process, List.of());
                        windows.add(window(write, theirs, writeOfValue));
                    }
                }
            }
        }
        Collections.sort(windows);
        return new Report(
                reads.size(),
                writes,
                stale,
                boundMicros,
                percentile(windows, 0.50),
                percentile(windows, 0.99),
                windows.isEmpty() ? 0 : windows.get(windows.size() - 1));
    }

    /**
     * How long after {@code write} was acknowledged {@code reads} (one process's reads of its key, by start)
     * still saw an older value: reads are scanned from the acknowledgement until one sees this write or a
     * newer one.
     */
    private static long window(Op write, List<Op> reads, Map<String, Op> writeOfValue) {
        int from = firstBeganAfter(reads, write.ended());
        long window = 0;
        for (int i = from; i < reads.size(); i++) {
            Op read = reads.get(i);
            Op seen = read.value() == null ? null : writeOfValue.get(read.value());
            boolean older = seen == null || seen.ended() < write.began();
            if (!older) {
                break;
            }
            window = read.ended() - write.ended();
        }
        return window;
    }

    private static int firstBeganAfter(List<Op> reads, long instant) {
        int low = 0;
        int high = reads.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (reads.get(middle).began() <= instant) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The writes of one key, by acknowledgement, with the latest start among each prefix. */
    private static final class KeyWrites {
        private final long[] ended;
        private final long[] latestBegan;

        KeyWrites(List<Op> writes) {
            List<Op> sorted = new ArrayList<>(writes);
            sorted.sort(Comparator.comparingLong(Op::ended));
            ended = new long[sorted.size()];
            latestBegan = new long[sorted.size()];
            long latest = Long.MIN_VALUE;
            for (int i = 0; i < sorted.size(); i++) {
                ended[i] = sorted.get(i).ended();
                latest = Math.max(latest, sorted.get(i).began());
                latestBegan[i] = latest;
            }
        }

        /** The latest start of a write acknowledged before {@code instant}, or {@code Long.MIN_VALUE}. */
        long latestBeganAmongEndedBefore(long instant) {
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
            return low == 0 ? Long.MIN_VALUE : latestBegan[low - 1];
        }
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
