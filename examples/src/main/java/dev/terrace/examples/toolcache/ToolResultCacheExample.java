package dev.terrace.examples.toolcache;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tool-result cache example, one command from a fresh checkout:
 *
 * <pre>
 * mvn -q -pl examples -am package exec:java -DskipTests -Dexec.mainClass=dev.terrace.examples.toolcache.ToolResultCacheExample
 * </pre>
 *
 * <p>It makes a small project in a temporary directory, and runs {@link Scenario} on it with {@link
 * ToolResultCache}: {@code read_file} and {@code grep} results cached per namespace, invalidated by edits, kept
 * across a restart, and shared with a second JVM through Redis. For Redis it uses {@code TERRACE_REDIS_URL}
 * when set (a {@code redis://127.0.0.1:<port>} address; nothing but the loopback address is accepted), else
 * starts a {@code redis-server} from the {@code PATH} on a free loopback port and stops it at the end, else
 * skips the shared steps and says so. It exits with status 1 if a step did not go as expected.
 */
public final class ToolResultCacheExample {

    /** The environment variable naming a Redis server to use instead of starting one. */
    public static final String REDIS_URL_VARIABLE = "TERRACE_REDIS_URL";

    private static final Logger LOG = LoggerFactory.getLogger(ToolResultCacheExample.class);

    private ToolResultCacheExample() {}

    public static void main(String[] args) throws IOException {
        Path workDirectory = Files.createTempDirectory("terrace-tool-cache-");
        ScenarioReport report;
        try {
            report = run(workDirectory, System.getenv(REDIS_URL_VARIABLE));
        } finally {
            deleteTree(workDirectory);
        }
        System.out.printf(
                "%n%s: %d steps as expected%s%n",
                report.asExpected() ? "Done" : "FAILED",
                report.steps().stream().filter(ScenarioReport.Step::asExpected).count(),
                report.skipped().isEmpty() ? "" : ", skipped: " + report.skipped());
        if (!report.asExpected()) {
            System.exit(1);
        }
    }

    /**
     * Runs the scenario in {@code workDirectory} against {@code redisUrl} if given, else against a {@code
     * redis-server} it starts, else without Redis.
     */
    public static ScenarioReport run(Path workDirectory, String redisUrl) throws IOException {
        if (redisUrl != null && !redisUrl.isBlank()) {
            return new Scenario(workDirectory, loopbackOnly(redisUrl)).run();
        }
        Optional<Path> server = LocalRedis.findServer();
        if (server.isEmpty()) {
            LOG.warn(
                    "No redis-server on the PATH and no {}: the shared-tier steps will be skipped", REDIS_URL_VARIABLE);
            return new Scenario(workDirectory, null).run();
        }
        try (LocalRedis redis = LocalRedis.start(server.get(), workDirectory.resolve("redis"))) {
            return new Scenario(workDirectory, redis.address()).run();
        }
    }

    /** {@code url} if it names a Redis server on 127.0.0.1 (or localhost); the example talks to nothing else. */
    static String loopbackOnly(String url) {
        URI uri = URI.create(url.trim());
        if (!"redis".equals(uri.getScheme())
                || !("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()))
                || uri.getPort() < 1) {
            throw new IllegalArgumentException(REDIS_URL_VARIABLE + " is '" + url
                    + "'; allowed: redis://127.0.0.1:<port> (this example uses a local server only)");
        }
        return "redis://127.0.0.1:" + uri.getPort();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
