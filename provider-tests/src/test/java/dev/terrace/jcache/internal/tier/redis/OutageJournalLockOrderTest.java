package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.redis.DeadlockWatchdog;
import dev.terrace.jcache.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression for issue 13 item 1: Redis drops again while this process is undoing the changes its near tiers
 * took during an outage. The undo (on the coherence thread) drops a key's near copies under the key's stripe,
 * while a writer holding that stripe notes its own change in the outage journal. Neither may wait for the
 * other while holding what the other needs.
 */
class OutageJournalLockOrderTest {

    private final RedisServer server = RedisServer.start();
    private final RedisConnection connection =
            RedisConnection.open(RedisSettings.from(Map.of("terrace.l3.address", server.address())::get));
    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());

    @TempDir
    Path near;

    @AfterEach
    void stop() {
        connection.close();
        server.close();
    }

    @Test
    void undoingOutageChangesWhileAWriterDefersItsChangeDoesNotDeadlock() throws Exception {
        RedisTier<String> tier = new RedisTier<>(connection, "test", "lock-order", codec, Clock.systemUTC(), near);
        TieredStore<String> store =
                new TieredStore<>(List.of(new HeapTier<String>(1_000, Clock.systemUTC(), TierListener.none()), tier));
        CountDownLatch undoing = new CountDownLatch(1);
        tier.subscribe(new RedisTier.Invalidations<>() {
            @Override
            public void changed(String key) {
                undoing.countDown();
                store.invalidateNearCopies(key);
            }

            @Override
            public void unknown() {
                store.clearNearCopies();
            }
        });
        // A change taken locally during an earlier outage, to be undone at the next recovery.
        assertThat(tier.deferChange("k")).isTrue();

        CountDownLatch holdingStripe = new CountDownLatch(1);
        AtomicBoolean droppedAgain = new AtomicBoolean();
        AtomicReference<Object> written = new AtomicReference<>();
        Thread writer = new Thread(
                () -> {
                    TierEntry result = store.computeRetrying("k", current -> {
                        if (droppedAgain.compareAndSet(false, true)) {
                            holdingStripe.countDown();
                            try {
                                undoing.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            // Redis went away again in the middle of this change: the store notes it for the next
                            // recovery while this thread still holds the key's stripe, as a deferred change does.
                            assertThat(tier.deferChange("k")).isTrue();
                        }
                        return new TierEntry("during", TierEntry.ETERNAL);
                    });
                    written.set(result.value());
                },
                "writer");
        writer.setDaemon(true);
        writer.start();
        assertThat(holdingStripe.await(30, TimeUnit.SECONDS)).isTrue();

        // Redis is marked down and found back by the probe: the recovery undoes the journal's key.
        connection.health().markDown(new IllegalStateException("test: a flapping server"));

        DeadlockWatchdog.awaitWithoutDeadlock(
                Duration.ofSeconds(60), "the writer defers its change", () -> written.get() != null);
        assertThat(written.get()).isEqualTo("during");
        DeadlockWatchdog.awaitWithoutDeadlock(
                Duration.ofSeconds(60),
                "the recovery finishes",
                () -> !connection.health().isDown());
        assertThat(Files.exists(near.resolve("redis-outage.journal")))
                .as("the change noted during the undo stays noted, for the next recovery")
                .isTrue();
    }

    @Test
    void aJournalThatCannotBeWrittenRefusesTheDeferralInsteadOfThrowing() throws Exception {
        RedisTier<String> tier = new RedisTier<>(connection, "test", "unwritable", codec, Clock.systemUTC(), near);
        // A directory where the journal file should be: every write to it fails.
        Files.createDirectory(near.resolve("redis-outage.journal"));

        assertThat(tier.deferChange("k"))
                .as("the change is refused (and fails with a CacheException above), never an UncheckedIOException")
                .isFalse();
    }
}
