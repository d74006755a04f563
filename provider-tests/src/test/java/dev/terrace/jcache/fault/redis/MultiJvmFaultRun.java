package dev.terrace.jcache.fault.redis;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.DeadlockWatchdog;
import dev.terrace.jcache.redis.RedisCluster;
import dev.terrace.jcache.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Redis faults under load from several JVMs, judged by a history checker. {@code jvms} {@link FaultWorker}s
 * (alternately {@code heap+disk+redis} and {@code heap+redis}, each with a Java-level deadlock watchdog) read
 * and change a few hot keys of one cache against a real {@code redis-server} (AOF on, {@code appendfsync
 * always}, so a server killed and restarted with its files has every acknowledged write), or, for {@link
 * Fault#CLUSTER_FAILOVER}, JVMs of their own in Cluster mode against a Cluster of three masters with a replica
 * each ({@code RedisCluster.withReplicas(3)}) started for that fault. For each fault in turn the run lets the
 * load go, injects the fault, waits until every JVM was seen writing to Redis again (recovered without a restart,
 * or not within 30 s; 60 s after a Cluster failover), lets the load go on, stops it, and gives the JVMs {@code
 * quiet} to serve Redis's value for every key. Then {@link FaultHistoryChecker} judges each fault's histories.
 * Used by {@code MultiJvmFaultSuiteTest} (short, in the build) and {@code RedisFaultTrials} (long).
 */
public final class MultiJvmFaultRun {

    /** The faults injected. */
    public enum Fault {
        /** {@code kill -9} of the server, restarted without its data. */
        KILL_WITHOUT_AOF,
        /** {@code kill -9} of the server, restarted from its AOF. */
        KILL_WITH_AOF,
        /** Three restarts in a row, each without the data, a little load between them (flapping). */
        RESTART_LOOP,
        /** {@code DEBUG SLEEP 3}: the server stalls for 3 s, six times the client timeout. */
        DEBUG_SLEEP,
        /** {@code CLIENT KILL} of every connection, pub/sub included. */
        CLIENT_KILL,
        /** {@code FLUSHALL}. */
        FLUSHALL,
        /** {@code maxmemory} 1 byte under {@code noeviction}: every change is refused for a while. */
        MAXMEMORY_NOEVICTION,
        /** {@code maxmemory} 1 byte under {@code allkeys-lru}: every key, control keys included, is evicted. */
        MAXMEMORY_ALLKEYS_LRU,
        /** Every cache's sequence and log deleted. */
        CONTROL_KEYS_DELETED,
        /** Every entry key deleted ({@code DEL}) behind Terrace's back. */
        ENTRY_KEYS_DELETED,
        /** One JVM stopped ({@code SIGSTOP}) for 3 s while the others write, then continued. */
        PROCESS_PAUSED,
        /**
         * On a Cluster of three masters with a replica each, of its own, and JVMs of its own in Cluster mode: a
         * master cut off from its replica, then killed ({@code kill -9}) and replaced by the replica, which lacks
         * the changes the master acknowledged after the cut-off ({@link ClusterFailover}).
         */
        CLUSTER_FAILOVER
    }

    /** What one fault's round saw. */
    public record Result(
            Fault fault,
            FaultHistoryChecker.Report history,
            int divergentKeys,
            long convergeMillis,
            int deadlocks,
            int recoveries,
            int recoveriesMissed,
            long slowestRecoveryMillis,
            long lostAcknowledged) {

        /** {@link #lostAcknowledged()} of a fault that kills no Cluster master. */
        public static final long NOT_A_FAILOVER = -1;

        /**
         * Whether the round met every goal. Changes a killed Cluster master acknowledged and its replica lacked
         * ({@link #lostAcknowledged()}) are lost by design (asynchronous replication) and break none.
         */
        public boolean clean() {
            return history.clean() && divergentKeys == 0 && deadlocks == 0 && recoveriesMissed == 0;
        }
    }

    private static final Duration RECOVERY = Duration.ofSeconds(30);
    /**
     * How much longer a JVM may take to write to Redis again after a Cluster failover: a key lock whose release
     * the promoted replica lacks refuses changes of its key ("stayed locked", 10 s each) until its lease runs out
     * (Redisson's 30 s), the documented limit of a failover (operations.md), and a JVM whose load keeps touching
     * that key writes little meanwhile.
     */
    private static final Duration LOCK_LEASE = Duration.ofSeconds(30);

    private static final Duration PAUSE = Duration.ofSeconds(3);

    private final Path work;
    private final int jvms;
    private final int keys;
    private final long operationsPerPhase;
    private final Duration quiet;
    private final long boundMicros;

    /**
     * @param operationsPerPhase operations (all JVMs together) before each fault, and again after its recovery
     * @param quiet how long after the load stops every JVM must serve Redis's value for every key
     * @param bound the propagation bound: a read may miss a change acknowledged at most this long before it
     */
    public MultiJvmFaultRun(Path work, int jvms, int keys, long operationsPerPhase, Duration quiet, Duration bound) {
        this.work = work;
        this.jvms = jvms;
        this.keys = keys;
        this.operationsPerPhase = operationsPerPhase;
        this.quiet = quiet;
        this.boundMicros = bound.toNanos() / 1_000;
    }

    /**
     * Runs {@code faults}: those against one server in this order, against one server and one set of JVMs; then
     * each {@link Fault#CLUSTER_FAILOVER} on a Cluster and JVMs of its own.
     */
    public List<Result> run(List<Fault> faults) throws Exception {
        List<Result> results = new ArrayList<>();
        List<Fault> single =
                faults.stream().filter(fault -> fault != Fault.CLUSTER_FAILOVER).toList();
        if (!single.isEmpty()) {
            try (RedisServer server = RedisServer.start(
                    "--appendonly", "yes", "--appendfsync", "always", "--enable-debug-command", "yes")) {
                Target target = new Target(server, dataDirectory(server), null);
                results.addAll(withWorkers(server.address(), work, target, single));
            }
        }
        int failovers = 0;
        for (Fault fault : faults) {
            if (fault == Fault.CLUSTER_FAILOVER) {
                try (RedisCluster cluster = RedisCluster.withReplicas(3)) {
                    Path directory = Files.createDirectories(work.resolve("cluster-" + failovers++));
                    results.addAll(withWorkers(
                            FaultWorker.CLUSTER + cluster.nodes(),
                            directory,
                            new Target(null, null, cluster),
                            List.of(fault)));
                }
            }
        }
        return results;
    }

    /** Where the faults act: one server and its data directory, or a Cluster. */
    private record Target(RedisServer server, Path dataDirectory, RedisCluster cluster) {}

    /** Starts the JVMs against {@code address}, keeping their files under {@code directory}, and runs the rounds. */
    private List<Result> withWorkers(String address, Path directory, Target target, List<Fault> faults)
            throws Exception {
        List<Result> results = new ArrayList<>();
        List<WorkerProcess> workers = new ArrayList<>();
        CacheManager authorityManager = authority(address);
        try {
            Cache<String, String> authority =
                    authorityManager.createCache(FaultWorker.CACHE, new MutableConfiguration<>());
            for (int i = 0; i < jvms; i++) {
                workers.add(WorkerProcess.start(
                        i, i % 2 == 0 ? "heap+disk+redis" : "heap+redis", address, directory, keys));
            }
            for (WorkerProcess worker : workers) {
                worker.await("ready", 180);
            }
            for (Fault fault : faults) {
                results.add(new Round(fault, target, workers, authority).run());
                if (results.get(results.size() - 1).deadlocks() > 0) {
                    break; // a JVM that deadlocked is gone: the other faults cannot run
                }
            }
        } finally {
            for (WorkerProcess worker : workers) {
                worker.quit();
                worker.close();
            }
            try {
                authorityManager.close();
            } catch (RuntimeException e) {
                // the server goes next
            }
        }
        return results;
    }

    /** Where the server keeps its files: the last line of {@code CONFIG GET dir}'s reply. */
    private static Path dataDirectory(RedisServer server) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("CONFIG GET dir\r\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader reply =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = null;
            for (int i = 0; i < 5; i++) {
                line = reply.readLine();
            }
            return Path.of(line);
        }
    }

    /** A manager without near tiers: what it reads is Redis's value. */
    private static CacheManager authority(String address) {
        ClassLoader loader = new URLClassLoader(new URL[0], MultiJvmFaultRun.class.getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(
                        FaultWorker.MANAGER, loader, FaultWorker.settings(address, "redis", Path.of("unused")));
    }

    /** One fault: load, fault, recovery, load, quiet, check. */
    private final class Round {
        private final Fault fault;
        private final Target target;
        private final List<WorkerProcess> workers;
        private final Cache<String, String> authority;
        private final List<FaultHistoryChecker.Segment> segments = new ArrayList<>();
        private long slowestRecovery;
        private int recoveries;
        private int missed;
        private long lostAcknowledged = Result.NOT_A_FAILOVER;

        Round(Fault fault, Target target, List<WorkerProcess> workers, Cache<String, String> authority) {
            this.fault = fault;
            this.target = target;
            this.workers = workers;
            this.authority = authority;
        }

        Result run() throws Exception {
            try {
                return load();
            } catch (RuntimeException e) {
                int deadlocks =
                        (int) workers.stream().filter(w -> w.deadlock() != null).count();
                if (deadlocks == 0) {
                    throw e;
                }
                return new Result(
                        fault,
                        FaultHistoryChecker.Report.none(),
                        -1,
                        -1,
                        deadlocks,
                        recoveries,
                        missed,
                        -1,
                        lostAcknowledged);
            }
        }

        private Result load() throws Exception {
            long began = FaultWorker.micros();
            for (WorkerProcess worker : workers) {
                worker.send("start");
            }
            progress(workers, operationsPerPhase, Duration.ZERO);
            long injected = FaultWorker.micros();
            segments.add(new FaultHistoryChecker.Segment(began, injected));
            Map<Integer, Long> writtenBefore = new HashMap<>();
            inject(writtenBefore);
            long steady = awaitRecovery(writtenBefore);
            // Long enough after recovery that reads can be judged against changes acknowledged a bound before.
            progress(workers, operationsPerPhase, Duration.ofNanos(boundMicros * 2_000 + 1_000_000_000L));
            for (WorkerProcess worker : workers) {
                worker.send("stop");
            }
            for (WorkerProcess worker : workers) {
                worker.await("stopped", 120);
            }
            long stopped = FaultWorker.micros();
            segments.add(new FaultHistoryChecker.Segment(steady, stopped));
            long quietStart = System.nanoTime();
            int divergent;
            Map<String, String> truth = new HashMap<>();
            try {
                DeadlockWatchdog.awaitWithoutDeadlock(
                        quiet, "every JVM serves Redis's value", () -> divergent(truth) == 0);
                divergent = 0;
            } catch (ConditionTimeoutException e) {
                divergent = divergent(truth);
            }
            long convergeMillis = (System.nanoTime() - quietStart) / 1_000_000;
            List<FaultHistoryChecker.Op> ops = new ArrayList<>();
            List<FaultHistoryChecker.Op> everything = FaultHistoryChecker.read(histories());
            for (FaultHistoryChecker.Op op : everything) {
                if (op.began() >= began && op.ended() <= stopped) {
                    ops.add(op);
                }
            }
            int deadlocks =
                    (int) workers.stream().filter(w -> w.deadlock() != null).count();
            return new Result(
                    fault,
                    FaultHistoryChecker.check(ops, everything, segments, boundMicros, truth),
                    divergent,
                    convergeMillis,
                    deadlocks,
                    recoveries,
                    missed,
                    slowestRecovery,
                    lostAcknowledged);
        }

        private List<Path> histories() {
            return workers.stream()
                    .sorted(Comparator.comparingInt(w -> w.index))
                    .map(w -> w.history)
                    .toList();
        }

        private void inject(Map<Integer, Long> writtenBefore) throws Exception {
            RedisServer server = target.server();
            switch (fault) {
                case KILL_WITHOUT_AOF -> {
                    server.kill();
                    wipeData();
                    progress(workers, operationsPerPhase / 4, Duration.ZERO);
                    server.restart();
                }
                case KILL_WITH_AOF -> {
                    server.kill();
                    progress(workers, operationsPerPhase / 4, Duration.ZERO);
                    server.restart();
                }
                case RESTART_LOOP -> {
                    for (int i = 0; i < 3; i++) {
                        server.kill();
                        wipeData();
                        server.restart();
                        progress(workers, operationsPerPhase / 8, Duration.ZERO);
                    }
                }
                case DEBUG_SLEEP -> server.command("DEBUG SLEEP 3");
                case CLIENT_KILL -> {
                    server.command("CLIENT KILL TYPE normal");
                    server.command("CLIENT KILL TYPE pubsub");
                }
                case FLUSHALL -> server.command("FLUSHALL");
                case MAXMEMORY_NOEVICTION, MAXMEMORY_ALLKEYS_LRU -> {
                    String policy = fault == Fault.MAXMEMORY_NOEVICTION ? "noeviction" : "allkeys-lru";
                    server.command("CONFIG SET maxmemory-policy " + policy);
                    server.command("CONFIG SET maxmemory 1");
                    progress(workers, operationsPerPhase / 4, Duration.ZERO);
                    server.command("CONFIG SET maxmemory 0");
                    server.command("CONFIG SET maxmemory-policy noeviction");
                }
                case CONTROL_KEYS_DELETED ->
                    server.command("EVAL \"for _, k in ipairs(redis.call('KEYS', '*:seq')) do redis.call('DEL', k)"
                            + " end for _, k in ipairs(redis.call('KEYS', '*:log')) do redis.call('DEL', k) end\" 0");
                case ENTRY_KEYS_DELETED ->
                    server.command("EVAL \"for _, k in ipairs(redis.call('KEYS', '*}:e:*')) do redis.call('DEL', k)"
                            + " end\" 0");
                case PROCESS_PAUSED -> {
                    WorkerProcess paused = workers.get(0);
                    paused.signal("STOP");
                    try {
                        progress(workers.subList(1, workers.size()), operationsPerPhase / 4, PAUSE);
                    } finally {
                        paused.signal("CONT");
                    }
                }
                case CLUSTER_FAILOVER ->
                    lostAcknowledged = ClusterFailover.inject(
                            target.cluster(), () -> progress(workers, operationsPerPhase / 4, Duration.ZERO));
            }
            for (WorkerProcess worker : workers) {
                writtenBefore.put(worker.index, worker.lastWritten());
            }
        }

        /** Deletes what the server keeps on disk (it is down), so it restarts empty: a crash without AOF. */
        private void wipeData() throws IOException {
            Path dataDirectory = target.dataDirectory();
            try (var files = Files.walk(dataDirectory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    if (!path.equals(dataDirectory)
                            && !path.getFileName().toString().endsWith(".log")) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }

        /**
         * Waits until Redis holds, for every JVM, a value it wrote after the fault ended (it recovered without
         * a restart); returns when the last one did.
         */
        private long awaitRecovery(Map<Integer, Long> writtenBefore) {
            long faultEnded = System.nanoTime();
            Map<Integer, Long> recovered = new HashMap<>();
            BooleanSupplier allRecovered = () -> {
                for (int k = 0; k < keys; k++) {
                    String value;
                    try {
                        value = authority.get("k" + k);
                    } catch (RuntimeException e) {
                        return false;
                    }
                    if (value != null) {
                        int colon = value.indexOf(':');
                        int writer = Integer.parseInt(value.substring(1, colon));
                        long number = Long.parseLong(value.substring(colon + 1));
                        if (number > writtenBefore.getOrDefault(writer, Long.MAX_VALUE)) {
                            recovered.putIfAbsent(writer, (System.nanoTime() - faultEnded) / 1_000_000);
                        }
                    }
                }
                return recovered.size() == workers.size();
            };
            try {
                DeadlockWatchdog.awaitWithoutDeadlock(
                        fault == Fault.CLUSTER_FAILOVER ? RECOVERY.plus(LOCK_LEASE) : RECOVERY,
                        "every JVM writes to Redis again",
                        allRecovered);
            } catch (ConditionTimeoutException e) {
                // counted below
            }
            recoveries += recovered.size();
            missed += workers.size() - recovered.size();
            slowestRecovery =
                    recovered.values().stream().mapToLong(Long::longValue).max().orElse(-1);
            return FaultWorker.micros();
        }

        /** How many keys some JVM serves differently from Redis; {@code truth} gets Redis's values. */
        private int divergent(Map<String, String> truth) {
            truth.clear();
            for (int k = 0; k < keys; k++) {
                try {
                    truth.put("k" + k, authority.get("k" + k));
                } catch (RuntimeException e) {
                    return keys;
                }
            }
            int divergent = 0;
            List<Map<String, String>> views = new ArrayList<>();
            try {
                for (WorkerProcess worker : workers) {
                    views.add(worker.view());
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            for (Map.Entry<String, String> key : truth.entrySet()) {
                for (Map<String, String> view : views) {
                    if (!Objects.equals(key.getValue(), view.get(key.getKey()))) {
                        divergent++;
                        break;
                    }
                }
            }
            return divergent;
        }
    }

    /**
     * Waits until {@code some} JVMs did {@code more} operations between them and at least {@code atLeast} passed,
     * failing on a deadlock in this JVM or a report of one from a worker.
     */
    private static void progress(List<WorkerProcess> some, long more, Duration atLeast) {
        long target = some.stream().mapToLong(WorkerProcess::operations).sum() + more;
        long notBefore = System.nanoTime() + atLeast.toNanos();
        DeadlockWatchdog.awaitWithoutDeadlock(Duration.ofSeconds(180), "the load makes progress", () -> {
            for (WorkerProcess worker : some) {
                if (worker.deadlock() != null) {
                    throw new IllegalStateException("Worker " + worker.index + ": " + worker.deadlock());
                }
            }
            return System.nanoTime() >= notBefore
                    && some.stream().mapToLong(WorkerProcess::operations).sum() >= target;
        });
    }
}
