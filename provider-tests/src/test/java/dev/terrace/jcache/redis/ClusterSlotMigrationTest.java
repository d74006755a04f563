package dev.terrace.jcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 and 13, slots moved under load: three managers read and change hot keys spread over a three-master
 * Cluster while the slots of three of the cache's shards move from one master to another, one key at a time with
 * load in between ({@code CLUSTER SETSLOT … IMPORTING/MIGRATING}, {@code MIGRATE}, {@code SETSLOT … NODE}), so
 * that clients meet {@code ASK} (and scripts whose keys are split between the two masters meet {@code TRYAGAIN})
 * while it lasts and {@code MOVED} after. Callers see values or {@code CacheException}s, never anything else;
 * after the load stops every manager serves the Cluster's value for every key within seconds, and no Java-level
 * deadlock forms. The figures go to {@code target/cluster-migration-report.txt}.
 */
class ClusterSlotMigrationTest {

    private static final int MANAGERS = 3;
    private static final int KEYS = 48;
    private static final int SHARDS_MOVED = 3;

    @TempDir
    Path work;

    @Test
    void shardsMovedToAnotherMasterUnderLoadLeaveNoStaleNearCopyAndOnlyCacheExceptions() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3);
                ClusterLoad load = new ClusterLoad(cluster, work, MANAGERS, KEYS)) {
            load.start();
            load.progress(300);
            int from = cluster.masters().get(0).port();
            int to = cluster.masters().get(1).port();
            List<Integer> slots = new ArrayList<>();
            for (String epoch : ClusterFailoverTest.epochs(from).keySet()) {
                slots.add(cluster.slotOf(epoch));
            }
            assertThat(slots).as("shards of the cache on the first master").hasSizeGreaterThanOrEqualTo(SHARDS_MOVED);
            int shardsOnTarget = ClusterFailoverTest.epochs(to).size();
            long began = System.nanoTime();
            int moved = 0;
            for (int slot : slots.subList(0, SHARDS_MOVED)) {
                moved += cluster.migrateSlot(slot, to, 1, () -> load.progress(20));
            }
            long migrated = System.nanoTime();
            Map<String, String> epochsMoved = ClusterFailoverTest.epochs(to);
            load.progressWrites(300);
            load.stop();
            DeadlockWatchdog.assertNoDeadlock();

            int divergentAtStop = load.divergent();
            long convergence = load.awaitConvergence(Duration.ofSeconds(5));
            String report = String.format(
                    Locale.ROOT,
                    "Slot migration under load (3 masters, %d managers, %d keys)%n"
                            + "%d shards (%d keys) moved one key at a time in %d ms; operations %d; exceptions to"
                            + " callers %s (non-spec %d)%n"
                            + "after the load stopped: %d divergent keys at the first check, none after %d ms%n"
                            + "last message of each exception type: %s%n",
                    MANAGERS,
                    KEYS,
                    SHARDS_MOVED,
                    moved,
                    (migrated - began) / 1_000_000,
                    load.operations(),
                    load.exceptions(),
                    load.nonSpec(),
                    divergentAtStop,
                    convergence,
                    load.lastMessages());
            Files.writeString(Path.of("target", "cluster-migration-report.txt"), report);
            System.out.println(report);

            assertThat(epochsMoved)
                    .as("the moved shards' control keys are on the target master now")
                    .hasSize(shardsOnTarget + SHARDS_MOVED);
            assertThat(load.nonSpec())
                    .as("exceptions other than CacheException reaching callers (first: %s)", load.firstNonSpec())
                    .isZero();
            assertThat(convergence)
                    .as("every manager serves the Cluster's value for every key within 5 s: %s", report)
                    .isNotNegative();
        }
    }
}
