package dev.terrace.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TckReportCheckTest {

    private static final String GET = "org.jsr107.tck.GetTest";
    private static final String LISTENER = "org.jsr107.tck.event.CacheListenerTest";

    @TempDir
    Path root;

    private Path reportsRoot;
    private Path listDir;
    private String output = "";

    @BeforeEach
    void setUp() throws IOException {
        reportsRoot = Files.createDirectories(root.resolve("tck-reports"));
        listDir = Files.createDirectories(root.resolve("known-failing"));
    }

    @Test
    void passesWhenEveryRunPassesAndNothingIsListed() throws IOException {
        report("heap", GET, pass("get_Closed"), pass("get_NullKey"));
        report("heap", LISTENER, pass("testRemove[true]"), pass("testRemove[false]"));
        list("heap", "# nothing yet");

        assertThat(check(4, "heap")).isEqualTo(TckReportCheck.EXIT_OK);
        assertThat(output)
                .contains("runs: 4 (expected 4)   passed: 4   failed: 0")
                .contains("RESULT heap: OK");
    }

    @Test
    void unexpectedFailureFailsAndShowsItsMessage() throws IOException {
        report(
                "heap",
                GET,
                pass("get_Closed"),
                failure(
                        "get_NullKey",
                        "java.lang.AssertionError",
                        "expected NullPointerException",
                        "java.lang.AssertionError: expected NullPointerException\n"
                                + "\tat org.junit.Assert.fail(Assert.java:89)\n"
                                + "\tat dev.terrace.jcache.TerraceCache.get(TerraceCache.java:42)\n"
                                + "\tat org.jsr107.tck.GetTest.get_NullKey(GetTest.java:77)\n"));
        report("heap", LISTENER, error("testRemove[true]", "java.lang.IllegalStateException", "closed"));
        list("heap");

        assertThat(check(3, "heap")).isEqualTo(TckReportCheck.EXIT_VIOLATION);
        assertThat(output)
                .contains("UNEXPECTED FAILURES (2)")
                .contains(GET + "#get_NullKey  [failed")
                .contains("java.lang.AssertionError: expected NullPointerException")
                .contains("at dev.terrace.jcache.TerraceCache.get(TerraceCache.java:42)")
                .contains(LISTENER + "#testRemove[true]  [error")
                .contains("failed: 2 (failures 1, errors 1)")
                .contains("RESULT heap: FAILED (2 unexpected failures)");
    }

    @Test
    void listedFailuresAreAcceptedAndBareEntryCoversAllParameters() throws IOException {
        report("heap", GET, pass("get_Closed"), failure("get_NullKey", "java.lang.AssertionError", "boom", ""));
        report(
                "heap",
                LISTENER,
                failure("testRemove[true]", "java.lang.AssertionError", "x", ""),
                failure("testRemove[false]", "java.lang.AssertionError", "x", ""),
                failure("testPut[true]", "java.lang.AssertionError", "x", ""),
                pass("testPut[false]"));
        list(
                "heap",
                "# reasons follow entries",
                GET + "#get_NullKey   # issue 12",
                "",
                "  " + LISTENER + "#testRemove",
                LISTENER + "#testPut[true]");

        assertThat(check(6, "heap")).isEqualTo(TckReportCheck.EXIT_OK);
        assertThat(output)
                .contains("known failures, still failing: 4")
                .contains("TCK heap: 6 run, 2 passed, 4 failed, 0 skipped")
                .contains("RESULT heap: OK");
    }

    @Test
    void listedRunThatPassesOrIsSkippedFails() throws IOException {
        report("heap", GET, pass("get_Closed"), skipped("get_NullKey"));
        report(
                "heap",
                LISTENER,
                failure("testRemove[true]", "java.lang.AssertionError", "x", ""),
                pass("testRemove[false]"));
        list("heap", GET + "#get_Closed", GET + "#get_NullKey", LISTENER + "#testRemove");

        assertThat(check(4, "heap")).isEqualTo(TckReportCheck.EXIT_VIOLATION);
        assertThat(output)
                .contains("LISTED BUT PASSING (3)")
                .contains("line 1: " + GET + "#get_Closed passed")
                .contains("line 2: " + GET + "#get_NullKey skipped")
                .contains("line 3: " + LISTENER + "#testRemove[false] passed (via '" + LISTENER + "#testRemove'")
                .contains("RESULT heap: FAILED (3 listed but passing)");
    }

    @Test
    void entryMatchingNoRunFails() throws IOException {
        report("heap", GET, failure("get_NullKey", "java.lang.AssertionError", "x", ""));
        list("heap", GET + "#get_NullKey", GET + "#get_Renamed", LISTENER + "#testRemove[maybe]");

        assertThat(check(1, "heap")).isEqualTo(TckReportCheck.EXIT_VIOLATION);
        assertThat(output)
                .contains("LISTED BUT NOT RUN (2)")
                .contains("line 2: " + GET + "#get_Renamed")
                .contains("line 3: " + LISTENER + "#testRemove[maybe]");
    }

    @Test
    void fewerRunsThanExpectedFails() throws IOException {
        report("heap", GET, pass("get_Closed"));
        list("heap");

        assertThat(check(479, "heap")).isEqualTo(TckReportCheck.EXIT_VIOLATION);
        assertThat(output).contains("TOO FEW RUNS: 1 tests ran, at least 479 expected");
    }

    @Test
    void emptyReportsDirectoryFailsOnTheRunCount() throws IOException {
        Files.createDirectories(reportsRoot.resolve("heap"));
        list("heap");

        assertThat(check(479, "heap")).isEqualTo(TckReportCheck.EXIT_VIOLATION);
        assertThat(output).contains("(0 report files)").contains("TOO FEW RUNS: 0 tests ran");
    }

    @Test
    void missingReportsDirectoryFails() throws IOException {
        list("heap");

        assertThat(check(479, "heap")).isEqualTo(TckReportCheck.EXIT_VIOLATION);
        assertThat(output).contains("is MISSING").contains("RESULT heap: FAILED (no reports)");
    }

    @Test
    void everyStackIsCheckedAndAnyFailureFails() throws IOException {
        report("heap", GET, pass("get_Closed"));
        list("heap");
        report("disk", GET, failure("get_Closed", "java.lang.AssertionError", "x", ""));
        list("disk");

        assertThat(check(1, "heap", "disk")).isEqualTo(TckReportCheck.EXIT_VIOLATION);
        assertThat(output).contains("RESULT heap: OK").contains("RESULT disk: FAILED");
    }

    @Test
    void missingListFileOrBadArgumentsAreUsageErrors() throws IOException {
        report("heap", GET, pass("get_Closed"));

        assertThat(check(1, "heap")).isEqualTo(TckReportCheck.EXIT_USAGE);
        assertThat(output).contains("heap.txt does not exist");

        assertThat(run("--reports-root", reportsRoot.toString(), "heap")).isEqualTo(TckReportCheck.EXIT_USAGE);
        assertThat(run("--reports-root", "r", "--known-failing-dir", "k", "--expected-runs", "many", "heap"))
                .isEqualTo(TckReportCheck.EXIT_USAGE);
    }

    @Test
    void mainReturnsWhenTheCheckPassesAndThrowsOtherwise() throws IOException {
        report("heap", GET, pass("get_Closed"));
        list("heap");
        String[] args = {
            "--reports-root",
            reportsRoot.toString(),
            "--known-failing-dir",
            listDir.toString(),
            "--expected-runs",
            "1",
            "heap"
        };
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            TckReportCheck.main(args);
            args[5] = "2";
            assertThatThrownBy(() -> TckReportCheck.main(args))
                    .isInstanceOf(TckReportCheck.CheckFailed.class)
                    .hasMessageContaining("check failed");
            args[6] = "-bad";
            assertThatThrownBy(() -> TckReportCheck.main(args))
                    .isInstanceOf(TckReportCheck.CheckFailed.class)
                    .hasMessageContaining("could not run");
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void malformedReportIsAnError() throws IOException {
        Path dir = Files.createDirectories(reportsRoot.resolve("heap"));
        Files.writeString(dir.resolve("TEST-org.jsr107.tck.GetTest.xml"), "<testsuite><testcase name=");
        list("heap");

        assertThat(check(1, "heap")).isEqualTo(TckReportCheck.EXIT_USAGE);
        assertThat(output).contains("cannot parse report");
    }

    @Test
    void listParsingSkipsCommentsAndBlankLines() {
        TckReportCheck.KnownFailing list = TckReportCheck.KnownFailing.parse(List.of(
                "# header",
                "   # indented comment",
                "",
                "a.B#m   # why",
                "a.B#p[true]\t# tab before the comment",
                "  a.B#q[1: x y]"));
        assertThat(list.entries())
                .extracting(TckReportCheck.Entry::text)
                .containsExactly("a.B#m", "a.B#p[true]", "a.B#q[1: x y]");
        assertThat(list.entries()).extracting(TckReportCheck.Entry::line).containsExactly(4, 5, 6);
    }

    @Test
    void listRejectsMalformedRepeatedAndOverlappingEntries() {
        assertThatThrownBy(() -> TckReportCheck.KnownFailing.parse(List.of("a.B.m")))
                .hasMessageContaining("line 1: expected");
        assertThatThrownBy(() -> TckReportCheck.KnownFailing.parse(List.of("a.B#")))
                .hasMessageContaining("line 1: expected");
        assertThatThrownBy(() -> TckReportCheck.KnownFailing.parse(List.of("#x", "a.B#m[true")))
                .hasMessageContaining("line 2: expected");
        assertThatThrownBy(() -> TckReportCheck.KnownFailing.parse(List.of("a.B#m", "a.B#m  # again")))
                .hasMessageContaining("line 2: 'a.B#m' repeats line 1");
        assertThatThrownBy(() -> TckReportCheck.KnownFailing.parse(List.of("a.B#m[true]", "a.B#m")))
                .hasMessageContaining("line 1: 'a.B#m[true]' is already covered by 'a.B#m' on line 2");
    }

    @Test
    void bareEntryMatchesParameterizedRunsButNotOtherMethodsWithTheSamePrefix() {
        TckReportCheck.Entry bare = new TckReportCheck.Entry("a.B", "m", 1);
        TckReportCheck.Entry exact = new TckReportCheck.Entry("a.B", "m[true]", 2);

        assertThat(bare.matches(run("a.B", "m"))).isTrue();
        assertThat(bare.matches(run("a.B", "m[true]"))).isTrue();
        assertThat(bare.matches(run("a.B", "m[1: x]"))).isTrue();
        assertThat(bare.matches(run("a.B", "mm"))).isFalse();
        assertThat(bare.matches(run("a.B", "m_other[true]"))).isFalse();
        assertThat(bare.matches(run("a.C", "m"))).isFalse();
        assertThat(exact.matches(run("a.B", "m[true]"))).isTrue();
        assertThat(exact.matches(run("a.B", "m[false]"))).isFalse();
        assertThat(exact.matches(run("a.B", "m"))).isFalse();
    }

    private static TckReportCheck.TestRun run(String className, String name) {
        return new TckReportCheck.TestRun(className, name, TckReportCheck.Outcome.FAILED, "", "TEST-x.xml");
    }

    private int check(int expectedRuns, String... stacks) {
        List<String> args = new ArrayList<>(List.of(
                "--reports-root",
                reportsRoot.toString(),
                "--known-failing-dir",
                listDir.toString(),
                "--expected-runs",
                Integer.toString(expectedRuns)));
        args.addAll(List.of(stacks));
        return run(args.toArray(String[]::new));
    }

    private int run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = TckReportCheck.run(args, out);
        }
        output = bytes.toString(StandardCharsets.UTF_8);
        return status;
    }

    private void list(String stack, String... lines) throws IOException {
        Files.write(listDir.resolve(stack + ".txt"), List.of(lines), StandardCharsets.UTF_8);
    }

    /** Writes a report shaped like surefire's TEST-*.xml. */
    private void report(String stack, String className, String... testcases) throws IOException {
        Path dir = Files.createDirectories(reportsRoot.resolve(stack));
        StringBuilder xml = new StringBuilder();
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"")
                .append(" name=\"")
                .append(className)
                .append("\" time=\"0.1\" tests=\"")
                .append(testcases.length)
                .append("\">\n  <properties>\n    <property name=\"terrace.stack\" value=\"")
                .append(stack)
                .append("\"/>\n  </properties>\n");
        for (String testcase : testcases) {
            xml.append(testcase.replace("@CLASS@", className)).append('\n');
        }
        xml.append("</testsuite>\n");
        Files.writeString(dir.resolve("TEST-" + className + ".xml"), xml.toString());
    }

    private static String pass(String name) {
        return "  <testcase name=\"" + name + "\" classname=\"@CLASS@\" time=\"0.01\"/>";
    }

    private static String skipped(String name) {
        return "  <testcase name=\"" + name + "\" classname=\"@CLASS@\" time=\"0\">"
                + "<skipped message=\"ignored\"/></testcase>";
    }

    private static String failure(String name, String type, String message, String trace) {
        return "  <testcase name=\"" + name + "\" classname=\"@CLASS@\" time=\"0.01\">"
                + "<failure message=\"" + message + "\" type=\"" + type + "\"><![CDATA[" + trace
                + "]]></failure><system-out><![CDATA[log]]></system-out></testcase>";
    }

    private static String error(String name, String type, String message) {
        return "  <testcase name=\"" + name + "\" classname=\"@CLASS@\" time=\"0.01\">"
                + "<error message=\"" + message + "\" type=\"" + type + "\">" + type + ": " + message
                + "\n\tat org.jsr107.tck.event.CacheListenerTest.testRemove(CacheListenerTest.java:1)"
                + "</error></testcase>";
    }
}
