package dev.terrace.jcache.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier across processes: what one process wrote is read by the next, whether the first exited
 * normally or was killed with {@code kill -9} while writing, and a store in use is refused to a second
 * process with an error naming it.
 */
class CrashRecoveryTest {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryTest.class);
    private static final int KILLS = Integer.getInteger("terrace.crash.kills", 50);
    private static final int CONCURRENT_KILLS = Integer.getInteger("terrace.crash.concurrent-kills", 10);
    private static final int WRITERS = 4;

    @TempDir
    Path root;

    @Test
    void entriesWrittenByOneProcessAreReadByTheNext() throws Exception {
        Process writer = start("write", "0", "5000");
        assertThat(readLine(writer)).isEqualTo("done");
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).isZero();

        try (CacheManager manager = open(settings())) {
            Cache<String, String> cache = cacheOf(manager);
            for (long n = 0; n < 5000; n++) {
                assertThat(cache.get(StoreProcess.key(n)))
                        .as("entry %d after a normal restart", n)
                        .isEqualTo(StoreProcess.value(n));
            }
        }
    }

    @Test
    void acknowledgedWritesSurviveKillNineAndNothingGarbledIsEverServed() throws Exception {
        Random random = new Random(107);
        int complete = 0;
        int lostSome = 0;
        int startedEmpty = 0;
        long garbage = 0;
        long lostWrites = 0;
        long acknowledged = -1;
        for (int round = 0; round < KILLS; round++) {
            Process writer = start("loop", Long.toString(acknowledged + 1));
            int acksBeforeKill = 50 + random.nextInt(2_000);
            long lastAck = acknowledged;
            try (BufferedReader out = reader(writer)) {
                for (int i = 0; i < acksBeforeKill; i++) {
                    String line = out.readLine();
                    assertThat(line).as("writer output in round %d", round).startsWith("ack ");
                    lastAck = Long.parseLong(line.substring(4));
                }
                // SIGKILL through the handle, which leaves our end of its output readable.
                writer.toHandle().destroyForcibly();
                // Acknowledgements already printed before the kill count too.
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ack ")) {
                        lastAck = Long.parseLong(line.substring(4));
                    }
                }
            }
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            acknowledged = lastAck;

            try (CacheManager manager = open(settings())) {
                Cache<String, String> cache = cacheOf(manager);
                long missing = 0;
                for (long n = 0; n <= acknowledged; n++) {
                    String value = cache.get(StoreProcess.key(n));
                    if (value == null) {
                        missing++;
                    } else if (!value.equals(StoreProcess.value(n))) {
                        garbage++;
                    }
                }
                String latest = cache.get("latest");
                if (latest != null && Long.parseLong(latest) < acknowledged) {
                    missing++;
                }
                for (Cache.Entry<String, String> entry : cache) {
                    String key = entry.getKey();
                    if (key.startsWith("key-")
                            && !entry.getValue().equals(StoreProcess.value(Long.parseLong(key.substring(4))))) {
                        garbage++;
                    }
                }
                if (missing == 0) {
                    complete++;
                } else if (missing > acknowledged) {
                    startedEmpty++;
                } else {
                    lostSome++;
                }
                lostWrites += missing;
            }
        }
        String report = String.format(
                "kill -9 rounds: %d; reopened with every acknowledged write: %d; lost some: %d (%d writes);"
                        + " started empty: %d; garbled values served: %d; acknowledged writes checked: %d",
                KILLS, complete, lostSome, lostWrites, startedEmpty, garbage, acknowledged + 1);
        LOG.warn(report);
        Files.writeString(Path.of("target", "crash-recovery-report.txt"), report + System.lineSeparator());

        assertThat(garbage).as("garbled values served").isZero();
        assertThat(complete).as(report).isEqualTo(KILLS);
    }

    /**
     * The same guarantee for concurrent writers, whose journal appends are coalesced (group commit): a put
     * that returned had its own record written, whichever thread wrote it.
     */
    @Test
    void acknowledgedWritesOfConcurrentWritersSurviveKillNine() throws Exception {
        Random random = new Random(15);
        Set<Long> acknowledged = new HashSet<>();
        long next = 0;
        int complete = 0;
        long garbage = 0;
        long lost = 0;
        for (int round = 0; round < CONCURRENT_KILLS; round++) {
            Process writer = start("loop-threads", Long.toString(next), Integer.toString(WRITERS));
            int acksBeforeKill = 200 + random.nextInt(2_000);
            try (BufferedReader out = reader(writer)) {
                for (int i = 0; i < acksBeforeKill; i++) {
                    String line = out.readLine();
                    assertThat(line).as("writer output in round %d", round).startsWith("ack ");
                    acknowledged.add(Long.parseLong(line.substring(4)));
                }
                writer.toHandle().destroyForcibly();
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ack ")) {
                        acknowledged.add(Long.parseLong(line.substring(4)));
                    }
                }
            }
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            next = Collections.max(acknowledged) + WRITERS + 1;

            try (CacheManager manager = open(settings())) {
                Cache<String, String> cache = cacheOf(manager);
                long missing = 0;
                for (long n : acknowledged) {
                    String value = cache.get(StoreProcess.key(n));
                    if (value == null) {
                        missing++;
                    } else if (!value.equals(StoreProcess.value(n))) {
                        garbage++;
                    }
                }
                for (Cache.Entry<String, String> entry : cache) {
                    String key = entry.getKey();
                    if (!entry.getValue().equals(StoreProcess.value(Long.parseLong(key.substring(4))))) {
                        garbage++;
                    }
                }
                if (missing == 0) {
                    complete++;
                }
                lost += missing;
            }
        }
        String report = String.format(
                "kill -9 rounds with %d concurrent writers: %d; reopened with every acknowledged write: %d;"
                        + " acknowledged writes lost: %d; garbled values served: %d; acknowledged writes checked: %d",
                WRITERS, CONCURRENT_KILLS, complete, lost, garbage, acknowledged.size());
        LOG.warn(report);
        Files.writeString(Path.of("target", "crash-recovery-concurrent-report.txt"), report + System.lineSeparator());

        assertThat(garbage).as("garbled values served").isZero();
        assertThat(complete).as(report).isEqualTo(CONCURRENT_KILLS);
    }

    @Test
    void aStoreInUseIsRefusedToAnotherProcessWithItsPath() throws Exception {
        Process holder = start("hold");
        try {
            assertThat(readLine(holder)).isEqualTo("ready");

            try (CacheManager manager = open(settings())) {
                assertThatThrownBy(() -> cacheOf(manager))
                        .isInstanceOf(CacheException.class)
                        .hasMessageContaining(root.toAbsolutePath().toString())
                        .hasMessageContaining("in use by another process");
            }

            Properties perProcess = settings();
            perProcess.setProperty("terrace.l2.per-process-path", "true");
            try (CacheManager manager = open(perProcess)) {
                Cache<String, String> cache = cacheOf(manager);
                cache.put("mine", "yes");
                assertThat(cache.get("mine")).isEqualTo("yes");
            }
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(holder.exitValue())
                .as("the holder closed its store normally")
                .isZero();
    }

    /** Issue 12, item 8: a temporary-file cleaner deleting the {@code lock} file must not let a second process in. */
    @Test
    void deletingTheLockFileDoesNotLetASecondProcessIntoAStoreInUse() throws Exception {
        Process holder = start("hold");
        try {
            assertThat(readLine(holder)).isEqualTo("ready");
            try (var files = Files.walk(root)) {
                for (Path lock : files.filter(
                                file -> file.getFileName().toString().equals("lock"))
                        .toList()) {
                    Files.delete(lock);
                }
            }

            try (CacheManager manager = open(settings())) {
                assertThatThrownBy(() -> cacheOf(manager))
                        .isInstanceOf(CacheException.class)
                        .hasMessageContaining(root.toAbsolutePath().toString())
                        .hasMessageContaining("in use by another process");
            }
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(holder.exitValue())
                .as("the holder closed its store normally")
                .isZero();
    }

    private Properties settings() {
        return StoreProcess.settings(root.toString());
    }

    private static CacheManager open(Properties settings) {
        return Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(StoreProcess.MANAGER, CrashRecoveryTest.class.getClassLoader(), settings);
    }

    private static Cache<String, String> cacheOf(CacheManager manager) {
        Cache<String, String> cache = manager.getCache(StoreProcess.CACHE);
        return cache != null
                ? cache
                : manager.createCache(StoreProcess.CACHE, new MutableConfiguration<String, String>());
    }

    private Process start(String... command) throws IOException {
        List<String> line = new ArrayList<>();
        line.add(ProcessHandle.current().info().command().orElse("java"));
        line.add("-cp");
        line.add(System.getProperty("java.class.path"));
        line.add("-Xmx256m");
        line.add(StoreProcess.class.getName());
        line.add(root.toString());
        line.addAll(List.of(command));
        return new ProcessBuilder(line)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static String readLine(Process process) throws IOException {
        return reader(process).readLine();
    }
}
