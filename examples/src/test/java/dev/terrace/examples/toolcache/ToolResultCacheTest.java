package dev.terrace.examples.toolcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool-result cache on real files, a real disk store, a real {@code redis-server} and a real second JVM:
 * a hit does not run the tool, an edit removes the results that read the file (with the file as the cause)
 * and the tool then sees the new content, each namespace keeps its own time to live, a restart keeps results,
 * and a second process is served the first one's results without running its tool.
 */
class ToolResultCacheTest {

    private static final RedisServer REDIS = RedisServer.start();
    private static final Duration EVENTS = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path workspace;
    private Path mainJava;
    private WorkspaceTools tools;

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @BeforeEach
    void createProject() throws IOException {
        workspace = dir.resolve("project");
        Files.createDirectories(workspace.resolve("src/util"));
        mainJava = workspace.resolve("src/Main.java");
        Files.writeString(mainJava, "class Main {}\n");
        Files.writeString(workspace.resolve("src/util/Text.java"), "class Text {} // TODO: trim\n");
        Files.writeString(workspace.resolve("README.md"), "# project\n");
        tools = new WorkspaceTools(workspace);
    }

    /** The usage shown in docs/tool-result-cache.md, as it stands there between the snippet markers. */
    @Test
    void theUsageOfThePageRunsTheToolsOnceAndAnswersRepeatsFromTheCache() {
        Path cacheDir = dir.resolve("disk");
        String redisAddress = REDIS.address();
        // snippet
        ToolResultCache cache = ToolResultCache.open(new ToolResultCache.Settings(
                workspace, // the project the tools work in
                cacheDir, // the disk tier's directory, such as /var/cache/agent
                redisAddress, // such as "redis://127.0.0.1:6379", or null: heap and disk only
                true)); // watch the whole workspace
        WorkspaceTools tools = new WorkspaceTools(workspace);

        ToolResult text = cache.call(Namespace.SESSION, "read_file", Map.of("path", "src/Main.java"), tools::readFile);
        ToolResult hits = cache.call(Namespace.TOOL, "grep", Map.of("pattern", "TODO", "dir", "src"), tools::grep);
        // end snippet

        try (cache) {
            assertThat(text.output()).isEqualTo("class Main {}\n");
            assertThat(hits.output()).isEqualTo("src/util/Text.java:1: class Text {} // TODO: trim\n");
            assertThat(cache.call(Namespace.SESSION, "read_file", Map.of("path", "src/Main.java"), tools::readFile))
                    .isEqualTo(text);
            assertThat(cache.call(Namespace.TOOL, "grep", Map.of("pattern", "TODO", "dir", "src"), tools::grep))
                    .isEqualTo(hits);
            assertThat(tools.runs(WorkspaceTools.READ_FILE) + tools.runs(WorkspaceTools.GREP))
                    .as("each tool ran once: the repeated calls were answered by the cache")
                    .isEqualTo(2);
        }
    }

    @Test
    void aHitDoesNotRunTheToolAgain() {
        try (ToolResultCache cache = open(null)) {
            ToolResultCache.Outcome<ToolResult> first = readFile(cache, Namespace.SESSION, "src/Main.java");
            ToolResultCache.Outcome<ToolResult> second = readFile(cache, Namespace.SESSION, "./src/../src/Main.java");

            assertThat(first.hit()).as("the first call misses").isFalse();
            assertThat(second.hit())
                    .as("the same file named another way is the same call")
                    .isTrue();
            assertThat(second.result()).isEqualTo(first.result());
            assertThat(tools.runs(WorkspaceTools.READ_FILE))
                    .as("read_file ran for the miss only")
                    .isEqualTo(1);
            assertThat(cache.hits()).isEqualTo(1);
            assertThat(cache.misses()).isEqualTo(1);

            readFile(cache, Namespace.SESSION, "README.md");
            readFile(cache, Namespace.GLOBAL, "src/Main.java");
            assertThat(tools.runs(WorkspaceTools.READ_FILE))
                    .as("another file, and the same file in another namespace, are other calls")
                    .isEqualTo(3);
        }
    }

    @Test
    void anEditRemovesTheResultsThatReadTheFileAndTheToolSeesTheNewContent() throws IOException {
        try (ToolResultCache cache = open(null)) {
            readFile(cache, Namespace.SESSION, "src/Main.java");
            grep(cache, "TODO");

            append(mainJava, "// TODO: new\n");

            await("REMOVED events of both results")
                    .atMost(EVENTS)
                    .until(() -> removalsCausedBy(cache, mainJava).size() >= 2);
            assertThat(cache.events().stream()
                            .filter(event -> event.type() == EventType.REMOVED)
                            .map(event -> event.namespace()))
                    .containsExactlyInAnyOrder(Namespace.SESSION, Namespace.TOOL);

            ToolResultCache.Outcome<ToolResult> reread = readFile(cache, Namespace.SESSION, "src/Main.java");
            assertThat(reread.hit()).isFalse();
            assertThat(reread.result().output()).isEqualTo("class Main {}\n// TODO: new\n");
            assertThat(tools.runs(WorkspaceTools.READ_FILE)).isEqualTo(2);
            assertThat(grep(cache, "TODO").result().output())
                    .as("grep over src ran again and found the new line")
                    .contains("src/Main.java:2: // TODO: new", "src/util/Text.java:1:");
            assertThat(tools.runs(WorkspaceTools.GREP)).isEqualTo(2);
        }
    }

