package dev.terrace.jcache.fault.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 7 (tiered-store side): on {@code heap+disk}, a value larger than the disk tier's budget is
 * evicted by the disk as soon as it is written. The heap must not keep a copy of it that {@code get} returns
 * while the iterator, which lists the authority's keys, shows nothing.
 */
class OversizedValueLeavesNoGhostTest {

    @Test
    void aValueTheDiskEvictsAtOnceIsNotServedFromTheHeap(@TempDir Path disk) {
        try (CacheManager manager = StoreCaches.manager(
                "terrace.stack", "heap+disk",
                "terrace.l2.path", disk.toString(),
                "terrace.l2.max-size-mb", "1")) {
            Cache<String, byte[]> cache = manager.createCache("oversized", new MutableConfiguration<String, byte[]>());
            cache.put("small", new byte[16]);

            cache.put("big", new byte[3 * 1024 * 1024]);

            List<String> listed = new ArrayList<>();
            cache.forEach(entry -> listed.add(entry.getKey()));
            assertThat(listed)
                    .as("the disk evicted the value larger than its budget")
                    .doesNotContain("big");
            assertThat(cache.get("big") == null)
                    .as("get agrees with the iterator: no ghost copy of the evicted value on the heap")
                    .isTrue();
            assertThat(cache.containsKey("big")).isFalse();
        }
    }
}
