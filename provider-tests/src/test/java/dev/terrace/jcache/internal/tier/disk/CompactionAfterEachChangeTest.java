package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.MutableClock;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a compaction tells live journal records from dead ones by the sequence numbers the index lists
 * ({@link LiveSeqs}), without reading the values back. A number missing from that list loses its entry at the
 * next compaction; so after every kind of change (put, overwrite, remove, compute, putAll, computeAll, expiry,
 * eviction, clear, a read dropping a damaged value, a rebuild of a failed index, a reopen after a crash), the
 * listed numbers must be exactly those the index's values hold, and a compaction must keep exactly the live
 * data, also across a reopen.
 */
class CompactionAfterEachChangeTest {

    private static final long MB = 1024 * 1024;
    private static final long LATER = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path temp;

    private final MutableClock clock = new MutableClock();
    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    private final List<String> dropped = Collections.synchronizedList(new ArrayList<>());

    /** What the tier must hold. */
    private final Map<String, TierEntry> model = new TreeMap<>();

    private DiskTier<String> open(Path directory, long maxBytes) {
        TierListener<String> listener = (tier, key, entry, wasExpired) -> dropped.add(key);
        return DiskTier.open(new DiskTier.Options(directory, maxBytes, false), codec, clock, listener);
    }

    private DiskTier<String> filled(Path directory) {
        DiskTier<String> disk = open(directory, 64 * MB);
        for (int i = 0; i < 200; i++) {
            put(disk, "k" + i, "v" + i);
        }
        return disk;
    }

    private void put(DiskTier<String> disk, String key, String value) {
        TierEntry entry = new TierEntry(value, LATER);
        disk.put(key, entry);
        model.put(key, entry);
    }

    /** The change, then: the listed numbers are exact, and a compaction keeps exactly the model, also after a reopen. */
    private void checkAfter(String change, Path directory, Consumer<DiskTier<String>> apply) throws IOException {
        DiskTier<String> disk = filled(directory);
        apply.accept(disk);
        assertListedExactly(change, disk);
        disk.compactNow();
        assertListedExactly(change + ", then a compaction", disk);
        assertHoldsTheModel(change + ", then a compaction", disk);
        // More writes after the compaction, and a second compaction: the numbers kept by the first still count.
        put(disk, "k1", "after");
        put(disk, "fresh", "after");
        disk.compactNow();
        assertListedExactly(change + ", then two compactions", disk);
        assertHoldsTheModel(change + ", then two compactions", disk);
        disk.close();
        DiskTier<String> reopened = open(directory, 64 * MB);
        assertHoldsTheModel(change + ", then two compactions and a reopen", reopened);
        assertListedExactly(change + ", after a reopen", reopened);
        reopened.close();
    }

    private static void assertListedExactly(String when, DiskTier<String> disk) {
        Index index = disk.index();
        assertThat(index.listedSeqs())
                .as("after %s: the listed sequence numbers are those of the records that wrote the values held", when)
                .containsExactly(index.writtenBy());
    }

    private void assertHoldsTheModel(String when, DiskTier<String> disk) {
        Map<String, TierEntry> held = new TreeMap<>();
        disk.keys().forEachRemaining(key -> held.put(key, disk.get(key)));
        assertThat(held)
                .as("after %s: the tier holds exactly the live entries", when)
                .isEqualTo(model);
    }

    @Test
    void overwrites() throws IOException {
        checkAfter("overwrites", temp.resolve("overwrite"), disk -> {
            for (int i = 0; i < 200; i += 3) {
                put(disk, "k" + i, "w" + i);
            }
        });
    }

    @Test
    void removes() throws IOException {
        checkAfter("removes", temp.resolve("remove"), disk -> {
            for (int i = 0; i < 200; i += 2) {
                disk.remove("k" + i);
                model.remove("k" + i);
            }
            disk.remove("absent");
        });
    }

    @Test
    void computes() throws IOException {
        checkAfter("computes", temp.resolve("compute"), disk -> {
            disk.compute("k3", entry -> null);
            model.remove("k3");
            disk.compute("k4", entry -> new TierEntry("computed", LATER));
            model.put("k4", new TierEntry("computed", LATER));
            disk.compute("new", entry -> new TierEntry("computed", LATER));
            model.put("new", new TierEntry("computed", LATER));
            disk.compute("k5", entry -> entry);
        });
    }

