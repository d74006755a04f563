package dev.terrace.jcache.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.dependency.DependencyExtractor;
import dev.terrace.jcache.dependency.FileDependencies;
import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.event.TerraceEntryEvent;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The examples of docs/file-dependencies.md, as they stand there between the snippet markers, on real files
 * watched by a real cache manager.
 */
class FileDependenciesDocExamplesTest {

    private static final Duration EVENTS = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger staleLog = (Logger) LoggerFactory.getLogger(StaleLog.class);

    @AfterEach
    void detachLog() {
        staleLog.detachAppender(logged);
        staleLog.setLevel(null);
    }

    /** A parsed source file, the value the page's cache holds. */
    record Ast(String source) implements Serializable {}

    @Test
    void entriesDeclareTheirFilesAndOtherEntriesAndListenersHearWhy() throws IOException {
        logged.start();
        staleLog.addAppender(logged);
        staleLog.setLevel(Level.INFO);
        Path sourceRoot = Files.createDirectories(dir.resolve("src"));
        Files.writeString(sourceRoot.resolve("Main.java"), "class Main {}\n");
        Files.writeString(sourceRoot.resolve("Util.java"), "class Util {}\n");
        CachingProvider provider = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider");
        URI uri = URI.create("terrace:file-dependencies-doc");
        ClassLoader loader = getClass().getClassLoader();

        // snippet
        Properties settings = new Properties();
        settings.setProperty("terrace.files.watch-paths", sourceRoot.toString()); // such as /srv/project/src
        CacheManager manager = provider.getCacheManager(uri, loader, settings);
        Cache<Map<String, Object>, String> results = manager.createCache("results", new MutableConfiguration<>());
        // end snippet

        try (manager) {
            Map<String, Object> readMain =
                    Map.of("path", sourceRoot.resolve("Main.java").toString());
            results.put(readMain, "class Main {}");
            Cache<String, Ast> cache = manager.createCache(
                    "asts",
                    new MutableConfiguration<String, Ast>()
                            .addCacheEntryListenerConfiguration(
                                    new MutableCacheEntryListenerConfiguration<>(StaleLog::new, null, true, false)));
            Ast ast = new Ast("class Main {}");
            Ast table = new Ast("Main, Util");

            // snippet
            FileDependencies<String, Ast> deps =
                    cache.unwrap(TerraceCache.class).dependencies();
            deps.extractWith(DependencyExtractor.of(String.class, name -> List.of(sourceRoot.resolve(name + ".java"))));
            // or DependencyExtractor.standard().and(...), or DependencyExtractor.none()
            // end snippet

            cache.put("Util", new Ast("class Util {}"));
            assertThat(deps.filesOf("Util")).containsExactly(sourceRoot.resolve("Util.java"));

            // snippet
            deps.put("parsed:Main", ast, List.of(Path.of("src/Main.java")));
            deps.put("symbols", table, List.of(), List.of("parsed:Main", "parsed:Util"));
            // end snippet

            assertThat(deps.filesOf("parsed:Main"))
                    .as("the given file, with those the extractor names")
                    .contains(Path.of("src/Main.java").toAbsolutePath());
            assertThat(deps.dependentsOf("parsed:Main")).containsExactly("symbols");

            deps.invalidate("parsed:Main");
            Files.writeString(sourceRoot.resolve("Util.java"), "class Util { int changed; }\n");
            Files.writeString(sourceRoot.resolve("Main.java"), "class Main { int changed; }\n");
            cache.put("caller", ast);
            cache.remove("caller");

            await().atMost(EVENTS)
                    .untilAsserted(() -> assertThat(logged.list.stream().map(ILoggingEvent::getFormattedMessage))
                            .containsExactlyInAnyOrder(
                                    "parsed:Main was invalidated through FileDependencies.invalidate",
                                    "symbols is stale: it was derived from parsed:Main",
                                    "Util is stale: " + sourceRoot.resolve("Util.java") + " changed",
                                    "caller was removed by a caller"));
            await().atMost(EVENTS)
                    .untilAsserted(() -> assertThat(results.containsKey(readMain))
                            .as("the standard extractor found the path argument of a map key")
                            .isFalse());
        }
    }

    /** The listener of the page's "Events" section: it logs why each entry went. */
    static final class StaleLog<K, V> implements CacheEntryRemovedListener<K, V> {

        private final org.slf4j.Logger log = LoggerFactory.getLogger(StaleLog.class);

        @Override
        // snippet
        public void onRemoved(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
            for (CacheEntryEvent<? extends K, ? extends V> event : events) {
                // or event.unwrap(InvalidationCause.class), which throws IllegalArgumentException on a caller's removal
                TerraceEntryEvent<?, ?> terrace = event.unwrap(TerraceEntryEvent.class);
                InvalidationCause cause = terrace.cause().orElse(null);
                if (cause instanceof InvalidationCause.FileChanged changed) {
                    log.info("{} is stale: {} changed", event.getKey(), changed.file());
                } else if (cause instanceof InvalidationCause.Cascade cascade) {
                    log.info("{} is stale: it was derived from {}", event.getKey(), cascade.fromKey());
                } else if (cause instanceof InvalidationCause.Requested) {
                    log.info("{} was invalidated through FileDependencies.invalidate", event.getKey());
                } else {
                    log.info("{} was removed by a caller", event.getKey());
                }
            }
        }
        // end snippet
    }
}
