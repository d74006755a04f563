package dev.terrace.jcache.stale;

import dev.terrace.jcache.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the stale-read check: {@link StaleReadWorker} processes on {@code heap+disk+redis} against a Redis
 * server of their own, then {@link StaleReadChecker} over their histories. Used by {@code StaleReadTest} and,
 * for longer runs, by {@code benchmarks/}.
 */
public final class StaleReadRun {

    private StaleReadRun() {}

    /**
     * Runs {@code processes} workers for {@code millis} on {@code keys} keys, keeping their files under {@code
     * work}, and checks them with {@code boundMicros} as the propagation bound.
     *
     * @throws IllegalStateException when a worker fails
     */
    public static StaleReadChecker.Report run(Path work, int processes, long millis, int keys, long boundMicros)
            throws IOException, InterruptedException {
        try (RedisServer server = RedisServer.start()) {
            List<Process> workers = new ArrayList<>();
            List<Path> histories = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                Path history = work.resolve("history-" + i + ".txt");
                histories.add(history);
                workers.add(new ProcessBuilder(List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-cp",
                                System.getProperty("java.class.path"),
                                StaleReadWorker.class.getName(),
                                server.address(),
                                "heap+disk+redis",
                                work.resolve("disk-" + i).toString(),
                                Integer.toString(i),
                                Long.toString(millis),
                                Integer.toString(keys),
                                history.toString()))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start());
            }
            for (Process worker : workers) {
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
                    out.lines().forEach(line -> {});
                }
                if (!worker.waitFor(millis + 60_000, TimeUnit.MILLISECONDS) || worker.exitValue() != 0) {
                    worker.destroyForcibly();
                    throw new IllegalStateException("A stale-read worker failed or did not finish");
                }
            }
            return StaleReadChecker.check(histories, boundMicros);
        }
    }
}
