package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the journal's appends without {@code fsync} are stored into a mapping of space claimed with
 * {@code write}s of zeros, and a compaction writes its records a buffer-full at a time and looks up only the
 * live ones. What must hold: no system call per put, a crash image ending in claimed zeros reopens with every
 * acknowledged write and no damage, a clean close leaves no zeros, and compactions keep exactly the latest
 * value of every key.
 */
class JournalMappingTest {

    private static final long MB = 1024 * 1024;
    private static final long NEVER = Long.MAX_VALUE;

    @TempDir
    Path temp;

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());

    private DiskTier<String> open(Path directory, long maxBytes) {
        return DiskTier.open(
                new DiskTier.Options(directory, maxBytes, false), codec, Clock.systemUTC(), TierListener.none());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void appendsWithoutFsyncAreStoredIntoTheMappingNotWrittenOneCallEach() throws IOException {
        try (Journal journal = Journal.open(temp.resolve("mapped.log"), false)) {
            for (int i = 0; i < 1_000; i++) {
                journal.append(Journal.PUT, NEVER, bytes("k" + i), bytes("value-" + i), seq -> {});
            }
            assertThat(journal.writeCalls())
                    .as("every append is handed over once")
                    .isEqualTo(1_000);
            assertThat(journal.channelWrites())
                    .as("appends without fsync go into the mapping, not through a write call each")
                    .isZero();
        }
        try (Journal journal = Journal.open(temp.resolve("forced.log"), true)) {
            for (int i = 0; i < 10; i++) {
                journal.append(Journal.PUT, NEVER, bytes("k" + i), bytes("value-" + i), seq -> {});
            }
            assertThat(journal.channelWrites())
                    .as("with fsync every append is a write (and a force), as before")
                    .isEqualTo(10);
        }
    }

    @Test
    void aCompactionRewriteWritesABufferFullAtATime() throws IOException {
        try (Journal journal = Journal.open(temp.resolve("journal.log"), false)) {
            Journal.Rewrite rewrite = journal.startRewrite();
            for (int i = 0; i < 10_000; i++) {
                rewrite.append(new Journal.Entry(Journal.PUT, i + 1, NEVER, bytes("k" + i), bytes("value-" + i)));
            }
            journal.install(rewrite);
            assertThat(rewrite.writeCalls())
                    .as("10,000 records of about 40 bytes fit one 1 MiB write buffer")
                    .isEqualTo(1);
            Journal.Entry[] last = new Journal.Entry[1];
            long[] count = {0};
            JournalReader.Scan scan = journal.reader().scan(entry -> {
                count[0]++;
                last[0] = entry;
            });
            assertThat(scan.intact()).isTrue();
            assertThat(count[0]).isEqualTo(10_000);
            assertThat(new String(last[0].value(), StandardCharsets.UTF_8)).isEqualTo("value-9999");
        }
    }

    @Test
    void aCrashImageEndingInClaimedZerosReopensWithEveryWriteAndNoDamage() throws IOException {
        Path directory = temp.resolve("store");
        DiskTier<String> disk = open(directory, 64 * MB);
        for (int i = 0; i < 300; i++) {
            disk.put("k" + i, new TierEntry("v" + i, NEVER));
        }
        disk.remove("k3");
        Path crashed = copyWhileOpen(directory, temp.resolve("crashed"));
        disk.close();
        assertThat(Files.size(directory.resolve("journal.log")))
                .as("a clean close cuts the claimed space off")
                .isLessThan(Files.size(crashed.resolve("journal.log")));

        DiskTier<String> recovered = open(crashed, 64 * MB);
        assertThat(recovered.size()).isEqualTo(299);
        for (int i = 0; i < 300; i++) {
            TierEntry entry = recovered.get("k" + i);
            if (i == 3) {
                assertThat(entry).isNull();
            } else {
                assertThat(entry.value()).isEqualTo("v" + i);
            }
        }
        try (var files = Files.list(crashed)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("claimed zeros are no damage: nothing is copied aside")
                    .noneMatch(name -> name.contains("broken"));
        }
        recovered.put("after", new TierEntry("a", NEVER));
        recovered.close();
        DiskTier<String> again = open(crashed, 64 * MB);
        assertThat(again.size()).isEqualTo(300);
        assertThat(again.get("after").value()).isEqualTo("a");
        again.close();
    }

    @Test
    void compactionsKeepExactlyTheLatestValueOfEveryKeyAcrossRestartsAndCrashes() throws IOException {
        Path directory = temp.resolve("compacted");
        DiskTier<String> disk = open(directory, 16 * MB);
        Map<String, String> model = new HashMap<>();
        Random random = new Random(15);
        String filler = "x".repeat(900);
        // About 30 MB through a journal compacted from 1 MB on: many compactions, most records dead.
        for (int i = 0; i < 30_000; i++) {
            String key = "k" + random.nextInt(300);
            if (random.nextInt(10) == 0) {
                disk.remove(key);
                model.remove(key);
            } else {
                String value = key + "-" + i + filler;
                disk.put(key, new TierEntry(value, NEVER));
                model.put(key, value);
            }
        }
        assertThat(disk.journalBytes()).as("compaction kept the journal small").isLessThan(4 * MB);
        assertHolds(disk, model);
        Path crashed = copyWhileOpen(directory, temp.resolve("compacted-crash"));
        disk.close();

        DiskTier<String> reopened = open(directory, 16 * MB);
        assertHolds(reopened, model);
        reopened.close();
        DiskTier<String> recovered = open(crashed, 16 * MB);
        assertHolds(recovered, model);
        recovered.close();
    }

    private static void assertHolds(DiskTier<String> disk, Map<String, String> model) {
        assertThat(disk.size()).isEqualTo(model.size());
        for (int k = 0; k < 300; k++) {
            String key = "k" + k;
            TierEntry entry = disk.get(key);
            assertThat(entry == null ? null : entry.value()).as(key).isEqualTo(model.get(key));
        }
    }

    private static Path copyWhileOpen(Path directory, Path copy) throws IOException {
        Files.createDirectories(copy);
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("lock")) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
        }
        return copy;
    }
}
