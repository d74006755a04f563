package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, the iterator on Redis alone, which lists and reads each page of entries together (one {@code SCAN} and
 * one {@code MGET} per page, the next page's {@code SCAN} sent with this page's {@code MGET}): it returns exactly
 * the live entries, skips what another process removed or what expired before its page was read, counts a hit per
 * entry it returns, removes through the cache, and fails with a {@code CacheException} when Redis goes away in the
 * middle of a walk.
 */
class RedisIterationTest {

    /** More entries than one page (a {@code SCAN} of about 1,000 names), so a walk has several. */
    private static final int MANY = 3_000;

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "iteration");

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    private CacheManager manager(Object... more) {
        return processes.manager("redis", more);
    }

    private static Map<String, String> entries(int count) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put("k" + i, "v" + i);
        }
        return entries;
    }

    @Test
    void aWalkOverSeveralPagesReturnsEveryEntryOnceReadingEachPageWithOneMgetAndNoGetPerEntry() throws IOException {
        Cache<String, String> cache = manager().createCache("walk", new MutableConfiguration<String, String>());
        cache.putAll(entries(MANY));

        Map<String, Long> before = commandStats(server);
        Map<String, String> seen = new HashMap<>();
        int returned = 0;
        for (Cache.Entry<String, String> entry : cache) {
            seen.put(entry.getKey(), entry.getValue());
            returned++;
        }
        Map<String, Long> after = commandStats(server);

        assertThat(seen).isEqualTo(entries(MANY));
        assertThat(returned).as("each entry returned once").isEqualTo(MANY);
        assertThat(delta(before, after, "get"))
                .as("no GET per entry (a few from the cache's upkeep while the walk runs)")
                .isLessThanOrEqualTo(3);
        assertThat(delta(before, after, "mget"))
                .as("at most one MGET per SCAN page: a page of names is read with one call")
                .isPositive()
                .isLessThanOrEqualTo(delta(before, after, "scan"));
    }

    @Test
    void entriesAnotherProcessRemovesBeforeTheirPageIsReadAreSkipped() {
        Cache<String, String> cache = manager().createCache("removed", new MutableConfiguration<String, String>());
        Cache<String, String> other = manager().createCache("removed", new MutableConfiguration<String, String>());
        Map<String, String> entries = entries(MANY);
        cache.putAll(entries);

        Iterator<Cache.Entry<String, String>> walk = cache.iterator();
        Cache.Entry<String, String> first = walk.next();
        other.removeAll();
        List<Cache.Entry<String, String>> rest = new ArrayList<>();
        walk.forEachRemaining(rest::add);

        assertThat(first.getValue()).isEqualTo(entries.get(first.getKey()));
        assertThat(rest)
                .as("the rest of the first page, read before the removal, and nothing of later pages")
                .hasSizeLessThan(MANY - 1)
                .allSatisfy(entry -> assertThat(entry.getValue()).isEqualTo(entries.get(entry.getKey())));
        assertThat(cache.iterator().hasNext()).as("a new walk finds nothing").isFalse();
    }

    @Test
    void expiredEntriesAreNotReturnedAndEachReturnedEntryIsAHit() {
        // Ahead of the server's clock: Redis keeps the expired entries, so the cache must skip them itself.
        MutableClock clock = new MutableClock(
                System.currentTimeMillis() + Duration.ofHours(1).toMillis());
        Cache<String, String> cache = manager("terrace.clock", clock)
                .createCache(
                        "expiring",
                        new MutableConfiguration<String, String>()
                                .setStatisticsEnabled(true)
                                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                                        new javax.cache.expiry.Duration(TimeUnit.SECONDS, 60))));
        Map<String, String> early = entries(500);
        cache.putAll(early);
        clock.advance(Duration.ofSeconds(30));
        Map<String, String> late = new LinkedHashMap<>();
        for (int i = 500; i < 1_500; i++) {
            late.put("k" + i, "v" + i);
        }
        cache.putAll(late);
        clock.advance(Duration.ofSeconds(40));

        Map<String, String> seen = new HashMap<>();
        for (Cache.Entry<String, String> entry : cache) {
            seen.put(entry.getKey(), entry.getValue());
        }

        assertThat(seen).as("only the entries still live").isEqualTo(late);
        assertThat(cache.unwrap(TerraceCache.class).statistics().getCacheHits())
                .as("one hit per entry returned")
                .isEqualTo(late.size());
    }

    @Test
    void removeThroughTheIteratorRemovesTheEntryFromRedis() {
        Cache<String, String> cache = manager().createCache("pruned", new MutableConfiguration<String, String>());
        Cache<String, String> other = manager().createCache("pruned", new MutableConfiguration<String, String>());
        cache.putAll(entries(1_500));

        int kept = 0;
        for (Iterator<Cache.Entry<String, String>> walk = cache.iterator(); walk.hasNext(); ) {
            Cache.Entry<String, String> entry = walk.next();
            if (Integer.parseInt(entry.getKey().substring(1)) % 2 == 0) {
                walk.remove();
            } else {
                kept++;
            }
        }

        assertThat(kept).isEqualTo(750);
        Map<String, String> left = new HashMap<>();
        other.forEach(entry -> left.put(entry.getKey(), entry.getValue()));
        assertThat(left)
                .hasSize(750)
                .allSatisfy((key, value) ->
                        assertThat(Integer.parseInt(key.substring(1)) % 2).isOne());
    }

    @Test
    void redisGoingAwayInTheMiddleOfAWalkFailsItWithACacheException() {
        // Filled with the default timeout (a loaded machine may take more than the short one to write them all);
        // walked by another process that gives up on Redis quickly.
        manager()
                .createCache("outage", new MutableConfiguration<String, String>())
                .putAll(entries(MANY));
        Cache<String, String> cache = manager("terrace.l3.timeout-ms", "500", "terrace.l3.connect-timeout-ms", "500")
                .createCache("outage", new MutableConfiguration<String, String>());
        Iterator<Cache.Entry<String, String>> walk = cache.iterator();
        walk.next();

        server.kill();

        assertThatThrownBy(() -> walk.forEachRemaining(entry -> {}))
                .as("a walk cut short says so, instead of ending as if the cache held no more")
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(String.valueOf(server.port()));
    }
}
