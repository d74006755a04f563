package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * The disk tier's journal on its own, for {@code DiskPutBenchmark}'s variants that separate what a put's
 * journal append costs from what it does to the MapDB put that follows it (in the benchmarks module, in the
 * journal's package, because the journal is not public).
 */
public final class JournalProbe implements AutoCloseable {

    private final Journal journal;

    private JournalProbe(Journal journal) {
        this.journal = journal;
    }

    /** A new journal in {@code file}, fsync off (the tier's default), appending through its mapping. */
    public static JournalProbe open(Path file) throws IOException {
        return new JournalProbe(Journal.open(file, false));
    }

    /**
     * Appends a put record of {@code key} and {@code value} as the tier does (the value after a header of
     * {@code valueOffset} bytes), then runs {@code index} with its sequence number.
     */
    public long appendPut(byte[] key, byte[] value, int valueOffset, LongConsumer index) throws IOException {
        return journal.append(new Journal.Append(Journal.PUT, Long.MAX_VALUE, key, value, valueOffset, index));
    }

    /** Empties the journal (as a compaction would shrink it), so a long run does not grow it without end. */
    public void reset() throws IOException {
        journal.reset();
    }

    public long size() {
        return journal.size();
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