    @Test
    void aFileCreatedInAGreppedDirectoryInvalidatesTheGrep() throws IOException {
        try (ToolResultCache cache = open(null)) {
            grep(cache, "TODO");

            Files.writeString(workspace.resolve("src/util/New.java"), "// TODO: more\n");

            await().atMost(EVENTS).until(() -> !isCached(cache, Namespace.TOOL, grepArguments("TODO")));
            assertThat(grep(cache, "TODO").result().output()).contains("src/util/New.java:1: // TODO: more");
        }
    }

    @Test
    void eachNamespaceHasItsOwnTimeToLive() {
        try (ToolResultCache cache = open(null)) {
            assertThat(cache.timeToLive(Namespace.GLOBAL)).isEqualTo(Duration.ofDays(1));
            assertThat(cache.timeToLive(Namespace.SESSION)).isEqualTo(Duration.ofHours(1));
            assertThat(cache.timeToLive(Namespace.REQUEST)).isEqualTo(Duration.ofSeconds(2));
            assertThat(cache.timeToLive(Namespace.TOOL)).isEqualTo(Duration.ofMinutes(10));

            readFile(cache, Namespace.REQUEST, "README.md");
            readFile(cache, Namespace.SESSION, "README.md");
            Map<String, String> arguments = Map.of("path", "README.md");
            assertThat(isCached(cache, Namespace.REQUEST, arguments)).isTrue();

            await("the REQUEST result expires")
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> !isCached(cache, Namespace.REQUEST, arguments));
            assertThat(isCached(cache, Namespace.SESSION, arguments))
                    .as("the SESSION result of the same call lives on")
                    .isTrue();
            assertThat(readFile(cache, Namespace.REQUEST, "README.md").hit()).isFalse();
            assertThat(tools.runs(WorkspaceTools.READ_FILE)).isEqualTo(3);
        }
    }

    @Test
    void aRestartKeepsResultsButNotThoseWhoseFilesChangedMeanwhile() throws IOException {
        try (ToolResultCache cache = open(null)) {
            readFile(cache, Namespace.SESSION, "src/Main.java");
            readFile(cache, Namespace.SESSION, "README.md");
            assertThat(cache.authority()).isEqualTo("disk");
        }
        append(workspace.resolve("README.md"), "changed while the cache was closed\n");

        try (ToolResultCache cache = open(null)) {
            ToolResultCache.Outcome<ToolResult> kept = readFile(cache, Namespace.SESSION, "src/Main.java");
            assertThat(kept.hit()).as("kept on disk across the restart").isTrue();
            assertThat(kept.result().output()).isEqualTo("class Main {}\n");
            ToolResultCache.Outcome<ToolResult> changed = readFile(cache, Namespace.SESSION, "README.md");
            assertThat(changed.hit())
                    .as("its file changed while closed: dropped at the start")
                    .isFalse();
            assertThat(changed.result().lastLine()).isEqualTo("changed while the cache was closed");
            assertThat(tools.runs(WorkspaceTools.READ_FILE)).isEqualTo(3);
        }
    }

    @Test
    void aSecondJvmIsServedTheSharedResultAndSeesTheEdit() throws IOException {
        try (ToolResultCache cache = open(REDIS.address());
                SecondProcess second = SecondProcess.start(workspace, dir.resolve("second-disk"), REDIS.address())) {
            assertThat(cache.authority()).isEqualTo("redis");
            readFile(cache, Namespace.SESSION, "src/Main.java");

            SecondProcess.Answer shared = second.readFile(Namespace.SESSION, mainJava);
            assertThat(shared.hit())
                    .as("the second JVM is served the first one's result")
                    .isTrue();
            assertThat(shared.toolRuns()).as("its read_file never ran").isZero();
            assertThat(shared.lastLine()).isEqualTo("class Main {}");

            append(mainJava, "// edited\n");
            await().atMost(EVENTS).until(() -> removalsCausedBy(cache, mainJava).size() >= 1);
            await("the second JVM hears the removal through Redis")
                    .atMost(EVENTS)
                    .until(second::removals, removals -> removals >= 1);

            SecondProcess.Answer fresh = second.readFile(Namespace.SESSION, mainJava);
            assertThat(fresh.hit()).isFalse();
            assertThat(fresh.toolRuns()).isEqualTo(1);
            assertThat(fresh.lastLine()).isEqualTo("// edited");
            assertThat(readFile(cache, Namespace.SESSION, "src/Main.java").hit())
                    .as("the first process is served the second's fresh result")
                    .isTrue();
            assertThat(tools.runs(WorkspaceTools.READ_FILE)).isEqualTo(1);
        }
    }

    @Test
    void theScenarioRunsEveryStepAsExpected() throws IOException {
        ScenarioReport report = ToolResultCacheExample.run(dir.resolve("scenario"), REDIS.address());

        assertThat(report.skipped()).isEmpty();
        assertThat(report.steps())
                .hasSize(9)
                .allSatisfy(step -> assertThat(step.asExpected())
                        .as("%s: %s", step.title(), step.lines())
                        .isTrue());
        assertThat(report.step("Editing a file").lines())
                .anySatisfy(line -> assertThat(line).contains("REMOVED SESSION", "file changed: "));
    }

    @Test
    void withoutRedisTheSharedStepsAreSkippedAndTheRestRuns() throws IOException {
        ScenarioReport report = new Scenario(dir.resolve("alone"), null).run();

        assertThat(report.skipped()).containsExactly("A second process shares results through Redis");
        assertThat(report.steps()).hasSize(7).allMatch(ScenarioReport.Step::asExpected);
    }

    @Test
    void aSecondCacheWithOtherSettingsInTheSameJvmIsRefused() {
        try (ToolResultCache cache = open(null)) {
            ToolResultCache.Settings other =
                    new ToolResultCache.Settings(workspace, dir.resolve("other-disk"), null, true);

            assertThatThrownBy(() -> ToolResultCache.open(other))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
            assertThat(readFile(cache, Namespace.SESSION, "README.md").result().output())
                    .as("the open one still works")
                    .isEqualTo("# project\n");
        }
    }

    @Test
    void argumentsAreCanonical() {
        ToolCallKey key = ToolCall.of("grep", Map.of("pattern", "TODO", "dir", "src"), workspace)
                .key();
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("dir", workspace.resolve("src/util/..").toString());
        reordered.put("pattern", "TODO");

        assertThat(ToolCall.of("grep", reordered, workspace).key()).isEqualTo(key);
        assertThat(key.files()).containsExactly(workspace.resolve("src").toAbsolutePath());
        assertThat(ToolCall.of("grep", Map.of("pattern", "FIXME", "dir", "src"), workspace)
                        .key())
                .isNotEqualTo(key);
        assertThat(ToolCall.of("other", Map.of("pattern", "TODO", "dir", "src"), workspace)
                        .key())
                .isNotEqualTo(key);
        assertThat(ToolCall.of("grep", Map.of("pattern", "TO", "dir", "DOsrc"), workspace)
                        .key()
                        .argumentsHash())
                .as("parts are length-prefixed")
                .isNotEqualTo(key.argumentsHash());
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("path", null);
        assertThatThrownBy(() -> ToolCall.of("read_file", withNull, workspace))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("path");
        assertThatThrownBy(() -> ToolCall.of("read_file", Map.of("path", new Object()), workspace))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed");
        assertThatThrownBy(() -> ToolResultCacheExample.loopbackOnly("redis://10.0.0.5:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("127.0.0.1");
        assertThat(ToolResultCacheExample.loopbackOnly("redis://localhost:7000"))
                .isEqualTo("redis://127.0.0.1:7000");
    }

    private ToolResultCache open(String redisAddress) {
        return ToolResultCache.open(new ToolResultCache.Settings(workspace, dir.resolve("disk"), redisAddress, true));
    }

    private ToolResultCache.Outcome<ToolResult> readFile(ToolResultCache cache, Namespace namespace, String path) {
        return cache.trace(namespace, WorkspaceTools.READ_FILE, Map.of("path", path), tools::readFile);
    }

    private ToolResultCache.Outcome<ToolResult> grep(ToolResultCache cache, String pattern) {
        return cache.trace(Namespace.TOOL, WorkspaceTools.GREP, grepArguments(pattern), tools::grep);
    }

    private static Map<String, String> grepArguments(String pattern) {
        return Map.of("pattern", pattern, "dir", "src");
    }

    private static boolean isCached(ToolResultCache cache, Namespace namespace, Map<String, String> arguments) {
        String tool = arguments.containsKey("pattern") ? WorkspaceTools.GREP : WorkspaceTools.READ_FILE;
        return cache.isCached(namespace, tool, arguments);
    }

    private static List<CacheEvents.Event> removalsCausedBy(ToolResultCache cache, Path file) {
        return cache.events().stream()
                .filter(event -> event.type() == EventType.REMOVED)
                .filter(event -> event.cause() instanceof InvalidationCause.FileChanged changed
                        && changed.file().equals(file.toAbsolutePath().normalize()))
                .toList();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
