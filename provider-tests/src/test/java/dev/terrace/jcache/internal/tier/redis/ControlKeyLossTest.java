package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3: Redis loses Terrace's control keys (evicted under an {@code allkeys-*} policy, or deleted
 * by an operator). A write either applies completely or not at all, and reports the truth; a sequence that
 * went backwards is a new epoch, which makes every other process drop the near copies it cannot prove.
 */
class ControlKeyLossTest extends ControlKeyLossSetup {

    private static final String PREFIX = "terrace:{m/control}:";

    ControlKeyLossTest() {
        super("control");
    }

    @Test
    void aDeletedSequenceStartsANewEpochAndTheWriteIsAppliedAndReportedAsSuch() throws Exception {
        RedisTier<String> tier = tier(writer);
        for (int i = 0; i < 3; i++) {
            tier.put("k", new TierEntry("v" + i, TierEntry.ETERNAL));
        }
        subscribedReader();
        int droppedBefore = dropped.get();

        server.command("DEL " + PREFIX + "seq");
        tier.put("k", new TierEntry("after", TierEntry.ETERNAL));

        assertThat(tier.get("k").value()).isEqualTo("after");
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(dropped.get())
                        .as("the other process dropped its near copies")
                        .isGreaterThan(droppedBefore));
    }

    @Test
    void aSequenceThatWentBackwardsWithItsLogMakesOthersDropTheirNearCopies() throws Exception {
        RedisTier<String> tier = tier(writer);
        for (int i = 0; i < 5; i++) {
            tier.put("k", new TierEntry("v" + i, TierEntry.ETERNAL));
        }
        subscribedReader();
        int droppedBefore = dropped.get();

        // Sequence and log lost, the epoch kept: the sequence restarts lower in the same epoch.
        server.command("SET " + PREFIX + "seq 1");
        server.command("DEL " + PREFIX + "log");
        tier.put("k", new TierEntry("after", TierEntry.ETERNAL));

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(dropped.get())
                        .as("a sequence that went backwards is taken as a new epoch")
                        .isGreaterThan(droppedBefore));
    }

    @Test
    void evictionsMakeOtherProcessesDropTheirNearCopies() throws Exception {
        server.command("CONFIG SET maxmemory-policy allkeys-lru");
        server.command("CONFIG SET maxmemory 4mb");
        RedisTier<String> tier = tier(writer);
        tier.put("k", new TierEntry("v", TierEntry.ETERNAL));
        subscribedReader();
        int droppedBefore = dropped.get();

        String big = "x".repeat(64 * 1024);
        int i = 0;
        while (!server.command("INFO stats").matches("(?s).*evicted_keys:[1-9].*") && i < 1_000) {
            tier.put("big" + i++, new TierEntry(big, TierEntry.ETERNAL));
        }

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(dropped.get())
                        .as("an eviction, which no announcement reports, drops near copies")
                        .isGreaterThan(droppedBefore));
    }

    @Test
    void anEntryDeletedInRedisDropsNearCopiesWhereKeyspaceEventsArePublished() throws Exception {
        server.command("CONFIG SET notify-keyspace-events Kg");
        RedisTier<String> tier = tier(writer);
        java.util.List<String> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
        RedisTier<String> other = tier(reader);
        other.subscribe(new RedisTier.Invalidations<>() {
            @Override
            public void changed(String key) {
                changed.add(key);
            }

            @Override
            public void unknown() {}
        });
        tier.put("k", new TierEntry("v", TierEntry.ETERNAL));
        await().atMost(10, TimeUnit.SECONDS).until(() -> changed.contains("k"));
        changed.clear();

        server.command("EVAL \"for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end\" 0 "
                + PREFIX + "e:*");

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(changed)
                        .as("an entry deleted by hand in Redis drops the near copies of its key")
                        .contains("k"));
    }
}
