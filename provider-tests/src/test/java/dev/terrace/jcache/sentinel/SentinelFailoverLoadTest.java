package dev.terrace.jcache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisSentinel;
import dev.terrace.jcache.stale.StaleReadChecker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover under load: three JVMs on {@code heap+disk+redis} through Sentinel read and write a shared key set
 * while the master is killed ({@code kill -9}) and the replica promoted, then, once the old master is back as
 * a replica, while a planned {@code SENTINEL FAILOVER} switches them again. After each switch every process
 * writes to the new master within 10 s of the promotion without a restart, and each kept answering reads from
 * its near tiers during the switch; after the load stops every process's view equals Redis's; no caller saw an
 * exception the JCache specification does not allow; and outside the switches no read returned a value older
 * than one acknowledged more than the bound before it began. The measurements go to {@code
 * target/sentinel-failover-report.txt}.
 */
class SentinelFailoverLoadTest {

    private static final int PROCESSES = 3;
    private static final int KEYS = 16;
    private static final long BOUND_MICROS = 1_000_000;
    private static final Duration RESUME_BOUND = Duration.ofSeconds(10);

    private final long started = System.currentTimeMillis();
    private final RedisSentinel sentinel = RedisSentinel.start();
    private final List<Worker> workers = new ArrayList<>();

    @TempDir
    Path work;

    @AfterEach
    void stop() throws Exception {
        for (Worker worker : workers) {
            worker.close();
        }
        sentinel.close();
    }

    private void progress(String what) {
        System.out.println(
                "SentinelFailoverLoadTest: " + what + " at " + (System.currentTimeMillis() - started) + " ms");
    }

