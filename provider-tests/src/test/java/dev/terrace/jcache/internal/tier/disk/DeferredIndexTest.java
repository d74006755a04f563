package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.terrace.jcache.MutableClock;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.copy.SerializedValue;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, sixth pass: the disk tier applies its changes to the MapDB index on a thread of its own ({@link
 * IndexApplier}); a put returns once its record is in the journal. Every read must still see the newest change
 * (the pending ones first), whatever lists or counts must see every acknowledged change, a compaction must keep
 * every one, the backlog must stay bounded, a failure of the index while applying must rebuild it from the journal
 * with nothing lost, and a close with a backlog must lose nothing. The applier is paused where a test needs a
 * backlog that stays; it is checked, each time, that the index itself does not hold the change yet.
 */
class DeferredIndexTest {

    private static final long MB = 1024 * 1024;
    private static final long LATER = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path temp;

    private final MutableClock clock = new MutableClock();
    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    private final List<DiskTier<String>> opened = new ArrayList<>();

    /** What the tier must hold. */
    private final Map<String, Object> model = new TreeMap<>();

    @AfterEach
    void closeAll() {
        opened.forEach(DiskTier::close);
    }

    private DiskTier<String> open(Path directory) {
        DiskTier<String> disk =
                DiskTier.open(new DiskTier.Options(directory, 64 * MB, false), codec, clock, TierListener.none());
        opened.add(disk);
        return disk;
    }

    /** A store of 100 entries, all applied to the index, then the applier paused. */
    private DiskTier<String> pausedWith100(Path directory) {
        DiskTier<String> disk = open(directory);
        for (int i = 0; i < 100; i++) {
            put(disk, "k" + i, "v" + i);
        }
        disk.index(); // applies them
        disk.applier().pause();
        return disk;
    }

    private void put(DiskTier<String> disk, String key, Object value) {
        disk.put(key, new TierEntry(value, LATER));
        model.put(key, value);
    }

    private void remove(DiskTier<String> disk, String key) {
        disk.remove(key);
        model.remove(key);
    }

    /** The value the index itself holds for {@code key} now, pending changes left out. */
    private Object inIndex(DiskTier<String> disk, String key) {
        byte[] stored = disk.indexWithBacklog().get(codec.encodeKey(key));
        return stored == null ? null : StoredValue.decode(codec, stored).value();
    }

    private Object valueOf(DiskTier<String> disk, String key) {
        TierEntry entry = disk.get(key);
        return entry == null ? null : entry.value();
    }

    private void assertHoldsTheModel(String when, DiskTier<String> disk) {
        Map<String, Object> held = new TreeMap<>();
        disk.keys().forEachRemaining(key -> held.put(key, valueOf(disk, key)));
        assertThat(held).as("%s: the keys listed and their values", when).isEqualTo(model);
        assertThat(disk.size()).as("%s: the size", when).isEqualTo(model.size());
        for (Map.Entry<String, Object> entry : model.entrySet()) {
            assertThat(valueOf(disk, entry.getKey()))
                    .as("%s: the value of %s", when, entry.getKey())
                    .isEqualTo(entry.getValue());
        }
    }

    @Test
    void everyReadSeesTheNewestChangeWhileTheApplierIsPaused() {
        DiskTier<String> disk = pausedWith100(temp.resolve("reads"));

        put(disk, "k1", "new");
        assertThat(inIndex(disk, "k1"))
                .as("the index does not hold the put yet")
                .isEqualTo("v1");
        assertThat(valueOf(disk, "k1")).as("a get right after the put").isEqualTo("new");

        remove(disk, "k2");
        assertThat(inIndex(disk, "k2"))
                .as("the index does not hold the removal yet")
                .isEqualTo("v2");
        assertThat(disk.get("k2")).as("a get right after the removal").isNull();

        put(disk, "fresh", "f");
        assertThat(inIndex(disk, "fresh")).isNull();
        assertThat(valueOf(disk, "fresh"))
                .as("a get of a new key right after its put")
                .isEqualTo("f");

        put(disk, "k3", "p");
        TierEntry computed = disk.compute("k3", entry -> new TierEntry(entry.value() + "+c", LATER));
        model.put("k3", "p+c");
        assertThat(computed.value()).as("compute sees the pending put").isEqualTo("p+c");
        assertThat(disk.compute("k2", entry -> entry))
                .as("compute sees the pending removal")
                .isNull();

        Map<String, UnaryOperator<TierEntry>> remappings = new LinkedHashMap<>();
        remappings.put("k1", entry -> new TierEntry(entry.value() + "+all", LATER));
        remappings.put("k2", entry -> entry == null ? new TierEntry("back", LATER) : entry);
        Map<String, TierEntry> results = disk.computeAll(remappings);
        model.put("k1", "new+all");
        model.put("k2", "back");
        assertThat(results.get("k1").value())
                .as("computeAll sees the pending put")
                .isEqualTo("new+all");
        assertThat(results.get("k2").value())
                .as("computeAll sees the pending removal")
                .isEqualTo("back");

        Map<String, TierEntry> all = disk.getAll(List.of("k1", "k2", "k3", "fresh", "k4"));
        assertThat(all.get("k1").value()).isEqualTo("new+all");
        assertThat(all.get("k2").value()).isEqualTo("back");
        assertThat(all.get("k3").value()).isEqualTo("p+c");
        assertThat(all.get("fresh").value()).isEqualTo("f");
        assertThat(all.get("k4").value()).isEqualTo("v4");

        assertThat(disk.applier().backlog()).as("the changes still wait").isPositive();
        assertHoldsTheModel("after the changes, applier paused", disk);
    }

