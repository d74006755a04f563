package dev.terrace.jcache.fault.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.disk.DiskTier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, items 6 and 7: values too large for a journal record, or for the store's bound. */
class OversizedValueTest {

    private static final long MB = 1024 * 1024;

    @TempDir
    Path temp;

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    private final List<String> evicted = Collections.synchronizedList(new ArrayList<>());

    private DiskTier<String> open(Path directory, long maxBytes) {
        TierListener<String> listener = (tier, key, entry, expired) -> evicted.add(key);
        return DiskTier.open(new DiskTier.Options(directory, maxBytes, false), codec, Clock.systemUTC(), listener);
    }

    @Test
    void aValueLargerThanAJournalRecordIsRefusedBeforeItIsAcknowledgedAndLosesNothingElse() {
        Path directory = temp.resolve("record-limit");
        DiskTier<String> disk = open(directory, 4096 * MB);
        disk.put("before", new TierEntry("b", Long.MAX_VALUE));
        byte[] huge = new byte[256 * 1024 * 1024 + 1];
        assertThatThrownBy(() -> disk.put("huge", new TierEntry(huge, Long.MAX_VALUE)))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(directory.toAbsolutePath().toString())
                .hasMessageContaining("not stored");
        disk.put("after", new TierEntry("a", Long.MAX_VALUE));
        assertThat(disk.get("huge")).isNull();
        disk.close();

        DiskTier<String> reopened = open(directory, 4096 * MB);
        try {
            assertThat(reopened.get("before"))
                    .as("written before the refused value")
                    .isNotNull();
            assertThat(reopened.get("after"))
                    .as("written after the refused value")
                    .isNotNull();
            assertThat(reopened.get("huge")).isNull();
        } finally {
            reopened.close();
        }
    }

    @Test
    void aValueLargerThanTheLiveBudgetIsEvictedAloneAndTheRestIsKept() {
        DiskTier<String> disk = open(temp.resolve("budget"), 4 * MB);
        try {
            for (int i = 0; i < 20; i++) {
                disk.put("small" + i, new TierEntry("v" + i, Long.MAX_VALUE));
            }
            // The budget for live data is a quarter of the bound: 1 MB.
            disk.put("large", new TierEntry(new byte[(int) (MB + MB / 2)], Long.MAX_VALUE));
            assertThat(evicted).as("what the oversized value evicted").containsExactly("large");
            for (int i = 0; i < 20; i++) {
                assertThat(disk.get("small" + i)).as("small%d", i).isNotNull();
            }
            assertThat(disk.get("large")).isNull();
        } finally {
            disk.close();
        }
    }
}