    @Test
    void putAllAndComputeAll() throws IOException {
        checkAfter("putAll and computeAll", temp.resolve("batch"), disk -> {
            Map<String, TierEntry> batch = new LinkedHashMap<>();
            for (int i = 0; i < 300; i += 2) {
                batch.put("k" + i, new TierEntry("b" + i, LATER));
            }
            disk.putAll(batch);
            model.putAll(batch);
            Map<String, java.util.function.UnaryOperator<TierEntry>> remappings = new LinkedHashMap<>();
            remappings.put("k0", entry -> null);
            remappings.put("k7", entry -> new TierEntry("c7", LATER));
            remappings.put("none", entry -> null);
            disk.computeAll(remappings);
            model.remove("k0");
            model.put("k7", new TierEntry("c7", LATER));
        });
    }

    @Test
    void expiry() throws IOException {
        checkAfter("entries expired", temp.resolve("expiry"), disk -> {
            for (int i = 0; i < 20; i++) {
                disk.put("short" + i, new TierEntry("s", clock.millis() + 1_000));
            }
            disk.put("k9", new TierEntry("short-lived", clock.millis() + 1_000));
            model.remove("k9");
            clock.advance(Duration.ofSeconds(2));
        });
        assertThat(dropped).contains("short0", "short19", "k9");
    }

    @Test
    void clear() throws IOException {
        checkAfter("a clear", temp.resolve("clear"), disk -> {
            disk.clear();
            model.clear();
            put(disk, "k2", "after the clear");
        });
    }

    @Test
    void aRebuildOfAFailedIndex() throws IOException {
        checkAfter("a rebuild of the index", temp.resolve("rebuild"), disk -> {
            put(disk, "k8", "before the failure");
            // The index fails under the tier (as a damaged MapDB file makes it): the next write is appended to the
            // journal and fails to reach the index (applied later, off the writer's thread), or fails outright; the
            // index is rebuilt from the journal.
            disk.index().close();
            try {
                disk.put("k9", new TierEntry("kept", LATER));
                model.put("k9", new TierEntry("kept", LATER));
            } catch (javax.cache.CacheException expected) {
                // The put was not made: the model keeps k9's old value.
            }
            put(disk, "k10", "after the rebuild");
        });
    }

    @Test
    void aReadDroppingADamagedValue() throws IOException {
        Path directory = temp.resolve("damaged");
        DiskTier<String> disk = filled(directory);
        Index index = disk.index();
        byte[] key = codec.encodeKey("k11");
        byte[] damaged = index.get(key).clone();
        damaged[damaged.length - 1] ^= 0x55;
        index.put(key, damaged);

        assertThat(disk.get("k11"))
                .as("a damaged value is dropped, never served")
                .isNull();
        model.remove("k11");
        // The read could not forget the number (no lock orders it against the writers): listed, not held.
        assertThat(index.listedSeqs()).contains(StoredValue.seqOf(damaged));
        disk.compactNow();
        assertListedExactly("a damaged value was dropped, then a compaction", disk);
        assertHoldsTheModel("a damaged value was dropped, then a compaction", disk);
        disk.close();
    }

    @Test
    void evictions() throws IOException {
        Path directory = temp.resolve("evict");
        DiskTier<String> disk = open(directory, 4 * MB);
        byte[] value = new byte[1_000];
        for (int i = 0; i < 2_000; i++) {
            String key = "big" + i;
            disk.put(key, new TierEntry(new dev.terrace.jcache.internal.copy.SerializedValue(value), LATER));
        }
        assertThat(dropped).as("the bound evicted the oldest entries").isNotEmpty();
        assertListedExactly("evictions", disk);
        disk.compactNow();
        assertListedExactly("evictions, then a compaction", disk);
        assertThat(disk.size() + dropped.size()).isEqualTo(2_000);
        assertThat(disk.get("big1999")).isNotNull();
        disk.close();
    }

    @Test
    void aReopenAfterACrash() throws IOException {
        Path directory = temp.resolve("crash");
        DiskTier<String> disk = filled(directory);
        put(disk, "k1", "overwritten");
        disk.remove("k2");
        model.remove("k2");
        // The files as kill -9 leaves them: copied while the store is open.
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
        checkAfter("a reopen after a crash", copy, reopened -> {});
    }
}
