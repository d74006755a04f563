package dev.terrace.jcache.internal.tier.redis;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.DecidedPut;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.redis.RedisServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a process hears its own announcements on its subscription. One made in sequence in the epoch its
 * subscription knows tells it nothing but the sequence number to note, so it does not wake the coherence thread on
 * its own: it waits, in order, for the next announcement that does (another process's change, a clear, a new
 * epoch, a gap), the next poll, or a full queue. Nothing it carries is lost or reordered: another process's change
 * that follows is applied with no replay from the log, and an own write that started a new epoch still makes this
 * process drop its near copies.
 */
class OwnAnnouncementsTest {

    private static final String PREFIX = "terrace:{m/own}:";
    private static final int PUTS = 200;

    private final RedisServer server = RedisServer.start();
    private final RedisConnection writer = open();
    private final RedisConnection other = open();
    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    private final List<String> changed = new CopyOnWriteArrayList<>();
    private final AtomicInteger dropped = new AtomicInteger();

    private RedisConnection open() {
        return RedisConnection.open(RedisSettings.from(Map.of("terrace.l3.address", server.address())::get));
    }

    @AfterEach
    void stop() {
        other.close();
        writer.close();
        server.close();
    }

    private RedisTier<String> subscribedWriter() {
        RedisTier<String> tier = new RedisTier<>(writer, "m", "own", codec);
        tier.subscribe(new RedisTier.Invalidations<>() {
            @Override
            public void changed(String key) {
                changed.add(key);
            }

            @Override
            public void unknown() {
                dropped.incrementAndGet();
            }
        });
        return tier;
    }

    private static DecidedPut put(String value) {
        return new DecidedPut(value, System.currentTimeMillis(), TierEntry.ETERNAL, DecidedPut.KEEP, false);
    }

    @Test
    void ownAnnouncementsInSequenceWaitForTheNextThatNeedsTheCoherenceThread() throws Exception {
        RedisTier<String> tier = subscribedWriter();
        tier.putDecided("warm", put("w"));
        RedisTier<String> another = new RedisTier<>(other, "m", "own", codec);
        int droppedBefore = dropped.get();
        long tasksBefore = tier.coherenceTasks();
        Map<String, Long> before = commandStats(server);

        for (int i = 0; i < PUTS; i++) {
            tier.putDecided("k" + (i % 10), put("v" + i));
        }
        another.putDecided("theirs", put("t"));

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(changed)
                        .as("another process's change, announced after this process's own, is applied")
                        .contains("theirs"));
        assertThat(changed).as("a process ignores its own changes").containsOnly("theirs");
        assertThat(delta(before, commandStats(server), "xrange"))
                .as("the own announcements before it were applied first, in order: no gap replayed from the log")
                .isZero();
        assertThat(dropped.get()).as("no near copy dropped").isEqualTo(droppedBefore);
        assertThat(tier.coherenceTasks() - tasksBefore)
                .as(
                        "%d own announcements in sequence and one of another process's: the coherence thread is not"
                                + " woken once per own announcement",
                        PUTS)
                .isLessThan(PUTS / 8);
        another.close();
        tier.close();
    }

    @Test
    void anOwnWriteThatStartedANewEpochMakesThisProcessDropItsNearCopies() throws Exception {
        RedisTier<String> tier = subscribedWriter();
        for (int i = 0; i < 3; i++) {
            tier.putDecided("k", put("v" + i));
        }
        int droppedBefore = dropped.get();

        server.command("DEL " + PREFIX + "seq");
        tier.putDecided("k", put("after"));

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(dropped.get())
                        .as("this process heard its own write start a new epoch")
                        .isGreaterThan(droppedBefore));
        assertThat(tier.get("k").value()).isEqualTo("after");
        tier.close();
    }
}