    @Test
    void threeProcessesRideOutAKilledMasterAndAPlannedFailoverAndConverge() throws Exception {
        for (int i = 0; i < PROCESSES; i++) {
            workers.add(Worker.start(sentinel, work, i));
        }
        progress("deployment up");
        for (Worker worker : workers) {
            worker.awaitReady();
        }
        progress("processes ready");
        for (Worker worker : workers) {
            assertThat(worker.ask("go")).isEqualTo("going");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> allWroteToRedisAfter(0));
        progress("load running");

        Phase killed = switchMaster("kill -9 of the master", sentinel::killMaster);
        progress("first switch done");
        sentinel.rejoinAsReplica(killed.oldMaster, Duration.ofSeconds(60));
        progress("old master is a replica again");
        long steady = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> allWroteToRedisAfter(steady));
        Phase planned = switchMaster("SENTINEL FAILOVER", sentinel::failover);
        long lastSteady = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> allWroteToRedisAfter(lastSteady));

        progress("second switch done");
        Map<String, String> divergentAtFirstCheck = new HashMap<>();
        long converged;
        long firstCheck;
        try (CacheManager authority = authority()) {
            Cache<String, String> redis =
                    authority.createCache(SentinelLoadProcess.CACHE, new MutableConfiguration<>());
            for (Worker worker : workers) {
                assertThat(worker.ask("halt")).isEqualTo("halted");
            }
            long quiet = System.currentTimeMillis();
            divergentAtFirstCheck.putAll(divergent(redis));
            firstCheck = System.currentTimeMillis() - quiet;
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(divergent(redis))
                            .as("keys whose value in some process differs from Redis's after the load stopped")
                            .isEmpty());
            converged = System.currentTimeMillis() - quiet;
        }
        progress("converged");

        StringBuilder failures = new StringBuilder();
        long nonSpec = 0;
        for (Worker worker : workers) {
            failures.append(" process ")
                    .append(worker.number)
                    .append(": [")
                    .append(worker.ask("failures"))
                    .append(']');
            nonSpec += Long.parseLong(worker.ask("nonspec"));
        }
        List<Path> histories = workers.stream().map(w -> w.history).toList();
        SteadyStateCheck.Found steadyStale = SteadyStateCheck.stale(histories, List.of(killed, planned), BOUND_MICROS);
        long staleInSteadyState = steadyStale.count();
        StaleReadChecker.Report whole = StaleReadChecker.check(histories, BOUND_MICROS);
        String report = String.format(
                Locale.ROOT,
                "Sentinel failover under load (%d JVMs, heap+disk+redis, %d keys, 25%% writes, bound %d ms)%n"
                        + "%s%n%s%n"
                        + "after the load stopped: %d divergent keys at the first check of every process against Redis (done %d ms"
                        + " after the load stopped); none left %d ms after it stopped%n"
                        + "exceptions to callers by type:%s (non-spec: %d)%n"
                        + "stale reads beyond the bound outside the switches: %d %s%n"
                        + "switches (epoch micros): kill %d..%d, planned %d..%d (each plus the bound)%n"
                        + "whole run, switches included (lost and outage-undone writes count as stale): %s%n",
                PROCESSES,
                KEYS,
                BOUND_MICROS / 1000,
                killed,
                planned,
                divergentAtFirstCheck.size(),
                firstCheck,
                converged,
                failures,
                nonSpec,
                staleInSteadyState,
                steadyStale.examples(),
                killed.began() * 1000,
                killed.recovered() * 1000,
                planned.began() * 1000,
                planned.recovered() * 1000,
                whole);
        Files.writeString(Path.of("target", "sentinel-failover-report.txt"), report);
        for (Path history : histories) {
            Files.copy(
                    history,
                    Path.of("target", "sentinel-" + history.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println(report);

        assertThat(nonSpec)
                .as("exceptions the specification does not allow:%s", failures)
                .isZero();
        assertThat(staleInSteadyState)
                .as(
                        "reads outside the switches older than a write acknowledged %d ms before: %s",
                        BOUND_MICROS / 1000, report)
                .isZero();
        assertThat(whole.reads()).as("the workers read").isGreaterThan(300);
    }

    /** One switch of master: its action, when the promotion was seen, when every process wrote again. */
    record Phase(
            String what,
            int oldMaster,
            long began,
            long promoted,
            long recovered,
            long renewed,
            List<Long> resumedAfterPromotion,
            List<Long> hitsDuring) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s: promotion seen %d ms after it; epoch renewed %d ms after the promotion; writes reached Redis"
                            + " again %s ms after the promotion"
                            + " (per process); reads answered with a value during the switch %s (per process)",
                    what,
                    promoted - began,
                    renewed - promoted,
                    resumedAfterPromotion,
                    hitsDuring);
        }
    }

    interface Switch {
        int run() throws Exception;
    }

    private Phase switchMaster(String what, Switch action) throws Exception {
        String epochBefore = epoch();
        long began = System.currentTimeMillis();
        int old = action.run();
        int promoted = sentinel.awaitPromotion(old, Duration.ofSeconds(30));
        long promotedAt = System.currentTimeMillis();
        assertThat(promoted).isNotEqualTo(old);
        await().atMost(RESUME_BOUND)
                .pollInterval(Duration.ofMillis(50))
                .alias("every process writes to the new master within 10 s of the promotion (" + what + ")")
                .until(() -> allWroteToRedisAfter(promotedAt));
        // Recovery includes the epoch renewal, after which every process drops what it cannot prove (within a
        // poll, which the bound covers).
        await().atMost(RESUME_BOUND)
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .alias("the cache's epoch is renewed after the promotion (" + what + ")")
                .until(() -> !epochBefore.equals(epoch()));
        long renewed = System.currentTimeMillis();
        List<Long> resumed = new ArrayList<>();
        List<Long> hits = new ArrayList<>();
        long recovered = renewed;
        for (Worker worker : workers) {
            long first = Long.parseLong(worker.ask("first-redis-write-after " + promotedAt));
            resumed.add(first - promotedAt);
            recovered = Math.max(recovered, first);
        }
        for (Worker worker : workers) {
            long count = Long.parseLong(worker.ask("hits-between " + began + " " + recovered));
            hits.add(count);
            assertThat(count)
                    .as("process %d answered reads from its near tiers during the switch (%s)", worker.number, what)
                    .isPositive();
        }
        return new Phase(what, old, began, promotedAt, recovered, renewed, resumed, hits);
    }

    private boolean allWroteToRedisAfter(long millis) throws IOException {
        for (Worker worker : workers) {
            if (Long.parseLong(worker.ask("first-redis-write-after " + millis)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The shared cache's epoch (the only cache of this test), as the current master holds it. */
    private String epoch() throws IOException {
        int master = sentinel.masterPort();
        List<?> keys = (List<?>) RedisSentinel.command(master, "KEYS", "terrace:*}:epoch");
        return keys.isEmpty() ? "none" : String.valueOf(RedisSentinel.command(master, "GET", (String) keys.get(0)));
    }

    /** Keys for which some process reads another value than Redis holds, with what each saw. */
    private Map<String, String> divergent(Cache<String, String> redis) throws IOException {
        Map<String, String> divergent = new HashMap<>();
        for (Worker worker : workers) {
            for (String pair : worker.ask("dump").split(" ")) {
                String[] parts = pair.split("=", 2);
                String truth = redis.get(parts[0]);
                String seen = parts[1].equals("-") ? null : parts[1];
                if (!java.util.Objects.equals(truth, seen)) {
                    divergent.merge(
                            parts[0],
                            "process " + worker.number + " " + seen + " vs Redis " + truth,
                            (a, b) -> a + "; " + b);
                }
            }
        }
        return divergent;
    }

    /** A manager with no near tiers: it reads what Redis holds. */
    private CacheManager authority() {
        Properties settings = SentinelModeTest.settings(sentinel.nodes(), work.toString());
        settings.setProperty("terrace.stack", "redis");
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(SentinelLoadProcess.MANAGER, getClass().getClassLoader(), settings);
    }

    /** A {@link SentinelLoadProcess} JVM. */
    private static final class Worker implements AutoCloseable {
        final int number;
        final Path history;
        private final Process process;
        private final PrintStream in;
        private final BufferedReader out;

        private Worker(int number, Path history, Process process) {
            this.number = number;
            this.history = history;
            this.process = process;
            this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Worker start(RedisSentinel sentinel, Path work, int number) throws IOException {
            Path disk = Files.createDirectories(work.resolve("disk-" + number));
            Path history = work.resolve("history-" + number + ".txt");
            Process process = new ProcessBuilder(
                            ProcessHandle.current().info().command().orElse("java"),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-Xmx256m",
                            SentinelLoadProcess.class.getName(),
                            sentinel.nodes(),
                            disk.toString(),
                            Integer.toString(number),
                            Integer.toString(KEYS),
                            history.toString())
                    .redirectError(Path.of("target", "sentinel-process-" + number + ".log")
                            .toFile())
                    .start();
            return new Worker(number, history, process);
        }

        void awaitReady() throws IOException {
            assertThat(out.readLine()).as("process %d started", number).isEqualTo("ready");
        }

        synchronized String ask(String command) throws IOException {
            in.println(command);
            String answer = out.readLine();
            if (answer == null) {
                throw new IOException("process " + number + " ended");
            }
            return answer;
        }

        @Override
        public void close() throws InterruptedException {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
