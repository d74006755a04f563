package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.MutableClock;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.copy.SerializedValue;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierConformanceTest;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskTierTest extends TierConformanceTest {

    private static final long MB = 1024 * 1024;

    @TempDir
    Path temp;

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    private final List<String> evicted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> expired = Collections.synchronizedList(new ArrayList<>());

    @Override
    protected Tier<String> newTier(MutableClock clock) {
        return open(temp.resolve("conformance"), 64 * MB);
    }

    private DiskTier<String> open(Path directory, long maxBytes) {
        TierListener<String> listener = (tier, key, entry, wasExpired) -> (wasExpired ? expired : evicted).add(key);
        return DiskTier.open(new DiskTier.Options(directory, maxBytes, false), codec, clock, listener);
    }

    @Test
    void keepsEveryEntryAcrossACleanRestart() {
        Path directory = temp.resolve("restart");
        DiskTier<String> disk = open(directory, 64 * MB);
        for (int i = 0; i < 1_000; i++) {
            disk.put("k" + i, new TierEntry(new SerializedValue(("v" + i).getBytes()), LATER));
        }
        disk.remove("k7");
        disk.close();

        DiskTier<String> reopened = open(directory, 64 * MB);
        assertThat(reopened.size()).isEqualTo(999);
        assertThat(reopened.get("k7")).isNull();
        assertThat(reopened.get("k999").value()).isEqualTo(new SerializedValue("v999".getBytes()));
        assertThat(reopened.get("k999").expiresAt()).isEqualTo(LATER);
        reopened.close();
    }

    @Test
    void rebuildsFromTheJournalWhenTheLastShutdownWasNotClean() throws IOException {
        Path directory = temp.resolve("crash");
        DiskTier<String> disk = open(directory, 64 * MB);
        for (int i = 0; i < 500; i++) {
            disk.put("k" + i, new TierEntry("v" + i, LATER));
        }
        disk.put("k1", new TierEntry("changed", LATER));
        disk.remove("k2");
        // Simulate a crash: copy the files as they are while the store is open, as kill -9 would leave them.
        Path copy = temp.resolve("crash-copy");
        Files.createDirectories(copy);
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("lock")) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
        }
        disk.close();

        DiskTier<String> recovered = open(copy, 64 * MB);
        assertThat(recovered.size()).isEqualTo(499);
        assertThat(recovered.get("k1").value()).isEqualTo("changed");
        assertThat(recovered.get("k2")).isNull();
        assertThat(recovered.get("k499").value()).isEqualTo("v499");
        recovered.close();
    }

    @Test
    void cutsATornJournalTailAndKeepsWhatCameBefore() throws IOException {
        Path directory = temp.resolve("torn");
        DiskTier<String> disk = open(directory, 64 * MB);
        for (int i = 0; i < 100; i++) {
            disk.put("k" + i, new TierEntry("v" + i, LATER));
        }
        disk.close();
        Path journal = directory.resolve("journal.log");
        try (RandomAccessFile file = new RandomAccessFile(journal.toFile(), "rw")) {
            file.setLength(file.length() - 5);
        }
        Files.writeString(directory.resolve("state"), "clean=false\n");

        DiskTier<String> recovered = open(directory, 64 * MB);
        assertThat(recovered.size()).as("all but the torn last record").isEqualTo(99);
        assertThat(recovered.get("k98").value()).isEqualTo("v98");
        assertThat(recovered.get("k99")).isNull();
        recovered.close();
    }

    @Test
    void aDamagedDataFileAfterACleanShutdownIsRebuiltFromTheJournal() throws IOException {
        Path directory = temp.resolve("damaged");
        DiskTier<String> disk = open(directory, 64 * MB);
        for (int i = 0; i < 100; i++) {
            disk.put("k" + i, new TierEntry("v" + i, LATER));
        }
        disk.close();
        Files.write(directory.resolve("data.mapdb"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        DiskTier<String> recovered = open(directory, 64 * MB);
        assertThat(recovered.size()).isEqualTo(100);
        assertThat(recovered.get("k5").value()).isEqualTo("v5");
        recovered.close();
    }

    /** Issue 12, items 1 and 2: a truncated or deleted index after a clean shutdown is rebuilt, never trusted. */
    @Test
    void aTruncatedOrDeletedDataFileAfterACleanShutdownIsRebuiltFromTheJournal() throws IOException {
        Path directory = temp.resolve("truncated");
        DiskTier<String> disk = open(directory, 64 * MB);
        for (int i = 0; i < 2_000; i++) {
            disk.put("k" + i, new TierEntry("v" + i + "-" + "x".repeat(i % 300), LATER));
        }
        disk.close();
        try (RandomAccessFile data =
                new RandomAccessFile(directory.resolve("data.mapdb").toFile(), "rw")) {
            data.setLength(data.length() / 2);
        }
        DiskTier<String> recovered = open(directory, 64 * MB);
        for (int i = 0; i < 2_000; i++) {
            assertThat(recovered.get("k" + i).value()).isEqualTo("v" + i + "-" + "x".repeat(i % 300));
        }
        recovered.close();

        Files.delete(directory.resolve("data.mapdb"));
        DiskTier<String> rebuilt = open(directory, 64 * MB);
        assertThat(rebuilt.size()).as("entries after the index was deleted").isEqualTo(2_000);
        rebuilt.close();
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFailsNamingIt() {
        Path directory = temp.resolve("exclusive");
        DiskTier<String> disk = open(directory, 64 * MB);
        disk.put("k", new TierEntry("v", LATER));

        assertThatThrownBy(() -> open(directory, 64 * MB))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(directory.toAbsolutePath().toString())
                .hasMessageContaining("in use");

        assertThat(disk.get("k").value()).isEqualTo("v");
        disk.close();
    }

    @Test
    void staysWithinItsBoundUnderALoadManyTimesItsSize() {
        Path directory = temp.resolve("bounded");
        long bound = 8 * MB;
        DiskTier<String> disk = open(directory, bound);
        byte[] value = new byte[1_000];
        long maxSeen = 0;
        for (int i = 0; i < 80_000; i++) {
            disk.put("key-" + i, new TierEntry(new SerializedValue(value), LATER));
            if (i % 5_000 == 0) {
                maxSeen = Math.max(maxSeen, disk.diskBytes());
            }
        }
        maxSeen = Math.max(maxSeen, disk.diskBytes());

        assertThat(maxSeen)
                .as("bytes on disk under a load of 10x the 8 MB bound")
                .isLessThanOrEqualTo(bound * 11 / 10);
        assertThat(evicted).as("old entries were evicted").isNotEmpty();
        assertThat(disk.size() + evicted.size())
                .as("every entry is held or was evicted")
                .isEqualTo(80_000);
        assertThat(disk.get("key-79999")).as("the newest entry is kept").isNotNull();
        assertThat(disk.get("key-0")).as("the oldest entry went first").isNull();
        disk.close();
    }

    @Test
    void dropsExpiredEntriesWhenItCompactsAndReportsThem() {
        Path directory = temp.resolve("expiring");
        DiskTier<String> disk = open(directory, 4 * MB);
        disk.put("short", new TierEntry("v", clock.millis() + 1_000));
        clock.advance(java.time.Duration.ofSeconds(2));
        byte[] value = new byte[1_000];
        for (int i = 0; i < 5_000; i++) {
            disk.put("filler-" + i, new TierEntry(new SerializedValue(value), LATER));
        }

        assertThat(expired).contains("short");
        assertThat(evicted).doesNotContain("short");
        disk.close();
    }

    @Test
    void putAllOfAHundredEntriesIsOneJournalWriteAndSurvivesReopening() {
        Path directory = temp.resolve("batch");
        DiskTier<String> disk = open(directory, 64 * MB);
        disk.put("k0", new TierEntry("old", LATER));
        Map<String, TierEntry> batch = hundredEntries();
        long writesBefore = disk.journalWrites();

        disk.putAll(batch);

        assertThat(disk.journalWrites() - writesBefore)
                .as("a batch of 100 entries is appended with one write call")
                .isEqualTo(1);
        assertThat(disk.size()).isEqualTo(100);
        assertThat(disk.get("k0").value())
                .as("the batch replaced the older value")
                .isEqualTo("v0");
        disk.close();

        DiskTier<String> reopened = open(directory, 64 * MB);
        assertThat(reopened.size()).isEqualTo(100);
        batch.forEach((key, entry) -> assertThat(reopened.get(key)).isEqualTo(entry));
        reopened.close();
    }

    @Test
    void everyEntryOfAPutAllThatReturnedSurvivesAKill() throws IOException {
        Path directory = temp.resolve("batch-crash");
        DiskTier<String> disk = open(directory, 64 * MB);
        Map<String, TierEntry> batch = hundredEntries();
        disk.putAll(batch);
        // kill -9 right after the call returned: the files as the process leaves them, never closed.
        Path copy = copyWhileOpen(directory, temp.resolve("batch-crash-copy"));
        disk.close();

        DiskTier<String> recovered = open(copy, 64 * MB);
        assertThat(recovered.size()).isEqualTo(100);
        batch.forEach((key, entry) -> assertThat(recovered.get(key)).isEqualTo(entry));
        recovered.close();
    }

    @Test
    void putAllRefusesAnOversizedValueBeforeWritingAnyOfTheBatch() {
        Path directory = temp.resolve("batch-oversized");
        DiskTier<String> disk = open(directory, 64 * MB);
        Map<String, TierEntry> batch = new LinkedHashMap<>(hundredEntries());
        batch.put("huge", new TierEntry(new SerializedValue(new byte[Journal.MAX_RECORD]), LATER));
        long writesBefore = disk.journalWrites();

        assertThatThrownBy(() -> disk.putAll(batch)).isInstanceOf(CacheException.class);

        assertThat(disk.journalWrites()).isEqualTo(writesBefore);
        assertThat(disk.size()).isZero();
        disk.close();
    }

    @Test
    void concurrentPutsAreAllKeptWhateverBatchesTheyWereWrittenIn() throws Exception {
        Path directory = temp.resolve("concurrent");
        DiskTier<String> disk = open(directory, 64 * MB);
        int threads = 4;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        disk.put("t" + thread + "-" + i, new TierEntry("v" + thread + "-" + i, LATER));
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(disk.journalWrites())
                .as("no more write calls than puts")
                .isLessThanOrEqualTo((long) threads * perThread);
        Path copy = copyWhileOpen(directory, temp.resolve("concurrent-copy"));
        disk.close();

        DiskTier<String> recovered = open(copy, 64 * MB);
        assertThat(recovered.size()).isEqualTo((long) threads * perThread);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(recovered.get("t" + t + "-" + i).value()).isEqualTo("v" + t + "-" + i);
            }
        }
        recovered.close();
    }

    private static Map<String, TierEntry> hundredEntries() {
        Map<String, TierEntry> batch = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            batch.put("k" + i, new TierEntry("v" + i, LATER + i));
        }
        return batch;
    }

    /** The store's files as they are while it is open, as {@code kill -9} would leave them. */
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

    @Test
    void destroyDeletesTheFiles() {
        Path directory = temp.resolve("destroyed");
        DiskTier<String> disk = open(directory, 64 * MB);
        disk.put("k", new TierEntry("v", LATER));

        disk.destroy();

        assertThat(directory).doesNotExist();
    }
}
