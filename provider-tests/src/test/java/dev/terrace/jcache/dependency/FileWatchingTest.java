package dev.terrace.jcache.dependency;

import static dev.terrace.jcache.dependency.WatchedCaches.fileKey;
import static dev.terrace.jcache.dependency.WatchedCaches.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries derived from real files in a watched directory go when those files change, and only then. */
class FileWatchingTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    Path root;

    private CacheManager manager;
    private final String listenerName = "watching-" + NAMES.incrementAndGet();
    private final List<String> heard = Heard.named(listenerName);

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private Cache<Object, Object> cache(Object... settings) {
        Object[] all = new Object[settings.length + 2];
        all[0] = "terrace.files.watch-paths";
        all[1] = root.toString();
        System.arraycopy(settings, 0, all, 2, settings.length);
        manager = WatchedCaches.manager(all);
        return manager.createCache(
                "derived",
                new MutableConfiguration<>().addCacheEntryListenerConfiguration(Heard.removals(listenerName)));
    }

    private void awaitHeard(String... lines) {
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(heard()).as("removals heard").containsExactlyInAnyOrder(lines));
    }

    /** What the listener heard, apart from the barriers' own entries. */
    private List<String> heard() {
        return heard.stream().filter(line -> !line.contains("(was barrier)")).toList();
    }

    /**
     * Waits until the watcher has acted on every event before this call: a fresh file is changed and its
     * dependent invalidated, which the watcher does only after the earlier events' (shorter) deadlines.
     */
    private void barrier(Cache<Object, Object> cache) throws Exception {
        Path file = write(root.resolve("barrier-" + NAMES.incrementAndGet() + ".txt"), "b");
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            Map<String, Object> key = fileKey(file);
            if (!cache.containsKey(key)) {
                cache.put(key, "barrier");
            }
            Files.writeString(file, "again", StandardOpenOption.APPEND);
            return heard.stream().anyMatch(line -> line.startsWith(key + " (was barrier)"));
        });
    }

    @Test
    void anEditedFileInvalidatesItsEntryWithTheOldValueAndTheCause() throws Exception {
        Cache<Object, Object> cache = cache();
        Path file = write(root.resolve("a.txt"), "one");
        cache.put(fileKey(file), "parsed one");
        cache.put("unrelated", "kept");

        Files.writeString(file, "two");

        awaitHeard(fileKey(file) + " (was parsed one) <- file a.txt");
        assertThat(cache.get(fileKey(file))).isNull();
        assertThat(cache.get("unrelated")).isEqualTo("kept");
    }

    @Test
    void appendDeleteRenameAndCreateOverEachInvalidate() throws Exception {
        Cache<Object, Object> cache = cache();
        Path appended = write(root.resolve("append.txt"), "1");
        Path deleted = write(root.resolve("delete.txt"), "1");
        Path renamed = write(root.resolve("rename.txt"), "1");
        Path replaced = write(root.resolve("replace.txt"), "1");
        for (Path file : List.of(appended, deleted, renamed, replaced)) {
            cache.put(fileKey(file), "v");
        }

        Files.writeString(appended, "2", StandardOpenOption.APPEND);
        Files.delete(deleted);
        Files.move(renamed, root.resolve("renamed-away.txt"));
        Path fresh = write(root.resolve("replace.txt.tmp"), "new content");
        Files.move(fresh, replaced, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        awaitHeard(
                fileKey(appended) + " (was v) <- file append.txt",
                fileKey(deleted) + " (was v) <- file delete.txt",
                fileKey(renamed) + " (was v) <- file rename.txt",
                fileKey(replaced) + " (was v) <- file replace.txt");
    }

    @Test
    void aDeletedAndRecreatedFileInvalidatesEachTime() throws Exception {
        Cache<Object, Object> cache = cache();
        Path file = write(root.resolve("again.txt"), "1");
        cache.put(fileKey(file), "first");
        Files.delete(file);
        awaitHeard(fileKey(file) + " (was first) <- file again.txt");

        cache.put(fileKey(file), "computed while absent");
        write(file, "back");
        awaitHeard(
                fileKey(file) + " (was first) <- file again.txt",
                fileKey(file) + " (was computed while absent) <- file again.txt");
    }

    @Test
    void aTouchInvalidatesBySizeAndTimeButNotWithContentHashes() throws Exception {
        Cache<Object, Object> cache = cache("terrace.files.content-hash", "true");
        Path touched = write(root.resolve("touched.txt"), "same");
        Path rewritten = write(root.resolve("rewritten.txt"), "same");
        Path changed = write(root.resolve("changed.txt"), "abcd");
        cache.put(fileKey(touched), "t");
        cache.put(fileKey(rewritten), "r");
        cache.put(fileKey(changed), "c");

        Files.setLastModifiedTime(touched, FileTime.from(Instant.now().plusSeconds(60)));
        Files.writeString(rewritten, "same");
        Files.writeString(changed, "wxyz");
        barrier(cache);

        assertThat(heard()).containsExactly(fileKey(changed) + " (was c) <- file changed.txt");
        assertThat(cache.get(fileKey(touched)))
                .as("a touch that changed nothing")
                .isEqualTo("t");
        assertThat(cache.get(fileKey(rewritten)))
                .as("a rewrite with the same bytes")
                .isEqualTo("r");
    }

    @Test
    void withoutContentHashesATouchCounts() throws Exception {
        Cache<Object, Object> cache = cache();
        Path touched = write(root.resolve("touched.txt"), "same");
        cache.put(fileKey(touched), "t");

        Files.setLastModifiedTime(touched, FileTime.from(Instant.now().plusSeconds(60)));

        awaitHeard(fileKey(touched) + " (was t) <- file touched.txt");
    }

    @Test
    void aFileInASubdirectoryCreatedLaterIsWatched() throws Exception {
        Cache<Object, Object> cache = cache();
        Path file = write(root.resolve("later/deeper/x.txt"), "1");
        barrier(cache);
        cache.put(fileKey(file), "v");

        Files.writeString(file, "2");

        awaitHeard(fileKey(file) + " (was v) <- file x.txt");
    }

    @Test
    void pathsAreNormalisedSoEveryWayOfNamingAFileIsOneDependency() throws Exception {
        Cache<Object, Object> cache = cache();
        Path file = write(root.resolve("b.txt"), "1");
        Map<String, Object> roundabout =
                Map.of("file", root.resolve("nowhere/../b.txt").toString());
        Path relative = Path.of("").toAbsolutePath().relativize(root);
        Map<String, Object> relativeKey = Map.of("file", "./" + relative + "/a/../b.txt");
        barrier(cache);
        cache.put(roundabout, "v");
        cache.put(relativeKey, "r");
        assertThat(WatchedCaches.dependencies(cache).filesOf(roundabout)).containsExactly(file);
        assertThat(WatchedCaches.dependencies(cache).filesOf(relativeKey)).containsExactly(file);

        Files.writeString(file, "2");

        awaitHeard(roundabout + " (was v) <- file b.txt", relativeKey + " (was r) <- file b.txt");
    }

    @Test
    void anEntryOnADirectoryGoesWhenAFileBelowItChanges() throws Exception {
        Cache<Object, Object> cache = cache();
        Path directory = root.resolve("src");
        write(directory.resolve("a.java"), "class A {}");
        Map<String, Object> search = Map.of("directory", directory.toString(), "query", "class");
        cache.put(search, "1 hit");

        write(directory.resolve("pkg/b.java"), "class B {}");

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() ->
                        assertThat(heard()).hasSize(1).first().asString().startsWith(search + " (was 1 hit) <- file "));
    }

    @Test
    void listsOfPathsAreAllDependencies() throws Exception {
        Cache<Object, Object> cache = cache();
        Path a = write(root.resolve("l1.txt"), "1");
        Path b = write(root.resolve("l2.txt"), "1");
        Map<String, Object> key = Map.of("files", List.of(a.toString(), b.toFile()));
        // The creation events of the files are not this test's subject: an entry stored within the debounce time
        // of its file's creation is invalidated once by it, on purpose (it may have been computed before).
        barrier(cache);
        cache.put(key, "both");

        Files.writeString(b, "2");

        awaitHeard(key + " (was both) <- file l2.txt");
    }

    @Test
    void tenThousandWatchedFilesInvalidateExactlyTheirOwnEntries() throws Exception {
        int directories = 100;
        int perDirectory = 100;
        for (int d = 0; d < directories; d++) {
            for (int f = 0; f < perDirectory; f++) {
                write(root.resolve("d" + d).resolve("f" + f + ".txt"), "content " + d + "/" + f);
            }
        }
        Cache<Object, Object> cache = cache("terrace.l1.max-entries", "20000");
        for (int d = 0; d < directories; d++) {
            for (int f = 0; f < perDirectory; f++) {
                cache.put(fileKey(root.resolve("d" + d).resolve("f" + f + ".txt")), d * perDirectory + f);
            }
        }
        String[] expected = new String[20];
        for (int i = 0; i < expected.length; i++) {
            Path file = root.resolve("d" + (i * 5)).resolve("f" + (i * 3) + ".txt");
            Files.writeString(file, "changed", StandardOpenOption.APPEND);
            expected[i] = fileKey(file) + " (was " + (i * 5 * perDirectory + i * 3) + ") <- file " + file.getFileName();
        }

        awaitHeard(expected);
        int present = 0;
        for (Cache.Entry<Object, Object> ignored : cache) {
            present++;
        }
        assertThat(present).isEqualTo(directories * perDirectory - expected.length);
    }
}
