package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.Announcements;
import dev.terrace.jcache.redis.ChannelTap;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, lean announcements: a change announces its key, version and kind to every process, and its values
 * only while some process has a listener that wants them (the old value only while one requires old values).
 * Each process here is a cache manager with its own Redis connection and origin; what an announcement carries is
 * read byte for byte by a plain subscriber on the real redis-server.
 */
class LeanAnnouncementsTest {

    /** About 10 KB serialized: an announcement that carried it would be far above {@link #KEY_ONLY}. */
    private static final String BIG = "x".repeat(10_000);
    /** Head (20 bytes), epoch (16), sequence (20) and a short key: what an announcement without values weighs. */
    private static final int KEY_ONLY = 120;

    private static final byte FULL = 1;
    private static final byte VALUES_LEFT_OUT = 3;
    private static final byte OLD_VALUE_LEFT_OUT = 4;
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final RedisServer server = RedisServer.start();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        server.close();
    }

    private CacheManager process() {
        return process(1);
    }

    private CacheManager process(int shards) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty("terrace.l3.shards", Integer.toString(shards));
        // Another class loader gives another manager, with its own Redis connection and origin, for the same URI.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        CacheManager manager = Caches.provider().getCacheManager(URI.create("terrace:lean"), loader, settings);
        closing.add(manager);
        return manager;
    }

    private ChannelTap tap() throws IOException {
        ChannelTap tap = ChannelTap.open(server, "*invalidations");
        closing.add(tap);
        return tap;
    }

    private MutableCacheEntryListenerConfiguration<String, String> listener(boolean oldValueRequired) {
        return new MutableCacheEntryListenerConfiguration<>(() -> new Recorder(heard), null, oldValueRequired, false);
    }

    private static MutableConfiguration<String, String> plain() {
        return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
    }

    /** The changes announced: a batch's announcement holds several (see {@link Announcements}). */
    private static List<byte[]> awaitMessages(ChannelTap tap, int count) {
        await().atMost(BOUND).until(() -> Announcements.changes(tap.messages()).size() >= count);
        List<byte[]> messages = Announcements.changes(tap.messages());
        assertThat(messages).as("one change announced once, no more").hasSize(count);
        return messages;
    }

    private static byte kind(byte[] announcement) {
        return announcement[16];
    }

    @Test
    void withNoListenerAnywhereEveryKindOfWriteAnnouncesItsKeyAloneAndStillInvalidates() throws IOException {
        Cache<String, String> writer = process().createCache("lean", plain());
        Cache<String, String> other = process().createCache("lean", plain());
        writer.put("a", "1");
        assertThat(other.get("a")).isEqualTo("1");
        ChannelTap tap = tap();

        writer.put("k", BIG + 1); // a decided put (redis-write.lua), CREATED
        writer.put("k", BIG + 2); // UPDATED
        writer.putAll(Map.of("b", BIG, "c", BIG)); // the batch script (redis-write-batch.lua)
        writer.replace("k", BIG + 2, BIG + 3); // a change decided on a read (redis-write.lua)
        writer.remove("k"); // REMOVED
        writer.put("a", BIG); // UPDATED of a key the other process holds a near copy of

        for (byte[] announcement : awaitMessages(tap, 7)) {
            assertThat(announcement.length)
                    .as("no process has a listener: an announcement carries no value")
                    .isLessThan(KEY_ONLY);
            assertThat(kind(announcement))
                    .as("the kind says the values were left out")
                    .isEqualTo(VALUES_LEFT_OUT);
        }
        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(other.get("a"))
                        .as("a lean announcement still drops the near copy")
                        .isEqualTo(BIG));
    }

    @Test
    void aListenerWithoutOldValuesGetsTheNewValuesAndTheOldValueStaysInRedis() throws IOException {
        Cache<String, String> writer = process().createCache("lean", plain());
        process().createCache("lean", plain().addCacheEntryListenerConfiguration(listener(false)));
        ChannelTap tap = tap();

        writer.put("k", BIG + 1);
        writer.put("k", BIG + 2);
        writer.remove("k");

        List<byte[]> messages = awaitMessages(tap, 3);
        assertThat(messages.get(0).length).as("CREATED carries its new value").isGreaterThan(BIG.length());
        assertThat(kind(messages.get(0))).isEqualTo(FULL);
        assertThat(messages.get(1).length)
                .as("UPDATED carries the new value, not the old one")
                .isBetween(BIG.length(), BIG.length() + 2 * KEY_ONLY);
        assertThat(kind(messages.get(1))).isEqualTo(OLD_VALUE_LEFT_OUT);
        assertThat(messages.get(2).length).as("REMOVED carries no value").isLessThan(KEY_ONLY);
        assertThat(kind(messages.get(2))).isEqualTo(OLD_VALUE_LEFT_OUT);
        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(heard)
                        .containsExactly(
                                "CREATED k=" + (BIG + 1).length(),
                                "UPDATED k=" + (BIG + 2).length() + " (was null)",
                                "REMOVED k (was null)"));
    }

    @Test
    void aListenerThatRequiresOldValuesGetsBothValues() throws IOException {
        Cache<String, String> writer = process().createCache("lean", plain());
        process().createCache("lean", plain().addCacheEntryListenerConfiguration(listener(true)));
        ChannelTap tap = tap();

        writer.put("k", BIG + 1);
        writer.put("k", BIG + 22);
        writer.remove("k");

        List<byte[]> messages = awaitMessages(tap, 3);
        assertThat(messages.get(1).length).as("UPDATED carries both values").isGreaterThan(2 * BIG.length());
        assertThat(kind(messages.get(1))).isEqualTo(FULL);
        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(heard)
                        .containsExactly("CREATED k=10001", "UPDATED k=10002 (was 10001)", "REMOVED k (was 10002)"));
    }

    @Test
    void theInterestGoesWithTheLastListenerAndWithTheCache() throws IOException {
        Cache<String, String> writer = process().createCache("lean", plain());
        Cache<String, String> listening = process().createCache("lean", plain());
        ChannelTap tap = tap();
        MutableCacheEntryListenerConfiguration<String, String> values = listener(false);
        MutableCacheEntryListenerConfiguration<String, String> oldValues = listener(true);

        listening.registerCacheEntryListener(values);
        listening.registerCacheEntryListener(oldValues);
        writer.put("k", BIG);
        listening.deregisterCacheEntryListener(oldValues);
        writer.put("k", BIG + 1);
        listening.deregisterCacheEntryListener(values);
        writer.put("k", BIG + 2);
        listening.registerCacheEntryListener(values);
        writer.put("k", BIG + 3);
        listening.close();
        writer.put("k", BIG + 4);

        List<byte[]> messages = awaitMessages(tap, 5);
        assertThat(kind(messages.get(0))).as("CREATED with listeners").isEqualTo(FULL);
        assertThat(kind(messages.get(1)))
                .as("the listener that required old values was deregistered")
                .isEqualTo(OLD_VALUE_LEFT_OUT);
        assertThat(kind(messages.get(2))).as("no listener left").isEqualTo(VALUES_LEFT_OUT);
        assertThat(kind(messages.get(3))).as("a listener again").isEqualTo(OLD_VALUE_LEFT_OUT);
        assertThat(kind(messages.get(4))).as("the listening cache closed").isEqualTo(VALUES_LEFT_OUT);
        assertThat(messages.get(4).length).isLessThan(KEY_ONLY);
    }

    @Test
    void eachShardOfACacheKeepsItsOwnInterest() throws IOException {
        Cache<String, String> writer = process(4).createCache("lean", plain());
        Cache<String, String> listening = process(4).createCache("lean", plain());
        ChannelTap tap = tap();
        MutableCacheEntryListenerConfiguration<String, String> values = listener(false);

        listening.registerCacheEntryListener(values);
        Map<String, String> batch = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            writer.put("one-" + i, BIG); // spread over the 4 shards, one script call each
            batch.put("batch-" + i, BIG);
        }
        writer.putAll(batch); // one batch script call per shard
        List<byte[]> withListener = awaitMessages(tap, 40);
        listening.deregisterCacheEntryListener(values);
        tap.clear();
        for (int i = 0; i < 20; i++) {
            writer.put("one-" + i, BIG + 1);
        }
        List<byte[]> withoutListener = awaitMessages(tap, 20);

        assertThat(withListener)
                .as("every shard's writes read that shard's interest: the listener wants values")
                .allSatisfy(m -> assertThat(m.length).isGreaterThan(BIG.length()));
        assertThat(withoutListener)
                .as("the interest was withdrawn from every shard")
                .allSatisfy(m -> assertThat(m.length).isLessThan(KEY_ONLY));
        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).hasSize(40));
    }

    @Test
    void aListenerHearsChangesSequencedAfterItsRegistrationReturnedAndNotThoseBefore() {
        Cache<String, String> writer = process().createCache("lean", plain());
        Cache<String, String> listening = process().createCache("lean", plain());

        writer.put("before", "1");
        listening.registerCacheEntryListener(listener(false));
        writer.put("after", "2");
        writer.put("later", "3");

        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).contains("CREATED after=1", "CREATED later=1"));
        assertThat(heard)
                .as("announced without values before any process had a listener: not delivered")
                .doesNotContain("CREATED before=1");
    }

    @Test
    void aProcessWhoseLeaseRanOutCountsAsNoListener() throws IOException {
        Cache<String, String> writer = process().createCache("lean", plain());
        writer.put("k", "1");
        String interest = server.command("EVAL \"return redis.call('KEYS', '*lean}:seq')[1]\" 0")
                .replaceAll("seq$", "interest");
        ChannelTap tap = tap();

        // A crashed process's member: its lease ran out long ago, in Redis's time.
        server.command("ZADD " + interest + " 1 0123456789abcdef0123456789abcdef:o");
        writer.put("k", BIG);
        server.command("ZADD " + interest + " 99999999999999 fedcba9876543210fedcba9876543210:o");
        // Recorded as redis-interest.lua records a member: with the shard's no-interest marker deleted, which the
        // put above set when it found only the lapsed member.
        server.command("DEL " + interest.replaceAll("interest$", "nointerest"));
        writer.put("k", BIG + 1);

        List<byte[]> messages = awaitMessages(tap, 2);
        assertThat(kind(messages.get(0))).as("only a lapsed interest").isEqualTo(VALUES_LEFT_OUT);
        assertThat(kind(messages.get(1))).as("a live interest in old values").isEqualTo(FULL);
        assertThat(messages.get(1).length).isGreaterThan(2 * BIG.length());
    }

    @Test
    void afterRedisRestartsTheInterestIsRecordedAgain() throws IOException {
        Cache<String, String> writer = process().createCache("lean", plain());
        process().createCache("lean", plain().addCacheEntryListenerConfiguration(listener(false)));

        server.restart(); // an empty data set: the interest is gone with it
        ChannelTap tap = tap();

        await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
            writer.put("k", BIG + heard.size());
            assertThat(tap.messages())
                    .as("some announcement carries a value again")
                    .anySatisfy(m -> assertThat(m.length).isGreaterThan(BIG.length()));
        });
        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).isNotEmpty());
    }

    @Test
    void aListenerRegisteredWhileRedisIsDownIsRegisteredAndItsInterestRecordedWhenRedisIsBack() {
        Cache<String, String> writer = process().createCache("lean", plain());
        Cache<String, String> listening = process().createCache("lean", plain());

        server.kill();
        listening.registerCacheEntryListener(listener(false)); // no exception: registered here
        assertThat(listening.getConfiguration(MutableConfiguration.class).getCacheEntryListenerConfigurations())
                .hasSize(1);
        server.restart();

        await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
            writer.put("k", "v" + heard.size());
            assertThat(heard)
                    .as("the interest was recorded once Redis was back, and values travel")
                    .isNotEmpty();
        });
    }

    /** Records each event as "TYPE key=length of value (was length of old value)". */
    private static final class Recorder
            implements CacheEntryCreatedListener<String, String>,
                    CacheEntryUpdatedListener<String, String>,
                    CacheEntryRemovedListener<String, String> {
        private final List<String> heard;

        Recorder(List<String> heard) {
            this.heard = heard;
        }

        private static String length(String value) {
            return value == null ? "null" : Integer.toString(value.length());
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.add("CREATED " + e.getKey() + "=" + length(e.getValue())));
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.add(
                    "UPDATED " + e.getKey() + "=" + length(e.getValue()) + " (was " + length(e.getOldValue()) + ")"));
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.add("REMOVED " + e.getKey() + " (was " + length(e.getOldValue()) + ")"));
        }
    }
}
