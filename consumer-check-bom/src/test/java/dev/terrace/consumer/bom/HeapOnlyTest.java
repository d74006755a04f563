package dev.terrace.consumer.bom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * What depending on terrace-jcache alone costs and gives: a heap cache, no MapDB and no Redisson on the class
 * path, and a clear error naming the artifact to add when a stack names a tier that is not there.
 */
class HeapOnlyTest {

    private static final long TWO_MB = 2L * 1024 * 1024;

    @Test
    void theRunTimeClassPathOfTerraceJcacheAloneWeighsAtMostTwoMegabytes() throws IOException {
        Path listing = Path.of("target", "runtime-class-path.txt");
        List<String> entries = List.of(Files.readString(listing).trim().split(File.pathSeparator));
        long bytes = 0;
        List<String> weighed = new ArrayList<>();
        for (String entry : entries) {
            long size = sizeOf(Path.of(entry));
            bytes += size;
            weighed.add(Path.of(entry).getFileName() + " " + size);
        }

        assertThat(bytes)
                .as("terrace-jcache and what it brings (%s) must weigh at most 2 MB", weighed)
                .isLessThanOrEqualTo(TWO_MB);
        assertThat(weighed)
                .as("neither the disk tier's MapDB nor the Redis tier's Redisson comes with terrace-jcache")
                .noneMatch(name -> name.contains("mapdb") || name.contains("redisson") || name.contains("kotlin"));
    }

    @Test
    void aStackWithTheDiskTierNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> createWithStack("heap+disk"))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("dev.terrace:terrace-disk")
                .hasMessageContaining("heap+disk");
    }

    @Test
    void aStackWithTheRedisTierNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> createWithStack("heap+redis"))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("dev.terrace:terrace-redis")
                .hasMessageContaining("heap+redis");
    }

    private static void createWithStack(String stack) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", stack);
        try (CacheManager manager = Caching.getCachingProvider()
                .getCacheManager(
                        java.net.URI.create("terrace:heap-only-" + stack),
                        HeapOnlyTest.class.getClassLoader(),
                        properties)) {
            manager.createCache("needs-" + stack, new MutableConfiguration<String, String>());
        }
    }

    /** A jar's size, or for a reactor build's classes directory the size of its files. */
    private static long sizeOf(Path entry) {
        if (!Files.isDirectory(entry)) {
            return entry.toFile().length();
        }
        try (Stream<Path> files = Files.walk(entry)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> file.toFile().length())
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
