package dev.terrace.jcache.fault.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.disk.DiskTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 4: a disk store on a device that fills up. On a small real filesystem (a {@code tmpfs} this
 * test mounts; it is skipped where it cannot mount one) a put that finds no space fails with a {@link
 * CacheException}, never an {@code InternalError}, and leaves no torn record behind: once space is freed,
 * later writes are kept, and every acknowledged write survives a crash.
 */
class DeviceFullTest {

    @TempDir
    Path temp;

    private Path mount;

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    private DiskTier<String> open(Path directory) {
        return DiskTier.open(
                new DiskTier.Options(directory, 256L * 1024 * 1024, false),
                codec,
                Clock.systemUTC(),
                TierListener.none());
    }

    @Test
    void aFullDeviceFailsPutsWithACacheExceptionAndWritesAfterSpaceIsFreedSurviveACrash() throws Exception {
        Path target = Files.createDirectories(temp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", target.toString()), "cannot mount a tmpfs");
        mount = target;
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[2 * 1024 * 1024]);
        Path store = mount.resolve("store");

        List<String> acknowledged = new ArrayList<>();
        DiskTier<String> disk = open(store);
        try {
            Throwable full = null;
            for (int i = 0; i < 10_000 && full == null; i++) {
                try {
                    disk.put("k" + i, new TierEntry(value(i), Long.MAX_VALUE));
                    acknowledged.add("k" + i);
                } catch (Throwable e) {
                    full = e;
                }
            }
            assertThat(full).as("a put on the full device fails").isNotNull();
            assertThat(full).as("what a put on a full device throws").isInstanceOf(CacheException.class);
            assertThatThrownBy(() -> disk.put("more", new TierEntry(value(0), Long.MAX_VALUE)))
                    .isInstanceOf(CacheException.class);

            Files.delete(filler);
            for (int i = 0; i < 20; i++) {
                disk.put("after" + i, new TierEntry(value(i), Long.MAX_VALUE));
                acknowledged.add("after" + i);
            }
            for (String key : acknowledged) {
                assertThat(disk.get(key)).as("entry %s while open", key).isNotNull();
            }

            // A crash now: the files as kill -9 would leave them.
            Path crashed = Files.createDirectories(temp.resolve("crashed"));
            try (Stream<Path> files = Files.list(store)) {
                for (Path file : files.toList()) {
                    if (!file.getFileName().toString().equals("lock")) {
                        Files.copy(file, crashed.resolve(file.getFileName()));
                    }
                }
            }
            DiskTier<String> recovered = open(crashed);
            try {
                for (String key : acknowledged) {
                    TierEntry entry = recovered.get(key);
                    assertThat(entry)
                            .as("acknowledged write %s after the crash", key)
                            .isNotNull();
                    int n = Integer.parseInt(key.replaceAll("\\D", ""));
                    assertThat(entry.value()).isEqualTo(value(n));
                }
            } finally {
                recovered.close();
            }
        } finally {
            disk.close();
        }
    }

    private static String value(int n) {
        return "value-" + n + "-" + "x".repeat(16 * 1024);
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
