package dev.terrace.jcache.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The snippets of the user documentation ({@code docs/*.md} and {@code README.md}) are pieces of files that a
 * test runs, so that a reader who copies one gets code that works. The line before a snippet's fence names the
 * file ({@code <!-- checked: path -->}, relative to the repository root), and the snippet's lines (trimmed,
 * without blank lines and whole-line comments) appear in that file in the same order, one after another.
 * Shell commands and console output are not pieces of a file and are exempt ({@code sh} and {@code text}
 * fences); every other fence of a {@link #FULLY_CHECKED} page must name its file.
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern CHECKED = Pattern.compile("^<!-- checked: (\\S+) -->$");
    private static final List<String> EXEMPT = List.of("sh", "text");

    /** Pages whose every snippet, but for shell commands and console output, names the file it comes from. */
    private static final List<String> FULLY_CHECKED = List.of(
            "docs/spring.md",
            "docs/hibernate.md",
            "docs/configuration.md",
            "docs/getting-started.md",
            "docs/tool-result-cache.md",
            "docs/observability.md",
            "docs/file-dependencies.md",
            "docs/disk-tier.md");

    /** Pages of docs/ that need not have a checked snippet (yet): their snippets are checked when marked. */
    private static final List<String> UNCHECKED_PAGES = List.of(
            "docs/architecture.md",
            "docs/comparison.md",
            "docs/performance.md",
            "docs/reliability.md",
            "docs/redis-tier.md");

    record Snippet(String page, int line, String language, String source, List<String> lines) {

        String where() {
            return page + " line " + line;
        }
    }

    static Stream<String> pages() throws IOException {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            List<String> pages = new ArrayList<>(docs.map(page -> "docs/" + page.getFileName())
                    .filter(page -> page.endsWith(".md"))
                    .sorted()
                    .toList());
            pages.add("README.md");
            return pages.stream();
        }
    }

    static Stream<String> fullyChecked() {
        return FULLY_CHECKED.stream();
    }

    static Stream<String> pagesThatNeedACheckedSnippet() throws IOException {
        return pages().filter(page -> !UNCHECKED_PAGES.contains(page));
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyMarkedSnippetIsAnExcerptOfTheFileItNames(String page) throws IOException {
        for (Snippet snippet : snippets(page)) {
            if (snippet.source() != null) {
                assertThat(excerptProblem(snippet)).as(snippet.where()).isNull();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fullyChecked")
    void everySnippetButCommandsAndOutputNamesItsFile(String page) throws IOException {
        for (Snippet snippet : snippets(page)) {
            if (!EXEMPT.contains(snippet.language())) {
                assertThat(snippet.source())
                        .as(
                                "%s: a '%s' snippet names the file it comes from in a <!-- checked: path --> line"
                                        + " above its fence (commands are 'sh', console output 'text')",
                                snippet.where(), snippet.language())
                        .isNotNull();
            }
        }
    }

    /**
     * A {@code properties} snippet, copied into a file, means what it says: {@link java.util.Properties} keeps a
     * {@code # comment} after a value as part of the value (Terrace then refuses {@code terrace.l3.mode=single
     * # …}), so comments go on lines of their own.
     */
    @ParameterizedTest
    @MethodSource("pages")
    void noPropertiesSnippetHasACommentAfterAValue(String page) throws IOException {
        for (Snippet snippet : snippets(page)) {
            if (!snippet.language().equals("properties")) {
                continue;
            }
            java.util.Properties loaded = new java.util.Properties();
            loaded.load(new java.io.StringReader(String.join("\n", snippet.lines())));
            for (String name : loaded.stringPropertyNames()) {
                assertThat(loaded.getProperty(name))
                        .as("%s: the value of %s as a properties file reads it", snippet.where(), name)
                        .doesNotContain(" #");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("pagesThatNeedACheckedSnippet")
    void everyPageHasACheckedSnippet(String page) throws IOException {
        assertThat(snippets(page).stream().map(Snippet::source).filter(Objects::nonNull))
                .as("%s has at least one snippet that names the file a test runs", page)
                .isNotEmpty();
    }

    @Test
    void aSnippetThatDriftedFromItsFileIsReported() throws IOException {
        String page = "docs/spring.md";
        Snippet checked = snippets(page).stream()
                .filter(snippet -> snippet.source() != null && snippet.lines().size() > 2)
                .findFirst()
                .orElseThrow();
        assertThat(excerptProblem(checked)).as("the unchanged snippet").isNull();

        List<String> drifted = new ArrayList<>(checked.lines());
        int last = drifted.size() - 1;
        while (significant(List.of(drifted.get(last))).isEmpty()) {
            last--;
        }
        drifted.set(last, drifted.get(last) + " changed");
        assertThat(excerptProblem(new Snippet(page, checked.line(), checked.language(), checked.source(), drifted)))
                .as("a changed line")
                .contains("is not an excerpt of " + checked.source());

        List<String> reordered = new ArrayList<>(checked.lines());
        Collections.reverse(reordered);
        assertThat(excerptProblem(new Snippet(page, checked.line(), checked.language(), checked.source(), reordered)))
                .as("lines out of order")
                .isNotNull();

        assertThat(excerptProblem(
                        new Snippet(page, checked.line(), checked.language(), "docs/no-such-file.java", drifted)))
                .as("a file that does not exist")
                .contains("no-such-file.java does not exist");
    }

    @Test
    void theFencesOfAPageAreFoundWithTheirLanguageAndTheirFile() {
        List<Snippet> snippets = snippets(
                "page.md",
                List.of(
                        "text",
                        "<!-- checked: a/B.java -->",
                        "```java",
                        "int x = 1;",
                        "```",
                        "```sh",
                        "mvn test",
                        "```",
                        "```",
                        "plain",
                        "```"));
        assertThat(snippets)
                .extracting(Snippet::line, Snippet::language, Snippet::source, Snippet::lines)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3, "java", "a/B.java", List.of("int x = 1;")),
                        org.assertj.core.groups.Tuple.tuple(6, "sh", null, List.of("mvn test")),
                        org.assertj.core.groups.Tuple.tuple(9, "", null, List.of("plain")));
    }

    /** Why {@code snippet} is not an excerpt of the file it names, or {@code null} when it is. */
    private static String excerptProblem(Snippet snippet) throws IOException {
        Path file = ROOT.resolve(snippet.source());
        if (!Files.isRegularFile(file)) {
            return snippet.source() + " does not exist";
        }
        List<String> excerpt = significant(snippet.lines());
        if (excerpt.isEmpty()) {
            return "the snippet has no line to check";
        }
        if (Collections.indexOfSubList(significant(Files.readAllLines(file)), excerpt) >= 0) {
            return null;
        }
        return "the snippet is not an excerpt of " + snippet.source()
                + " (its lines without blank lines and comments, one after another, in order):\n"
                + String.join("\n", excerpt);
    }

    private static List<Snippet> snippets(String page) throws IOException {
        return snippets(page, Files.readAllLines(ROOT.resolve(page)));
    }

    private static List<Snippet> snippets(String page, List<String> lines) {
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```")) {
                continue;
            }
            String language = lines.get(i).substring(3).trim();
            String source = null;
            if (i > 0) {
                Matcher checked = CHECKED.matcher(lines.get(i - 1).trim());
                source = checked.matches() ? checked.group(1) : null;
            }
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            snippets.add(new Snippet(page, i + 1, language, source, lines.subList(start, end)));
            i = end;
        }
        return snippets;
    }

    /** The lines that carry meaning: trimmed, neither blank nor a whole-line comment. */
    private static List<String> significant(List<String> lines) {
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.trim();
            boolean comment = trimmed.startsWith("#")
                    || trimmed.startsWith("//")
                    || trimmed.startsWith("/*")
                    || trimmed.startsWith("*")
                    || (trimmed.startsWith("<!--") && trimmed.endsWith("-->"));
            if (!trimmed.isEmpty() && !comment) {
                kept.add(trimmed);
            }
        }
        return kept;
    }
}
