package dev.terrace.examples.toolcache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two tools an AI agent calls on a project's files, as a tool runtime would run them: {@code read_file(path)}
 * and {@code grep(pattern, dir)}. They read real files, and count how often they actually ran, which is how the
 * example and its test tell a cache hit (the tool did not run) from a miss.
 */
public final class WorkspaceTools {

    public static final String READ_FILE = "read_file";
    public static final String GREP = "grep";

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceTools.class);

    private final Path workspace;
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    public WorkspaceTools(Path workspace) {
        this.workspace = workspace.toAbsolutePath().normalize();
    }

    /** {@code read_file(path)}: the file's text. */
    public ToolResult readFile(ToolCall call) {
        Path file = call.path("path");
        count(READ_FILE, file);
        try {
            return new ToolResult(READ_FILE, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("read_file cannot read " + file, e);
        }
    }

    /**
     * {@code grep(pattern, dir)}: every line of every regular file below {@code dir} that the regular expression
     * {@code pattern} finds, as {@code relative/path:line: text}, in path order.
     */
    public ToolResult grep(ToolCall call) {
        Pattern pattern = Pattern.compile(call.string("pattern"));
        Path dir = call.path("dir");
        count(GREP, dir);
        StringBuilder output = new StringBuilder();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path file : tree.filter(Files::isRegularFile).sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (pattern.matcher(lines.get(i)).find()) {
                        output.append(workspace.relativize(file))
                                .append(':')
                                .append(i + 1)
                                .append(": ")
                                .append(lines.get(i).strip())
                                .append('\n');
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("grep cannot read " + dir, e);
        }
        return new ToolResult(GREP, output.isEmpty() ? "(no matches)" : output.toString());
    }

    /** How many times the tool {@code tool} actually ran. */
    public int runs(String tool) {
        AtomicInteger count = runs.get(tool);
        return count == null ? 0 : count.get();
    }

    private void count(String tool, Path target) {
        int run = runs.computeIfAbsent(tool, name -> new AtomicInteger()).incrementAndGet();
        LOG.debug("Running {} on {} (run {})", tool, target, run);
    }
}
