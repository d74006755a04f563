package dev.terrace.tck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Judges one tier stack's JSR-107 TCK run: reads surefire's {@code TEST-*.xml} reports from
 * {@code REPORTS_ROOT/STACK} and compares them with the known-failing list {@code
 * KNOWN_FAILING_DIR/STACK.txt}.
 *
 * <p>The stack fails the check when a test failed (or errored) that is not on the list, when a
 * listed test passed or was skipped (the list may only shrink), when a list entry matches no test
 * that ran, when fewer tests ran than expected, or when the reports directory is missing. The
 * format of the list and how its entries match test names are described in {@link KnownFailing}.
 *
 * <p>Usage: {@code TckReportCheck --reports-root DIR --known-failing-dir DIR --expected-runs N
 * STACK...}. {@link #run} returns 0 when every stack passes, 1 when one does not, 2 on bad arguments
 * or an unreadable list or report; {@link #main} throws unless it is 0.
 */
public final class TckReportCheck {

    static final int EXIT_OK = 0;
    static final int EXIT_VIOLATION = 1;
    static final int EXIT_USAGE = 2;

    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final int MAX_MESSAGE_LINES = 4;
    private static final int MAX_LINE_LENGTH = 240;

    private TckReportCheck() {}

    /**
     * Runs the check; returns normally when it passes and throws {@link CheckFailed} otherwise. It
     * does not call {@code System.exit}, so that it can run inside the Maven JVM (exec:java).
     */
    public static void main(String[] args) {
        int status = run(args, System.out);
        System.out.flush();
        if (status == EXIT_VIOLATION) {
            throw new CheckFailed("JSR-107 TCK check failed: see the summary above");
        }
        if (status != EXIT_OK) {
            throw new CheckFailed("JSR-107 TCK check could not run: see the error above");
        }
    }

    /** Checks every stack named in {@code args}, prints a summary per stack, returns the exit status. */
    static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("TckReportCheck: " + e.getMessage());
            out.println(
                    "usage: TckReportCheck --reports-root DIR --known-failing-dir DIR --expected-runs N" + " STACK...");
            return EXIT_USAGE;
        }
        int status = EXIT_OK;
        for (String stack : options.stacks()) {
            Path reports = options.reportsRoot().resolve(stack);
            Path list = options.knownFailingDir().resolve(stack + ".txt");
            int stackStatus;
            try {
                stackStatus = checkStack(stack, reports, list, options.expectedRuns(), out);
            } catch (CheckException e) {
                out.println();
                out.println("==== JSR-107 TCK check, stack '" + stack + "' ====");
                out.println("ERROR: " + e.getMessage());
                out.println("RESULT " + stack + ": FAILED");
                stackStatus = EXIT_USAGE;
            }
            status = Math.max(status, stackStatus);
        }
        return status;
    }

    static int checkStack(String stack, Path reportsDir, Path listFile, int expectedRuns, PrintStream out)
            throws CheckException {
        if (!Files.isRegularFile(listFile)) {
            throw new CheckException("known-failing list " + listFile + " does not exist; every stack needs one"
                    + " (it may be empty but for comments)");
        }
        KnownFailing list = KnownFailing.read(listFile);

        out.println();
        out.println("==== JSR-107 TCK check, stack '" + stack + "' ====");
        out.println("known-failing: " + listFile + " (" + list.entries().size() + " entries)");
        if (!Files.isDirectory(reportsDir)) {
            out.println("reports:       " + reportsDir + " is MISSING");
            out.println("The TCK did not run for this stack (is there a surefire execution writing to that"
                    + " directory, and did the build skip tests?).");
            out.println("RESULT " + stack + ": FAILED (no reports)");
            return EXIT_VIOLATION;
        }
        Reports reports = Reports.read(reportsDir);
        out.println("reports:       " + reportsDir + " (" + reports.files() + " report files)");

        Verdict verdict = Verdict.of(reports.runs(), list, expectedRuns);
        verdict.print(stack, listFile, out);
        return verdict.ok() ? EXIT_OK : EXIT_VIOLATION;
    }

    /** Thrown by {@link #main} when the check fails; carries no stack trace, the summary says it all. */
    static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** A problem that prevents judging a stack at all: unreadable or malformed list or report. */
    static final class CheckException extends Exception {
        private static final long serialVersionUID = 1L;

        CheckException(String message) {
            super(message);
        }

        CheckException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    record Options(Path reportsRoot, Path knownFailingDir, int expectedRuns, List<String> stacks) {

        static Options parse(String[] args) {
            Path reportsRoot = null;
            Path knownFailingDir = null;
            Integer expectedRuns = null;
            List<String> stacks = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--reports-root" -> reportsRoot = Path.of(value(args, ++i, arg));
                    case "--known-failing-dir" -> knownFailingDir = Path.of(value(args, ++i, arg));
                    case "--expected-runs" -> {
                        String value = value(args, ++i, arg);
                        try {
                            expectedRuns = Integer.parseInt(value.trim());
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--expected-runs needs a number, got '" + value + "'");
                        }
                        if (expectedRuns < 1) {
                            throw new IllegalArgumentException("--expected-runs must be at least 1");
                        }
                    }
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (!STACK_NAME.matcher(arg).matches()) {
                            throw new IllegalArgumentException("bad stack name '" + arg + "'");
                        }
                        stacks.add(arg);
                    }
                }
            }
            if (reportsRoot == null || knownFailingDir == null || expectedRuns == null) {
                throw new IllegalArgumentException(
                        "--reports-root, --known-failing-dir and --expected-runs are required");
            }
            if (stacks.isEmpty()) {
                throw new IllegalArgumentException("name at least one stack");
            }
            return new Options(reportsRoot, knownFailingDir, expectedRuns, List.copyOf(stacks));
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }

    enum Outcome {
        PASSED,
        FAILED,
        ERROR,
        SKIPPED;

        boolean failed() {
            return this == FAILED || this == ERROR;
        }
    }

    /**
     * One test run as surefire reported it: {@code className} is the concrete test class, {@code name}
     * the method name, followed by {@code [parameters]} for a parameterized run.
     */
    record TestRun(String className, String name, Outcome outcome, String detail, String reportFile) {

        String id() {
            return className + "#" + name;
        }
    }

    /**
     * A known-failing list entry. {@code Class#method} matches every run of that method, whatever its
     * parameters ({@code method} itself and {@code method[...]}); {@code Class#method[params]} matches
     * only the run with exactly that name.
     */
    record Entry(String className, String method, int line) {

        boolean exact() {
            return method.indexOf('[') >= 0;
        }

        boolean matches(TestRun run) {
            if (!className.equals(run.className())) {
                return false;
            }
            String name = run.name();
            if (exact() || name.equals(method)) {
                return name.equals(method);
            }
            return name.startsWith(method + "[");
        }

        String text() {
            return className + "#" + method;
        }
    }

    /**
     * A known-failing list: one {@code fully.qualified.TestClass#method} per line. Blank lines and
     * lines whose first non-blank character is {@code #} are ignored; after an entry, whitespace
     * followed by {@code #} starts a comment. An entry may name one parameterized run, e.g. {@code
     * org.jsr107.tck.event.CacheListenerTest#testFilteredListener[true]}.
     */
    record KnownFailing(List<Entry> entries) {

        static KnownFailing read(Path file) throws CheckException {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CheckException("cannot read known-failing list " + file + ": " + e, e);
            }
            try {
                return parse(lines);
            } catch (IllegalArgumentException e) {
                throw new CheckException(file + ": " + e.getMessage(), e);
            }
        }

        static KnownFailing parse(List<String> lines) {
            List<Entry> entries = new ArrayList<>();
            Map<String, Entry> byText = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                int lineNumber = i + 1;
                String text = stripComment(lines.get(i)).strip();
                if (text.isEmpty()) {
                    continue;
                }
                int hash = text.indexOf('#');
                String className = hash < 0 ? "" : text.substring(0, hash);
                String method = hash < 0 ? "" : text.substring(hash + 1);
                if (className.isEmpty()
                        || method.isEmpty()
                        || className.chars().anyMatch(Character::isWhitespace)
                        || method.startsWith("[")
                        || method.indexOf('#') >= 0
                        || (method.indexOf('[') >= 0 && !method.endsWith("]"))) {
                    throw new IllegalArgumentException("line " + lineNumber + ": expected"
                            + " 'fully.qualified.TestClass#method' or '...#method[params]', got '" + text + "'");
                }
                Entry entry = new Entry(className, method, lineNumber);
                Entry previous = byText.putIfAbsent(entry.text(), entry);
                if (previous != null) {
                    throw new IllegalArgumentException(
                            "line " + lineNumber + ": '" + text + "' repeats line " + previous.line());
                }
                entries.add(entry);
            }
            for (Entry entry : entries) {
                if (entry.exact()) {
                    String bare = entry.className() + "#"
                            + entry.method().substring(0, entry.method().indexOf('['));
                    Entry covering = byText.get(bare);
                    if (covering != null) {
                        throw new IllegalArgumentException("line " + entry.line() + ": '" + entry.text()
                                + "' is already covered by '" + bare + "' on line " + covering.line());
                    }
                }
            }
            return new KnownFailing(List.copyOf(entries));
        }

        private static String stripComment(String line) {
            String trimmed = line.stripLeading();
            if (trimmed.startsWith("#")) {
                return "";
            }
            for (int i = 1; i < trimmed.length(); i++) {
                if (trimmed.charAt(i) == '#' && Character.isWhitespace(trimmed.charAt(i - 1))) {
                    return trimmed.substring(0, i);
                }
            }
            return trimmed;
        }
    }

    /** The test runs read from one reports directory. */
    record Reports(int files, List<TestRun> runs) {

        static Reports read(Path dir) throws CheckException {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "TEST-*.xml")) {
                stream.forEach(files::add);
            } catch (IOException e) {
                throw new CheckException("cannot list reports in " + dir + ": " + e, e);
            }
            files.sort(Comparator.naturalOrder());
            DocumentBuilder builder = newBuilder();
            List<TestRun> runs = new ArrayList<>();
            for (Path file : files) {
                Document document;
                try {
                    builder.reset();
                    document = builder.parse(file.toFile());
                } catch (SAXException | IOException e) {
                    throw new CheckException("cannot parse report " + file + ": " + e.getMessage(), e);
                }
                NodeList testcases = document.getElementsByTagName("testcase");
                for (int i = 0; i < testcases.getLength(); i++) {
                    runs.add(toRun(
                            (Element) testcases.item(i), file.getFileName().toString()));
                }
            }
            return new Reports(files.size(), List.copyOf(runs));
        }

        private static DocumentBuilder newBuilder() throws CheckException {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                factory.setXIncludeAware(false);
                factory.setExpandEntityReferences(false);
                factory.setNamespaceAware(false);
                return factory.newDocumentBuilder();
            } catch (ParserConfigurationException e) {
                throw new CheckException("no usable XML parser: " + e.getMessage(), e);
            }
        }

        private static TestRun toRun(Element testcase, String reportFile) {
            String className = testcase.getAttribute("classname");
            String name = testcase.getAttribute("name");
            Outcome outcome = Outcome.PASSED;
            String detail = "";
            for (Node child = testcase.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (!(child instanceof Element element)) {
                    continue;
                }
                switch (element.getTagName()) {
                    case "failure" -> {
                        outcome = Outcome.FAILED;
                        detail = describe(element);
                    }
                    case "error" -> {
                        if (outcome != Outcome.FAILED) {
                            outcome = Outcome.ERROR;
                            detail = describe(element);
                        }
                    }
                    case "skipped" -> {
                        if (outcome == Outcome.PASSED) {
                            outcome = Outcome.SKIPPED;
                            detail = element.getAttribute("message");
                        }
                    }
                    default -> {
                        // system-out, system-err, and flakyFailure/flakyError of a run that passed on a rerun
                    }
                }
            }
            return new TestRun(className, name, outcome, detail, reportFile);
        }

        /** The failure's type and message, and the stack frame most likely to point at the cause. */
        private static String describe(Element failure) {
            String type = failure.getAttribute("type");
            String message = failure.getAttribute("message");
            String trace = failure.getTextContent();
            List<String> traceLines = trace == null ? List.of() : trace.lines().toList();
            if (message.isBlank() && !traceLines.isEmpty()) {
                message = traceLines.get(0);
                type = "";
            }
            StringBuilder out = new StringBuilder();
            if (!type.isBlank()) {
                out.append(type).append(": ");
            }
            List<String> messageLines = message.isBlank()
                    ? List.of("(no message)")
                    : message.strip().lines().toList();
            out.append(String.join("\n", messageLines.subList(0, Math.min(MAX_MESSAGE_LINES, messageLines.size()))));
            if (messageLines.size() > MAX_MESSAGE_LINES) {
                out.append("\n...");
            }
            String frame = firstFrame(traceLines, "dev.terrace.");
            if (frame == null) {
                frame = firstFrame(traceLines, "org.jsr107.tck.");
            }
            if (frame == null) {
                frame = firstFrame(traceLines, "javax.cache.");
            }
            if (frame != null) {
                out.append('\n').append(frame);
            }
            return out.toString();
        }

        private static String firstFrame(List<String> traceLines, String prefix) {
            for (String line : traceLines) {
                String stripped = line.strip();
                if (stripped.startsWith("at " + prefix)) {
                    return stripped;
                }
            }
            return null;
        }
    }

    /** The judgement of one stack's runs against its list. */
    record Verdict(
            List<TestRun> runs,
            int expectedRuns,
            List<TestRun> expectedFailures,
            List<TestRun> unexpectedFailures,
            Map<TestRun, Entry> listedButNotFailing,
            List<Entry> unmatchedEntries) {

        static Verdict of(List<TestRun> runs, KnownFailing list, int expectedRuns) {
            List<TestRun> expectedFailures = new ArrayList<>();
            List<TestRun> unexpectedFailures = new ArrayList<>();
            Map<TestRun, Entry> listedButNotFailing = new LinkedHashMap<>();
            Map<Entry, Boolean> used = new HashMap<>();
            for (TestRun run : runs) {
                Entry entry = null;
                for (Entry candidate : list.entries()) {
                    if (candidate.matches(run)) {
                        entry = candidate;
                        used.put(candidate, Boolean.TRUE);
                        break;
                    }
                }
                if (run.outcome().failed()) {
                    (entry == null ? unexpectedFailures : expectedFailures).add(run);
                } else if (entry != null) {
                    listedButNotFailing.put(run, entry);
                }
            }
            List<Entry> unmatched =
                    list.entries().stream().filter(e -> !used.containsKey(e)).toList();
            return new Verdict(
                    runs, expectedRuns, expectedFailures, unexpectedFailures, listedButNotFailing, unmatched);
        }

        long count(Outcome outcome) {
            return runs.stream().filter(r -> r.outcome() == outcome).count();
        }

        boolean tooFewRuns() {
            return runs.size() < expectedRuns;
        }

        boolean ok() {
            return !tooFewRuns()
                    && unexpectedFailures.isEmpty()
                    && listedButNotFailing.isEmpty()
                    && unmatchedEntries.isEmpty();
        }

        void print(String stack, Path listFile, PrintStream out) {
            long failed = count(Outcome.FAILED);
            long errors = count(Outcome.ERROR);
            out.printf(
                    Locale.ROOT,
                    "runs: %d (expected %d)   passed: %d   failed: %d (failures %d, errors %d)   skipped: %d%n",
                    runs.size(),
                    expectedRuns,
                    count(Outcome.PASSED),
                    failed + errors,
                    failed,
                    errors,
                    count(Outcome.SKIPPED));
            out.println("known failures, still failing: " + expectedFailures.size());

            if (tooFewRuns()) {
                out.println();
                out.println("TOO FEW RUNS: " + runs.size() + " tests ran, at least " + expectedRuns
                        + " expected (tck.expected.runs). Tests were lost: a class that did not load, a"
                        + " crashed or timed-out fork, a changed include/exclude, or a -Dtest filter.");
            } else if (runs.size() > expectedRuns) {
                out.println("note: more runs than expected; raise tck.expected.runs to " + runs.size()
                        + " so that losing them is noticed");
            }

            if (!unexpectedFailures.isEmpty()) {
                out.println();
                out.println("UNEXPECTED FAILURES (" + unexpectedFailures.size() + "), not on " + listFile + ":");
                sorted(unexpectedFailures).forEach(run -> {
                    out.println("  " + run.id() + "  [" + run.outcome().name().toLowerCase(Locale.ROOT) + ", "
                            + run.reportFile() + "]");
                    indent(run.detail(), out);
                });
            }

            if (!listedButNotFailing.isEmpty()) {
                out.println();
                out.println("LISTED BUT PASSING (" + listedButNotFailing.size() + "): these now pass (or are"
                        + " skipped); remove them from " + listFile + ", the list only shrinks:");
                listedButNotFailing.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey(Comparator.comparing(TestRun::id)))
                        .forEach(e -> {
                            TestRun run = e.getKey();
                            Entry entry = e.getValue();
                            String via = entry.text().equals(run.id())
                                    ? ""
                                    : " (via '" + entry.text() + "'; list the failing parameterized runs" + " instead)";
                            out.println("  line " + entry.line() + ": " + run.id() + " "
                                    + run.outcome().name().toLowerCase(Locale.ROOT) + via);
                        });
            }

            if (!unmatchedEntries.isEmpty()) {
                out.println();
                out.println("LISTED BUT NOT RUN (" + unmatchedEntries.size() + "): no test that ran matches"
                        + " these entries of " + listFile + " (renamed, excluded or misspelt); remove them:");
                unmatchedEntries.forEach(e -> out.println("  line " + e.line() + ": " + e.text()));
            }

            if (!expectedFailures.isEmpty()) {
                out.println();
                out.println("known failures (listed, still failing):");
                sorted(expectedFailures).forEach(run -> out.println("  " + run.id()));
            }

            out.println();
            out.printf(
                    Locale.ROOT,
                    "TCK %s: %d run, %d passed, %d failed, %d skipped%n",
                    stack,
                    runs.size(),
                    count(Outcome.PASSED),
                    failed + errors,
                    count(Outcome.SKIPPED));
            if (ok()) {
                out.println("RESULT " + stack + ": OK");
            } else {
                List<String> reasons = new ArrayList<>();
                if (tooFewRuns()) {
                    reasons.add("too few runs");
                }
                if (!unexpectedFailures.isEmpty()) {
                    reasons.add(unexpectedFailures.size() + " unexpected failure"
                            + (unexpectedFailures.size() == 1 ? "" : "s"));
                }
                if (!listedButNotFailing.isEmpty()) {
                    reasons.add(listedButNotFailing.size() + " listed but passing");
                }
                if (!unmatchedEntries.isEmpty()) {
                    reasons.add(unmatchedEntries.size() + " listed but not run");
                }
                out.println("RESULT " + stack + ": FAILED (" + String.join(", ", reasons) + ")");
            }
        }

        private static List<TestRun> sorted(List<TestRun> runs) {
            return runs.stream().sorted(Comparator.comparing(TestRun::id)).toList();
        }

        private static void indent(String detail, PrintStream out) {
            detail.lines()
                    .forEach(line -> out.println("      "
                            + (line.length() > MAX_LINE_LENGTH ? line.substring(0, MAX_LINE_LENGTH) + " ..." : line)));
        }
    }
}