    @Test
    void aRemovalThenAGetThenAPutAgainOfTheSameKey() {
        DiskTier<String> disk = pausedWith100(temp.resolve("remove-get"));
        for (int round = 0; round < 5; round++) {
            remove(disk, "k7");
            assertThat(disk.get("k7")).as("round %s: removed", round).isNull();
            put(disk, "k7", "again" + round);
            assertThat(valueOf(disk, "k7")).as("round %s: put again", round).isEqualTo("again" + round);
        }
        remove(disk, "k7");
        assertThat(inIndex(disk, "k7"))
                .as("the index still holds the first value")
                .isEqualTo("v7");
        assertThat(disk.get("k7")).isNull();
        disk.applier().resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> disk.applier().backlog() == 0);
        assertThat(inIndex(disk, "k7"))
                .as("applied: the index holds the removal")
                .isNull();
        assertThat(disk.get("k7")).isNull();
    }

    @Test
    void sizeAndIterationCountEveryAcknowledgedChange() {
        DiskTier<String> disk = pausedWith100(temp.resolve("size"));
        for (int i = 0; i < 30; i++) {
            put(disk, "new" + i, "n" + i);
        }
        for (int i = 0; i < 100; i += 4) {
            remove(disk, "k" + i);
        }
        put(disk, "k1", "changed");
        assertThat(disk.applier().backlog()).isPositive();
        assertThat(disk.size()).as("size counts the pending puts and removals").isEqualTo(model.size());

        for (int i = 0; i < 10; i++) {
            put(disk, "later" + i, "l" + i);
        }
        remove(disk, "k5");
        List<String> listed = new ArrayList<>();
        disk.keys().forEachRemaining(listed::add);
        assertThat(listed)
                .as("iteration lists every key acknowledged before it")
                .containsExactlyInAnyOrderElementsOf(model.keySet());
        assertHoldsTheModel("after the changes, applier paused", disk);
    }

    @Test
    void aCompactionWithABacklogKeepsEveryChange() throws IOException {
        Path directory = temp.resolve("compact");
        DiskTier<String> disk = pausedWith100(directory);
        for (int i = 0; i < 100; i += 3) {
            put(disk, "k" + i, "w" + i);
        }
        for (int i = 1; i < 100; i += 5) {
            remove(disk, "k" + i);
        }
        put(disk, "fresh", "f");
        assertThat(disk.applier().backlog()).isPositive();

        disk.compactNow();

        Index index = disk.indexWithBacklog();
        assertThat(index.listedSeqs())
                .as("the listed sequence numbers are those of the records that wrote the values held")
                .containsExactly(index.writtenBy());
        assertHoldsTheModel("after the compaction", disk);
        put(disk, "k2", "after the compaction");
        disk.close();
        assertHoldsTheModel("reopened after the compaction", open(directory));
    }

    @Test
    void aFailureOfTheIndexOnTheApplierRebuildsItFromTheJournal() {
        DiskTier<String> disk = pausedWith100(temp.resolve("fails"));
        for (int i = 0; i < 20; i++) {
            put(disk, "k" + i, "w" + i);
        }
        remove(disk, "k50");
        Index failing = disk.indexWithBacklog();
        // The index fails under the applier (as a damaged MapDB file, or a full device, makes it).
        failing.close();
        assertThat(valueOf(disk, "k3")).as("a pending change is still read").isEqualTo("w3");

        disk.applier().resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> disk.applier().hasFailed());

        assertThat(valueOf(disk, "k80"))
                .as("the next operation rebuilt the index")
                .isEqualTo("v80");
        assertThat(disk.indexWithBacklog()).isNotSameAs(failing);
        assertThat(disk.applier().hasFailed()).isFalse();
        assertHoldsTheModel("after the rebuild", disk);
        put(disk, "k1", "after the rebuild");
        assertThat(valueOf(disk, "k1")).isEqualTo("after the rebuild");
    }

    @Test
    void aFailedChangeOnAnIndexThatStaysOpenIsNeitherLostNorServedStale() {
        DiskTier<String> disk = pausedWith100(temp.resolve("fails-open"));
        for (int i = 0; i < 20; i++) {
            put(disk, "k" + i, "w" + i);
        }
        remove(disk, "k40");
        Index before = disk.indexWithBacklog();
        // MapDB throws on the first change applied (a full device, a damaged file), and the index stays open.
        disk.applier().failNextChange();
        disk.applier().resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> disk.applier().hasFailed());

        assertThat(valueOf(disk, "k0")).as("the change that failed").isEqualTo("w0");
        assertThat(disk.indexWithBacklog()).as("rebuilt from the journal").isNotSameAs(before);
        assertThat(inIndex(disk, "k0")).as("the rebuilt index holds the change").isEqualTo("w0");
        assertThat(inIndex(disk, "k40")).as("and the removal").isNull();
        assertHoldsTheModel("after the rebuild", disk);
    }

    @Test
    void aFailureOfTheIndexWhileASizeAppliesTheBacklogRebuildsIt() {
        DiskTier<String> disk = pausedWith100(temp.resolve("fails-in-size"));
        for (int i = 0; i < 20; i++) {
            put(disk, "n" + i, "n" + i);
        }
        remove(disk, "k9");
        disk.indexWithBacklog().close();

        assertThat(disk.size())
                .as("size applies the backlog, fails, rebuilds, counts")
                .isEqualTo(model.size());
        assertHoldsTheModel("after the rebuild", disk);
    }

    @Test
    void aCloseWithABacklogLosesNothing() {
        Path directory = temp.resolve("close");
        DiskTier<String> disk = pausedWith100(directory);
        for (int i = 0; i < 50; i++) {
            put(disk, "k" + i, "w" + i);
        }
        remove(disk, "k60");
        assertThat(disk.applier().backlog()).isPositive();
        assertTimeoutPreemptively(Duration.ofSeconds(60), disk::close);
        assertThat(disk.applier().backlog()).as("the close applied the backlog").isZero();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !disk.applier().thread().isAlive());

        assertHoldsTheModel("reopened", open(directory));
    }

    @Test
    void theBacklogStaysBoundedWhenTheApplierDoesNotKeepUp() {
        DiskTier<String> disk = pausedWith100(temp.resolve("bounded"));
        long most = 0;
        for (int i = 0; i < IndexApplier.BOUND * 3; i++) {
            put(disk, "k" + (i % 5_000), "b" + i);
            most = Math.max(most, disk.applier().backlog());
        }
        assertThat(most).as("changes waiting at most").isLessThanOrEqualTo(IndexApplier.BOUND);

        // Large values: the bytes that wait are bounded too (a 32nd of the 64 MB bound, 1 MiB at most).
        byte[] large = new byte[20_000];
        long mostBytes = 0;
        for (int i = 0; i < 500; i++) {
            disk.put("large" + i, new TierEntry(new SerializedValue(large), LATER));
            mostBytes = Math.max(mostBytes, disk.applier().backlogBytes());
        }
        assertThat(mostBytes).as("bytes waiting at most").isLessThanOrEqualTo(IndexApplier.MAX_BYTES_BOUND + 21_000);
    }

    @Test
    void aFailureWhileAPutKeepsTheBacklogBoundedFailsNoCall() {
        DiskTier<String> disk = pausedWith100(temp.resolve("bounded-fails"));
        Index before = disk.indexWithBacklog();
        disk.applier().failNextChange();
        // The applier is paused: the put past the bound applies changes itself, and the first one fails.
        for (int i = 0; i <= IndexApplier.BOUND + 10; i++) {
            put(disk, "b" + (i % 300), "v" + i);
        }
        assertThat(disk.indexWithBacklog())
                .as("the index was rebuilt after the failure")
                .isNotSameAs(before);
        assertHoldsTheModel("after the failure and the rebuild", disk);
    }

    /**
     * Four writers, each on keys of its own, with the applier running: each read of a writer's own key returns what
     * that writer last wrote, while changes are applied underneath; then everything is listed and reopened.
     */
    @Test
    void concurrentWritersReadTheirOwnWritesWhileChangesAreApplied() throws Exception {
        Path directory = temp.resolve("concurrent");
        DiskTier<String> disk = open(directory);
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Map<String, Object>>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                results.add(pool.submit(() -> {
                    Map<String, Object> own = new HashMap<>();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int op = 0; op < 6_000; op++) {
                        String key = "w" + writer + "-" + random.nextInt(200);
                        int kind = random.nextInt(10);
                        if (kind < 6) {
                            String value = "v" + op;
                            disk.put(key, new TierEntry(value, LATER));
                            own.put(key, value);
                        } else if (kind < 8) {
                            disk.remove(key);
                            own.remove(key);
                        } else if (kind < 9) {
                            String value = "c" + op;
                            disk.compute(key, entry -> new TierEntry(value, LATER));
                            own.put(key, value);
                        }
                        TierEntry read = disk.get(key);
                        Object expected = own.get(key);
                        if (expected == null ? read != null : read == null || !expected.equals(read.value())) {
                            throw new AssertionError("writer " + writer + ", op " + op + ": " + key + " read "
                                    + (read == null ? null : read.value()) + ", last written " + expected);
                        }
                    }
                    return own;
                }));
            }
            for (Future<Map<String, Object>> result : results) {
                model.putAll(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertHoldsTheModel("after the writers", disk);
        disk.close();
        assertHoldsTheModel("reopened", open(directory));
    }
}
