package dev.terrace.jcache.dependency;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.TerraceCachingProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/** Cache managers and keys for the file dependency tests. */
final class WatchedCaches {

    private static final AtomicInteger IDS = new AtomicInteger();

    private WatchedCaches() {}

    /** A manager under a new URI; {@code settings} are alternating property names and values. */
    static CacheManager manager(Object... settings) {
        return manager(URI.create("terrace:files-test-" + IDS.incrementAndGet()), settings);
    }

    static CacheManager manager(URI uri, Object... settings) {
        Properties properties = new Properties();
        properties.setProperty("terrace.files.debounce-ms", "50");
        for (int i = 0; i < settings.length; i += 2) {
            properties.put(settings[i], settings[i + 1]);
        }
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(uri, WatchedCaches.class.getClassLoader(), properties);
    }

    /** The key of a tool call's arguments that name {@code file}: the standard extractor finds it. */
    static Map<String, Object> fileKey(Path file) {
        return Map.of("tool", "parse", "path", file.toString());
    }

    @SuppressWarnings("unchecked")
    static FileDependencies<Object, Object> dependencies(Cache<?, ?> cache) {
        return cache.unwrap(TerraceCache.class).dependencies();
    }

    static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
