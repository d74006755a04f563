package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, the server's work of a batch write is a handful of commands per script call, not three per entry: one
 * call of {@code redis-write-batch.lua} reads every entry with one {@code MGET}, asks every entry's lock with one
 * {@code EXISTS}, checks the control keys with one {@code MGET} (no {@code TYPE}, no {@code XREVRANGE}: a sequence that
 * went backwards shows as the log record refused), and writes the entries with one {@code MSET} (or one {@code DEL}),
 * where it made an {@code EXISTS}, a {@code GET} and a {@code SET} (or {@code DEL}) per entry. Counted on a real
 * redis-server ({@code INFO commandstats}, which counts the commands scripts run); the coherence log's poll (a script
 * of a few {@code GET}s and {@code SET NX}es, about once a second) is allowed for. What Redis holds (values, and the
 * time to live it reclaims entries by) stays as it was.
 */
class BatchWriteCommandsTest {

    /** Script calls allowed besides a batch's own: the coherence log polls each cache's position once a second. */
    private static final int POLLS = 3;

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "batch-commands");

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    private Cache<String, String> cache(String name, MutableConfiguration<String, String> configuration) {
        return processes.manager("redis").createCache(name, configuration);
    }

    private static Map<String, String> entries(int count, String prefix) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put("k" + i, prefix + i);
        }
        return entries;
    }

    @Test
    void putAllOf100KeysReadsAndWritesThemWithOneCommandEachAndChecksNoControlKeyType() throws IOException {
        Cache<String, String> cache = cache("puts", new MutableConfiguration<>());
        cache.putAll(entries(50, "old"));

        Map<String, Long> before = commandStats(server);
        cache.putAll(entries(100, "v"));
        Map<String, Long> after = commandStats(server);

        assertThat(scriptCalls(before, after)).as("one write script call").isBetween(1L, 1L + POLLS);
        assertThat(delta(before, after, "type"))
                .as("the control keys checked by one MGET, not a TYPE each")
                .isZero();
        assertThat(delta(before, after, "xrevrange"))
                .as("the log's top not read: XADD refuses a sequence that went backwards")
                .isZero();
        assertThat(delta(before, after, "mget"))
                .as("one MGET of the 100 entries and one of the control keys")
                .isEqualTo(2);
        assertThat(delta(before, after, "exists"))
                .as("one EXISTS of all 100 locks, not one per entry (none of the listener interest: the marker)")
                .isEqualTo(1);
        assertThat(delta(before, after, "mset"))
                .as("one MSET of the 100 entries")
                .isEqualTo(1);
        assertThat(delta(before, after, "get"))
                .as("no GET per entry (the coherence log's polls aside)")
                .isLessThanOrEqualTo(3L * POLLS);
        assertThat(delta(before, after, "set"))
                .as("no SET per entry: the sequence's, and the polls'")
                .isBetween(1L, 1L + 2L * POLLS);
        assertThat(cache.getAll(entries(100, "v").keySet())).isEqualTo(entries(100, "v"));
    }

    @Test
    void removeAllOf100KeysDeletesThemWithOneDel() throws IOException {
        Cache<String, String> cache = cache("removals", new MutableConfiguration<>());
        cache.putAll(entries(100, "v"));

        Map<String, Long> before = commandStats(server);
        cache.removeAll(new java.util.TreeSet<>(entries(150, "v").keySet()));
        Map<String, Long> after = commandStats(server);

        assertThat(scriptCalls(before, after)).as("one write script call").isBetween(1L, 1L + POLLS);
        assertThat(delta(before, after, "del"))
                .as("one DEL of the 100 entries found (50 of the 150 keys had none)")
                .isEqualTo(1);
        assertThat(delta(before, after, "exists"))
                .as("one EXISTS of all 150 locks (none of the listener interest: the marker)")
                .isEqualTo(1);
        assertThat(delta(before, after, "type")).isZero();
        assertThat(delta(before, after, "xrevrange")).isZero();
        assertThat(delta(before, after, "get")).isLessThanOrEqualTo(3L * POLLS);
        assertThat(server.command("EVAL \"return #redis.call('KEYS', '*removals}:e:*')\" 0"))
                .isEqualTo(":0");
    }

    @Test
    void batchesSentByDigestLoadTheScriptAgainWhereRedisForgotIt() throws IOException {
        Cache<String, String> cache = cache("forgotten", new MutableConfiguration<>());
        cache.putAll(entries(10, "old"));

        // A restart without persistence, a failover to a replica that never ran the script: NOSCRIPT.
        assertThat(server.command("SCRIPT FLUSH")).isEqualTo("+OK");
        Map<String, Long> before = commandStats(server);
        cache.putAll(entries(20, "new"));
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "evalsha"))
                .as("the call by digest, which Redis refused")
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "eval"))
                .as("the call again with the script's text, which also caches it")
                .isGreaterThanOrEqualTo(1);
        assertThat(cache.getAll(entries(20, "new").keySet())).isEqualTo(entries(20, "new"));
        server.command("SCRIPT FLUSH");
        cache.removeAll(entries(20, "new").keySet());
        assertThat(cache.getAll(entries(20, "new").keySet())).isEmpty();
    }

    @Test
    void batchPutsKeepTheTimeToLiveRedisReclaimsEntriesBy() throws IOException {
        Cache<String, String> eternal = cache("eternal", new MutableConfiguration<>());
        eternal.putAll(entries(10, "old"));
        eternal.putAll(entries(20, "new"));
        assertThat(timesToLive("eternal"))
                .as("eternal entries, created or updated, have no time to live")
                .containsOnly(-1L);

        Cache<String, String> created = cache(
                "created",
                new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10))));
        created.putAll(entries(10, "old"));
        server.command("EVAL \"for _, k in ipairs(redis.call('KEYS', '*created}:e:*')) do"
                + " redis.call('PEXPIRE', k, 3600000) end\" 0");
        created.putAll(entries(20, "new"));
        List<Long> createdTtls = timesToLive("created");
        assertThat(createdTtls.stream().filter(ttl -> ttl > 11 * 60_000L))
                .as("the 10 updates kept their entries' time to live (set to an hour here), KEEPTTL")
                .hasSize(10);
        assertThat(createdTtls.stream().filter(ttl -> ttl > 0 && ttl <= 11 * 60_000L))
                .as("the 10 creations got theirs: the expiry instant and a grace period")
                .hasSize(10);

        Cache<String, String> modified = cache(
                "modified",
                new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10))));
        modified.putAll(entries(10, "old"));
        server.command("EVAL \"for _, k in ipairs(redis.call('KEYS', '*modified}:e:*')) do"
                + " redis.call('PEXPIRE', k, 3600000) end\" 0");
        modified.putAll(entries(20, "new"));
        assertThat(timesToLive("modified"))
                .as("updates under a policy that sets a new expiry get its time to live, as creations do")
                .hasSize(20)
                .allMatch(ttl -> ttl > 0 && ttl <= 11 * 60_000L);
        assertThat(modified.getAll(entries(20, "new").keySet())).isEqualTo(entries(20, "new"));
    }

    /** The time to live (PTTL, milliseconds; -1: none) of every entry of cache {@code name}. */
    private List<Long> timesToLive(String name) throws IOException {
        String reply = server.command("EVAL \"local t = {} for _, k in ipairs(redis.call('KEYS', '*" + name
                + "}:e:*')) do t[#t + 1] = redis.call('PTTL', k) end return table.concat(t, ',')\" 0");
        List<Long> ttls = new ArrayList<>();
        for (String ttl : reply.split(",")) {
            ttls.add(Long.parseLong(ttl));
        }
        return ttls;
    }
}
