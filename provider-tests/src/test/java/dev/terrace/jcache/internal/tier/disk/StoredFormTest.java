package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.copy.SerializedValue;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a put encodes its value once, into an array that leaves room for the index's header; the journal
 * record takes the encoding after that room and the index update fills the header in place. The value must read
 * back the same from the index (its checksum verified) and from the journal after a restart, for every encoding
 * the codec has, alone and in a batch.
 */
class StoredFormTest {

    private static final Codec CODEC =
            new Codec(new JavaSerializer(StoredFormTest.class.getClassLoader()), SerialFilter.builtInOnly());

    @TempDir
    Path directory;

    private DiskTier<String> open() {
        return DiskTier.open(
                new DiskTier.Options(directory, 64L * 1024 * 1024, false),
                CODEC,
                Clock.systemUTC(),
                TierListener.none());
    }

    private static List<Object> values() {
        List<Object> values = new ArrayList<>();
        values.add(new byte[] {1, 2, 3});
        values.add(new byte[0]);
        values.add("text é");
        values.add(42L);
        values.add(7);
        values.add(new SerializedValue(new byte[] {9, 8, 7, 6}));
        values.add(new ArrayList<>(List.of("a", "b")));
        return values;
    }

    @Test
    void theEncodingAfterTheHeadroomIsTheEncodingOfTheValue() {
        for (Object value : values()) {
            byte[] plain = CODEC.encodeValue(value);
            byte[] roomy = CODEC.encodeValue(value, StoredValue.HEADER);

            assertThat(Arrays.copyOfRange(roomy, StoredValue.HEADER, roomy.length))
                    .as("the encoding of %s after the header's room", value)
                    .isEqualTo(plain);
            assertThat(Arrays.copyOf(roomy, StoredValue.HEADER))
                    .as("the header's room is left zero")
                    .containsOnly(0);
        }
    }

    @Test
    void putsAndBatchesReadBackFromTheIndexAndFromTheJournalAfterARestart() {
        List<Object> values = values();
        Map<String, TierEntry> batch = new LinkedHashMap<>();
        try (DiskTier<String> tier = open()) {
            for (int i = 0; i < values.size(); i++) {
                tier.put("put-" + i, new TierEntry(values.get(i), TierEntry.ETERNAL));
                batch.put("batch-" + i, new TierEntry(values.get(i), 4_000_000_000_000L + i));
            }
            tier.putAll(batch);
            tier.put("put-0", new TierEntry(new byte[] {5, 5}, TierEntry.ETERNAL));

            assertReadsBack(tier, values, "from the index");
        }
        try (DiskTier<String> tier = open()) {
            assertReadsBack(tier, values, "from the journal, after a restart");
        }
    }

    private static void assertReadsBack(DiskTier<String> tier, List<Object> values, String where) {
        assertThat(tier.size()).as("every key is held " + where).isEqualTo(2L * values.size());
        assertThat(decoded(tier.get("put-0"))).as("the replaced value " + where).isEqualTo(decoded(new byte[] {5, 5}));
        for (int i = 1; i < values.size(); i++) {
            TierEntry put = tier.get("put-" + i);
            assertThat(put).as("put-%d %s", i, where).isNotNull();
            assertThat(decoded(put)).as("put-%d %s", i, where).isEqualTo(decoded(values.get(i)));
            assertThat(put.expiresAt()).isEqualTo(TierEntry.ETERNAL);
        }
        for (int i = 0; i < values.size(); i++) {
            TierEntry batched = tier.get("batch-" + i);
            assertThat(batched).as("batch-%d %s", i, where).isNotNull();
            assertThat(decoded(batched)).as("batch-%d %s", i, where).isEqualTo(decoded(values.get(i)));
            assertThat(batched.expiresAt()).as("batch-%d's expiry %s", i, where).isEqualTo(4_000_000_000_000L + i);
        }
    }

    /** A value as comparable bytes or object: a serialized value compares by its bytes. */
    private static Object decoded(Object value) {
        if (value instanceof TierEntry entry) {
            return decoded(entry.value());
        }
        if (value instanceof SerializedValue serialized) {
            return List.of("serialized", Arrays.toString(serialized.bytes()));
        }
        return value instanceof byte[] bytes ? Arrays.toString(bytes) : value;
    }
}
