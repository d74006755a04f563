package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a compaction's scan skips the dead records without copying their keys and values out
 * ({@link JournalReader.Visitor#wants}). A skipped record must still be verified and counted: damage inside one
 * is found where it lies, and the records after it are still read.
 */
class JournalScanSkipTest {

    private static final long NEVER = Long.MAX_VALUE;

    @TempDir
    Path temp;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A scan that wants the even sequence numbers only, and the keys it was handed. */
    private static final class EvenOnly implements JournalReader.Visitor {
        final List<String> handed = new ArrayList<>();
        long damagedBytes;

        @Override
        public boolean wants(long seq) {
            return seq % 2 == 0;
        }

        @Override
        public void record(Journal.Entry entry) {
            handed.add(new String(entry.key(), StandardCharsets.UTF_8) + "@" + entry.seq());
        }

        @Override
        public void damaged(long bytes) {
            damagedBytes += bytes;
        }
    }

    @Test
    void skippedRecordsAreVerifiedAndCountedButNotHandedOver() throws IOException {
        Path file = temp.resolve("journal.log");
        try (Journal journal = Journal.open(file, false)) {
            for (int i = 1; i <= 10; i++) {
                journal.append(Journal.PUT, NEVER, bytes("k" + i), bytes("value-" + i), seq -> {});
            }
            EvenOnly intact = new EvenOnly();
            JournalReader.Scan scan = journal.reader().scan(intact);

            assertThat(intact.handed).containsExactly("k2@2", "k4@4", "k6@6", "k8@8", "k10@10");
            assertThat(scan.records())
                    .as("every intact record is counted, handed over or not")
                    .isEqualTo(10);
            assertThat(scan.maxSeq()).isEqualTo(10);
            assertThat(scan.intact()).isTrue();
        }

        // Damage the value of record 3, which the scan skips: its checksum must still be checked.
        long recordBytes = Journal.RECORD_OVERHEAD + Journal.PAYLOAD_FIXED + 2 + "value-1".length();
        long third = Journal.HEADER_BYTES + 2 * recordBytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {'X'}), third + recordBytes - 1);
        }
        try (Journal journal = Journal.open(file, false)) {
            EvenOnly damaged = new EvenOnly();
            JournalReader.Scan scan = journal.reader().scan(damaged);

            assertThat(scan.damagedStretches())
                    .as("the damaged skipped record is found")
                    .isEqualTo(1);
            assertThat(damaged.damagedBytes).isEqualTo(recordBytes);
            assertThat(scan.records()).isEqualTo(9);
            assertThat(damaged.handed)
                    .as("the wanted records before and after the damage are all handed over")
                    .containsExactly("k2@2", "k4@4", "k6@6", "k8@8", "k10@10");
        }
    }
}
