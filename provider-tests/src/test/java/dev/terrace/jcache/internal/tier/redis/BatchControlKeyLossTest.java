package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.tier.DecidedPut;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3 for batches ({@code redis-write-batch.lua}), whose control-key check is one {@code MGET} and the
 * log record tried first, as {@code redis-write.lua}'s: when Redis lost or damaged a shard's control keys (a
 * sequence deleted, gone backwards, not a number; a log that is no stream; an epoch deleted), a batch still makes
 * every change and reports it, and starts a new epoch (sequence 1, an empty log) that makes every other process
 * drop the near copies it cannot prove.
 */
class BatchControlKeyLossTest extends ControlKeyLossSetup {

    private static final String PREFIX = "terrace:{m/batch-control}:";

    BatchControlKeyLossTest() {
        super("batch-control");
    }

    private static Map<String, DecidedPut> puts(String prefix) {
        long now = System.currentTimeMillis();
        Map<String, DecidedPut> puts = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            puts.put("k" + i, new DecidedPut(prefix + i, now, TierEntry.ETERNAL, DecidedPut.KEEP, false));
        }
        return puts;
    }

    /**
     * Writes 5 sequence numbers' worth of changes, damages the control keys with {@code damage}, then puts a batch:
     * asserts the batch was applied, reported as found, and started a new epoch the other process heard of.
     */
    private void batchAfter(String... damage) throws IOException {
        RedisTier<String> tier = tier(writer);
        for (int i = 0; i < 5; i++) {
            tier.putAllDecided(puts("v" + i + "-"));
        }
        subscribedReader();
        int droppedBefore = dropped.get();
        String epochBefore = server.command("GET " + PREFIX + "epoch");

        for (String command : damage) {
            server.command(command);
        }
        Map<String, DecidedPut.Found> found = tier.putAllDecided(puts("after"));

        assertThat(found).as("each put found the entry the batches before left").hasSize(10);
        assertThat(tier.getAll(List.of("k0", "k9")))
                .containsEntry("k0", new TierEntry("after0", TierEntry.ETERNAL))
                .containsEntry("k9", new TierEntry("after9", TierEntry.ETERNAL));
        assertThat(server.command("GET " + PREFIX + "seq"))
                .as("the new epoch's first number")
                .isEqualTo("1");
        assertThat(server.command("GET " + PREFIX + "epoch")).isNotEqualTo(epochBefore);
        assertThat(server.command("TYPE " + PREFIX + "log")).isEqualTo("+stream");
        assertThat(server.command("XLEN " + PREFIX + "log"))
                .as("the new epoch's log: the batch's record")
                .isEqualTo(":1");
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(dropped.get())
                        .as("the other process dropped its near copies")
                        .isGreaterThan(droppedBefore));

        Map<String, DecidedPut.Found> removed = tier.removeAllDecided(List.of("k0", "k1", "absent"), 0);
        assertThat(removed).as("the next batch removes in the new epoch").containsOnlyKeys("k0", "k1");
        assertThat(server.command("GET " + PREFIX + "seq")).isEqualTo("2");
    }

    @Test
    void aBatchAfterTheSequenceWentBackwardsStartsANewEpoch() throws IOException {
        // The log's top is 5: the XADD of number 2 is refused, which is how the script sees it.
        batchAfter("SET " + PREFIX + "seq 1");
    }

    @Test
    void aBatchAfterTheSequenceWasDeletedStartsANewEpoch() throws IOException {
        batchAfter("DEL " + PREFIX + "seq");
    }

    @Test
    void aBatchAfterTheSequenceWasDamagedStartsANewEpoch() throws IOException {
        batchAfter("SET " + PREFIX + "seq 4.5");
    }

    @Test
    void aBatchOnALogThatIsNoStreamStartsANewEpoch() throws IOException {
        batchAfter("DEL " + PREFIX + "log", "SET " + PREFIX + "log damaged");
    }

    @Test
    void aBatchAfterTheEpochWasDeletedStartsANewEpoch() throws IOException {
        batchAfter("DEL " + PREFIX + "epoch");
    }
}
