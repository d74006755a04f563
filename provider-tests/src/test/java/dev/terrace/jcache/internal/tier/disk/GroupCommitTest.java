package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's group commit: concurrent appends share one write, and none returns before its record. */
class GroupCommitTest {

    @TempDir
    Path temp;

    private final ExecutorService writers = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopWriters() throws InterruptedException {
        writers.shutdownNow();
        assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void appendsQueuedWhileOneIsWritingShareTheNextWrite() throws Exception {
        try (Journal journal = Journal.open(temp.resolve("journal.log"), false)) {
            CountDownLatch leaderInIndex = new CountDownLatch(1);
            CountDownLatch releaseLeader = new CountDownLatch(1);
            CompletableFuture<Long> leader = CompletableFuture.supplyAsync(
                    () -> append(journal, "first", seq -> {
                        leaderInIndex.countDown();
                        awaitQuietly(releaseLeader);
                    }),
                    writers);
            assertThat(leaderInIndex.await(30, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Long>> followers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String key = "queued-" + i;
                followers.add(CompletableFuture.supplyAsync(() -> append(journal, key, seq -> {}), writers));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> journal.commits().queued() == 3);
            assertThat(followers)
                    .as("an append waits while its record is not written")
                    .noneMatch(CompletableFuture::isDone);

            releaseLeader.countDown();

            assertThat(leader.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            List<Long> seqs = new ArrayList<>();
            for (CompletableFuture<Long> follower : followers) {
                seqs.add(follower.get(30, TimeUnit.SECONDS));
            }
            assertThat(seqs).containsExactlyInAnyOrder(2L, 3L, 4L);
            assertThat(journal.writeCalls())
                    .as("the three appends queued behind the first are written with one call, not three")
                    .isEqualTo(2);
            assertThat(journal.commits().batches()).isEqualTo(2);
            assertThat(readKeys(journal)).containsExactlyInAnyOrder("first", "queued-0", "queued-1", "queued-2");
        }
    }

    @Test
    void aLoneWriterWritesItsOwnRecordAtOnceInItsOwnThread() throws Exception {
        try (Journal journal = Journal.open(temp.resolve("journal.log"), false)) {
            Thread caller = Thread.currentThread();
            List<Thread> indexedBy = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                assertThat(append(journal, "alone-" + i, seq -> indexedBy.add(Thread.currentThread())))
                        .isEqualTo(i + 1);
            }
            assertThat(indexedBy).containsOnly(caller);
            assertThat(journal.commits().batches()).isEqualTo(3);
            assertThat(journal.commits().commits()).isEqualTo(3);
            assertThat(journal.commits().queued()).isZero();
            assertThat(readKeys(journal)).containsExactly("alone-0", "alone-1", "alone-2");
        }
    }

    @Test
    void concurrentWritersLoseNoAppendAndIndexInJournalOrder() throws Exception {
        // Lone writes (without the lock) and queued batches mix here: every hand-over between them must wake the
        // waiters (a missed one hangs an append), and the index must see the sequence numbers in journal order.
        try (Journal journal = Journal.open(temp.resolve("journal.log"), false)) {
            int perWriter = 2_000;
            List<Long> indexed = java.util.Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<List<Long>>> writes = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String prefix = "w" + w + "-";
                writes.add(CompletableFuture.supplyAsync(
                        () -> {
                            List<Long> seqs = new ArrayList<>();
                            for (int i = 0; i < perWriter; i++) {
                                seqs.add(append(journal, prefix + i, indexed::add));
                            }
                            return seqs;
                        },
                        writers));
            }
            List<Long> returned = new ArrayList<>();
            for (CompletableFuture<List<Long>> write : writes) {
                List<Long> seqs = write.get(60, TimeUnit.SECONDS);
                assertThat(seqs).as("one writer's appends follow each other").isSorted();
                returned.addAll(seqs);
            }
            List<Long> all = new ArrayList<>();
            for (long seq = 1; seq <= 4L * perWriter; seq++) {
                all.add(seq);
            }
            assertThat(returned).containsExactlyInAnyOrderElementsOf(all);
            assertThat(indexed).as("index updates in journal order").containsExactlyElementsOf(all);
            assertThat(journal.commits().commits()).isEqualTo(4L * perWriter);
            assertThat(journal.commits().queued()).isZero();
            assertThat(readKeys(journal)).hasSize(4 * perWriter);
        }
    }

    @Test
    void anIndexUpdateThatFailsCutsOffItsRecordAndTheOnesAfterItButKeepsThoseBefore() throws Exception {
        try (Journal journal = Journal.open(temp.resolve("journal.log"), false)) {
            List<Long> indexed = new ArrayList<>();
            Journal.Append[] batch = {
                record("a", indexed::add),
                record("b", indexed::add),
                record("c", seq -> {
                    throw new IllegalStateException("index failed");
                }),
                record("d", indexed::add)
            };
            assertThatThrownBy(() -> journal.append(batch)).hasMessage("index failed");

            assertThat(indexed).containsExactly(1L, 2L);
            assertThat(readKeys(journal)).containsExactly("a", "b");
            assertThat(journal.lastSeq()).isEqualTo(2);
            long sizeAfterTwo = journal.size();
            assertThat(journal.append(record("e", seq -> {}))).isEqualTo(3);
            assertThat(journal.size()).isGreaterThan(sizeAfterTwo);
            assertThat(readKeys(journal)).containsExactly("a", "b", "e");
        }
    }

    private static long append(Journal journal, String key, java.util.function.LongConsumer index) {
        try {
            return journal.append(record(key, index));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Journal.Append record(String key, java.util.function.LongConsumer index) {
        return new Journal.Append(
                Journal.PUT, Long.MAX_VALUE, key.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, index);
    }

    private static List<String> readKeys(Journal journal) throws IOException {
        List<String> keys = new ArrayList<>();
        JournalReader.Scan scan =
                journal.reader().scan(entry -> keys.add(new String(entry.key(), StandardCharsets.UTF_8)));
        assertThat(scan.intact())
                .as("every record framed and checksummed as a replay expects")
                .isTrue();
        return keys;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
