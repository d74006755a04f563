package dev.terrace.benchmarks.files;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code terrace.files.verify-on-read} costs a hit: a heap-tier {@code get} of an entry that depends on
 * one file ({@code fileSize} bytes), with file dependencies tracked but not verified ({@code off}), verified by
 * size and modification time ({@code metadata}: one {@code stat} per file per hit), and verified by content
 * hash ({@code content}: the file is read and hashed on every hit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VerifyOnReadBenchmark {

    @Param({"off", "metadata", "content"})
    public String verify;

    @Param({"4096"})
    public int fileSize;

    private Path directory;
    private CacheManager manager;
    private Cache<Object, Object> cache;
    private Map<String, String> key;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("terrace-verify-on-read");
        byte[] content = new byte[fileSize];
        new Random(1).nextBytes(content);
        Path file = Files.write(directory.resolve("source.txt"), content);
        Properties properties = new Properties();
        properties.setProperty("terrace.files.watch-paths", directory.toString());
        properties.setProperty("terrace.files.verify-on-read", Boolean.toString(!verify.equals("off")));
        properties.setProperty("terrace.files.content-hash", Boolean.toString(verify.equals("content")));
        manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(URI.create("terrace:verify-on-read-" + verify), null, properties);
        cache = manager.createCache("derived", new MutableConfiguration<>());
        key = Map.of("path", file.toString());
        cache.put(key, "derived value");
    }

    @Benchmark
    public Object hit() {
        return cache.get(key);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (cache.get(key) == null) {
            throw new IllegalStateException("the entry was invalidated during the benchmark: every get was a miss");
        }
        manager.close();
        try (Stream<Path> tree = Files.walk(directory)) {
            tree.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
