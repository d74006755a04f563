package dev.terrace.examples.toolcache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.cache.event.EventType;

/**
 * The tool-result cache's story, run against a real project directory: a miss, a hit, an edit that
 * invalidates, a short-lived namespace expiring, a restart that keeps results, and (with Redis) a second
 * process sharing them. Every step checks what it shows and records it in a {@link ScenarioReport}.
 */
final class Scenario {

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);

    private final Path workspace;
    private final Path disk;
    private final Path secondDisk;
    private final String redisAddress;
    private final WorkspaceTools tools;
    private final ScenarioReport report = new ScenarioReport();
    private ToolResultCache cache;
    private int calls;

    private final Path mainJava;
    private final Path readme;
    private final Path src;

    /**
     * @param workDirectory an empty directory: the project and the disk stores are made in it
     * @param redisAddress {@code redis://127.0.0.1:<port>}, or {@code null} to skip the shared-tier steps
     */
    Scenario(Path workDirectory, String redisAddress) {
        this.workspace = workDirectory.resolve("project").toAbsolutePath().normalize();
        this.disk = workDirectory.resolve("cache");
        this.secondDisk = workDirectory.resolve("cache-second-process");
        this.redisAddress = redisAddress;
        this.tools = new WorkspaceTools(workspace);
        this.src = workspace.resolve("src");
        this.mainJava = src.resolve("Main.java");
        this.readme = workspace.resolve("README.md");
    }

    ScenarioReport run() throws IOException {
        createProject();
        cache = open();
        try {
            namespaces();
            missThenHit();
            grep();
            editInvalidates();
            requestExpires();
            restartKeeps();
            if (redisAddress == null) {
                report.skip(
                        "A second process shares results through Redis",
                        "no Redis: no redis-server on the PATH and no TERRACE_REDIS_URL; the steps above ran on heap+disk");
            } else {
                secondProcess();
            }
            summary();
        } finally {
            cache.close();
        }
        return report;
    }

    private void createProject() throws IOException {
        Files.createDirectories(src.resolve("util"));
        Files.writeString(mainJava, "class Main {\n    public static void main(String[] args) {}\n}\n");
        Files.writeString(src.resolve("util/Text.java"), "class Text {\n    // TODO: trim\n}\n");
        Files.writeString(readme, "# A project an agent works on\n");
    }

    private ToolResultCache open() {
        return ToolResultCache.open(new ToolResultCache.Settings(workspace, disk, redisAddress, true));
    }

    private void namespaces() {
        report.line(
                "configuration: %s; tiers: %s",
                ToolResultCache.CONFIG, cache.shared() ? "heap+disk+redis" : "heap+disk");
        report.line("workspace (watched): %s", workspace);
        for (Namespace namespace : Namespace.values()) {
            report.line(
                    "%-8s -> cache %-21s time to live %s",
                    namespace, namespace.cacheName(), cache.timeToLive(namespace));
        }
        report.check(
                cache.timeToLive(Namespace.REQUEST).compareTo(cache.timeToLive(Namespace.SESSION)) < 0,
                "REQUEST results live shorter than SESSION results");
        report.finish("Namespaces are caches with their own times to live");
    }

    private void missThenHit() {
        var first = readFile(Namespace.SESSION, "src/Main.java");
        report.check(
                !first.hit() && tools.runs(WorkspaceTools.READ_FILE) == 1,
                "first read_file(src/Main.java): miss, the tool ran (read_file runs: %d)",
                tools.runs(WorkspaceTools.READ_FILE));
        var second = readFile(Namespace.SESSION, "./src/../src/Main.java");
        report.check(
                second.hit() && tools.runs(WorkspaceTools.READ_FILE) == 1,
                "second read_file(./src/../src/Main.java): hit in the %s tier, the tool did not run (runs: %d)",
                second.answeredBy(),
                tools.runs(WorkspaceTools.READ_FILE));
        report.line(
                "key: %s",
                ToolCall.of(WorkspaceTools.READ_FILE, Map.of("path", "src/Main.java"), workspace)
                        .key());
        report.finish("A miss runs the tool, a hit does not");
    }

    private void grep() {
        var first = grep("TODO");
        var second = grep("TODO");
        report.check(
                !first.hit() && second.hit() && tools.runs(WorkspaceTools.GREP) == 1,
                "grep(TODO, src) twice: miss then hit, grep ran once");
        report.line("result: %s", first.result().output().strip());
        report.finish("grep depends on the directory it scanned");
    }

    private void editInvalidates() throws IOException {
        int before = removals();
        append(mainJava, "// TODO: read the arguments\n");
        report.line("appended a TODO line to src/Main.java");
        boolean heard = await(() -> removals() >= before + 2);
        cache.events().stream()
                .filter(event -> event.type() == EventType.REMOVED)
                .skip(before)
                .forEach(event -> report.line("event: %s", event.describe()));
        report.check(heard, "both results were removed (read_file's and grep's)");
        var reread = readFile(Namespace.SESSION, "src/Main.java");
        report.check(
                !reread.hit() && reread.result().lastLine().equals("// TODO: read the arguments"),
                "read_file again: miss, the tool ran (runs: %d) and returned the new content: \"%s\"",
                tools.runs(WorkspaceTools.READ_FILE),
                reread.result().lastLine());
        var regrep = grep("TODO");
        report.check(
                !regrep.hit() && regrep.result().output().contains("src/Main.java:4"),
                "grep again: miss, it found the new line: %s",
                regrep.result().output().strip().replace("\n", " | "));
        report.finish("Editing a file invalidates the results that read it");
    }

    private void requestExpires() {
        readFile(Namespace.SESSION, "README.md");
        var first = readFile(Namespace.REQUEST, "README.md");
        var second = readFile(Namespace.REQUEST, "README.md");
        report.check(!first.hit() && second.hit(), "read_file(README.md) in REQUEST: miss, then hit");
        long start = System.nanoTime();
        Map<String, String> args = Map.of("path", "README.md");
        boolean expired = await(() -> !cache.isCached(Namespace.REQUEST, WorkspaceTools.READ_FILE, args));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        report.check(
                expired,
                "the REQUEST result was gone %d ms later (time to live %s)",
                waited,
                cache.timeToLive(Namespace.REQUEST));
        report.check(
                cache.isCached(Namespace.SESSION, WorkspaceTools.READ_FILE, args),
                "the SESSION result of the same call is still cached");
        int runs = tools.runs(WorkspaceTools.READ_FILE);
        var third = readFile(Namespace.REQUEST, "README.md");
        report.check(
                !third.hit() && tools.runs(WorkspaceTools.READ_FILE) == runs + 1,
                "read_file in REQUEST again: miss, the tool ran");
        report.finish("A REQUEST result expires after its short time to live");
    }

    private void restartKeeps() {
        cache.close();
        report.line("closed the cache manager; opened a new one on %s", disk);
        cache = open();
        int runs = tools.runs(WorkspaceTools.READ_FILE);
        var again = readFile(Namespace.SESSION, "src/Main.java");
        report.check(
                again.hit() && tools.runs(WorkspaceTools.READ_FILE) == runs,
                "read_file(src/Main.java) after the restart: hit, the tool did not run");
        report.line(
                "tier hits since the restart: %s (opening checked the result's files and copied it from the %s"
                        + " tier onto the heap)",
                cache.tierHits(Namespace.SESSION), cache.authority());
        report.check(again.result().lastLine().equals("// TODO: read the arguments"), "it is the edited content");
        report.finish("A restart keeps the results");
    }

    private void secondProcess() throws IOException {
        try (SecondProcess second = SecondProcess.start(workspace, secondDisk, redisAddress)) {
            report.line("started a second JVM: own heap and disk (%s), the same Redis (%s)", secondDisk, redisAddress);
            SecondProcess.Answer shared = second.readFile(Namespace.SESSION, mainJava);
            report.check(
                    shared.hit() && shared.toolRuns() == 0,
                    "second process, read_file(src/Main.java): hit, its tool never ran (runs: %d)",
                    shared.toolRuns());
            report.line(
                    "its tier hits: %s (opening checked the files of the results Redis holds and copied the"
                            + " valid ones onto its heap)",
                    shared.tierHits());
            report.finish("A second process shares results through Redis");

            int before = removals();
            append(mainJava, "// edited while two processes cache it\n");
            report.line("the first process appended a line to src/Main.java");
            report.check(await(() -> removals() > before), "the first process removed its result: %s", lastRemoval());
            report.check(await(() -> secondRemovals(second) > 0), "the second process heard the removal through Redis");
            SecondProcess.Answer fresh = second.readFile(Namespace.SESSION, mainJava);
            report.check(
                    !fresh.hit()
                            && fresh.toolRuns() == 1
                            && fresh.lastLine().equals("// edited while two processes cache it"),
                    "second process, read_file again: miss, its tool ran and returned the new content: \"%s\"",
                    fresh.lastLine());
            report.finish("An edit seen by the first process invalidates the second's result");
        }
    }

    private void summary() {
        int runs = tools.runs(WorkspaceTools.READ_FILE) + tools.runs(WorkspaceTools.GREP);
        report.line(
                "this process made %d tool calls; the tools ran %d times (read_file %d, grep %d), %d calls were hits",
                calls, runs, tools.runs(WorkspaceTools.READ_FILE), tools.runs(WorkspaceTools.GREP), calls - runs);
        report.check(calls > runs, "the cache answered calls without running their tools");
        report.finish("Summary");
    }

    private ToolResultCache.Outcome<ToolResult> readFile(Namespace namespace, String path) {
        calls++;
        return cache.trace(namespace, WorkspaceTools.READ_FILE, Map.of("path", path), tools::readFile);
    }

    private ToolResultCache.Outcome<ToolResult> grep(String pattern) {
        calls++;
        return cache.trace(Namespace.TOOL, WorkspaceTools.GREP, Map.of("pattern", pattern, "dir", "src"), tools::grep);
    }

    private int removals() {
        return (int) cache.events().stream()
                .filter(event -> event.type() == EventType.REMOVED)
                .count();
    }

    private String lastRemoval() {
        var events = cache.events();
        return events.isEmpty() ? "none" : events.get(events.size() - 1).describe();
    }

    private static int secondRemovals(SecondProcess second) {
        try {
            return second.removals();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /**
     * Waits up to {@link #EVENT_TIMEOUT} for {@code condition}: file events and expiry arrive asynchronously, and
     * a demo has nothing to block on but the condition itself.
     */
    private static boolean await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }
}
