package dev.terrace.examples.toolcache;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second JVM using the same tool-result cache through the same Redis server, as a second agent worker on
 * the same machine would: its own heap and disk tiers, the shared Redis tier. The parent drives it over its
 * standard input and output, one command and one {@value #PREFIX}-prefixed answer per line (its log lines
 * are passed through):
 *
 * <ul>
 *   <li>{@code read_file <namespace> <path>}: calls {@code read_file} through the cache; answers {@code
 *       result <hit> <answered-by> <tool-runs> <tier hits> <last line of the result>};
 *   <li>{@code removals}: answers how many {@code REMOVED} events its listeners heard;
 *   <li>{@code quit}: closes the cache and exits.
 * </ul>
 */
public final class SecondProcess implements AutoCloseable {

    static final String PREFIX = "TOOLCACHE ";

    private static final Logger LOG = LoggerFactory.getLogger(SecondProcess.class);
    private static final long ANSWER_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    /**
     * What the second process answered to {@code read_file}.
     *
     * @param hit whether the result came from the cache
     * @param answeredBy the tier that held it, or {@code tool}
     * @param toolRuns how many times {@code read_file} has run in the second process so far
     * @param tierHits how many reads each of its tiers answered so far, as {@code {heap=1,disk=0,redis=0}}
     * @param lastLine the result's last line
     */
    public record Answer(boolean hit, String answeredBy, int toolRuns, String tierHits, String lastLine) {}

    private SecondProcess(Process process) {
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "tool-cache-second-process");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a JVM (the {@code java} of this one, with this one's class path) running {@link #main} with the
     * same workspace and Redis, its own disk directory, and waits until its caches are open.
     */
    public static SecondProcess start(Path workspace, Path diskDirectory, String redisAddress) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(
                java.toString(),
                "-cp",
                classPath(),
                SecondProcess.class.getName(),
                workspace.toString(),
                diskDirectory.toString(),
                redisAddress);
        SecondProcess second = new SecondProcess(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
        String ready = second.answer();
        if (!ready.equals("ready")) {
            second.close();
            throw new IOException("The second process did not start: " + ready);
        }
        return second;
    }

    /** Has the second process call {@code read_file(path)} in {@code namespace}. */
    public Answer readFile(Namespace namespace, Path path) throws IOException {
        commands.println("read_file " + namespace + " " + encode(path.toString()));
        String[] parts = answer().split(" ", 6);
        if (parts.length != 6 || !parts[0].equals("result")) {
            throw new IOException("Unexpected answer from the second process: " + String.join(" ", parts));
        }
        return new Answer(
                Boolean.parseBoolean(parts[1]), parts[2], Integer.parseInt(parts[3]), parts[4], decode(parts[5]));
    }

    /** How many {@code REMOVED} events the second process's listeners heard. */
    public int removals() throws IOException {
        commands.println("removals");
        String[] parts = answer().split(" ");
        if (parts.length != 2 || !parts[0].equals("removals")) {
            throw new IOException("Unexpected answer from the second process: " + String.join(" ", parts));
        }
        return Integer.parseInt(parts[1]);
    }

    @Override
    public void close() {
        commands.println("quit");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private String answer() throws IOException {
        try {
            String line = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new IOException("The second process did not answer within " + ANSWER_TIMEOUT_SECONDS + " s"
                        + (process.isAlive() ? "" : "; it exited with " + process.exitValue()));
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for the second process", e);
        }
    }

    private void readAnswers() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(PREFIX)) {
                    answers.add(line.substring(PREFIX.length()));
                } else {
                    LOG.debug("[second process] {}", line);
                }
            }
        } catch (IOException e) {
            LOG.debug("The second process's output closed", e);
        }
        answers.add("exited");
    }

    /**
     * This JVM's class path as the second JVM needs it: the URLs of the class loaders that loaded this class
     * (under {@code mvn exec:java} the project's classes are not on {@code java.class.path}), then {@code
     * java.class.path}.
     */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = SecondProcess.class.getClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        LOG.debug("Skipping class path entry {}", url, e);
                    }
                }
            }
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** The second process: {@code <workspace> <disk directory> <redis address>}, then commands on stdin. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("Usage: SecondProcess <workspace> <disk directory> <redis address>");
        }
        Path workspace = Path.of(args[0]);
        WorkspaceTools tools = new WorkspaceTools(workspace);
        // No watch paths: this process watches only what its own results depend on, so the removals it hears
        // of results the first process stored come from the first process, through Redis.
        ToolResultCache.Settings settings = new ToolResultCache.Settings(workspace, Path.of(args[1]), args[2], false);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        try (ToolResultCache cache = ToolResultCache.open(settings);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            out.println(PREFIX + "ready");
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                out.println(PREFIX + execute(line, cache, tools));
            }
        } catch (RuntimeException e) {
            out.println(PREFIX + "failed " + e);
            throw e;
        }
    }

    private static String execute(String line, ToolResultCache cache, WorkspaceTools tools) {
        String[] parts = line.split(" ");
        if (parts[0].equals("removals")) {
            long removals = cache.events().stream()
                    .filter(event -> event.type() == javax.cache.event.EventType.REMOVED)
                    .count();
            return "removals " + removals;
        }
        if (parts[0].equals("read_file") && parts.length == 3) {
            ToolResultCache.Outcome<ToolResult> outcome = cache.trace(
                    Namespace.valueOf(parts[1]),
                    WorkspaceTools.READ_FILE,
                    Map.of("path", decode(parts[2])),
                    tools::readFile);
            return "result " + outcome.hit() + " " + outcome.answeredBy() + " " + tools.runs(WorkspaceTools.READ_FILE)
                    + " "
                    + cache.tierHits(Namespace.valueOf(parts[1])).toString().replace(" ", "") + " "
                    + encode(outcome.result().lastLine());
        }
        throw new IllegalArgumentException("Unknown command: " + line);
    }
}
