package dev.terrace.jcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every code and YAML snippet of {@code docs/spring.md} is a piece of a file that a test runs: the line before
 * its fence names the file ({@code <!-- checked: path -->}), and its lines (without blank lines and whole-line
 * comments) appear in that file in the same order, one after another. Shell commands and console output are not
 * snippets of a file and are exempt ({@code sh} and {@code text} fences).
 */
class SpringDocSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern CHECKED = Pattern.compile("^<!-- checked: (\\S+) -->$");
    private static final List<String> EXEMPT = List.of("sh", "text");

    record Snippet(int line, String language, String source, List<String> lines) {}

    @Test
    void everySnippetOfSpringMdIsAnExcerptOfTheFileItNames() throws IOException {
        List<Snippet> snippets = snippets(ROOT.resolve("docs/spring.md"));
        assertThat(snippets).as("docs/spring.md has snippets to check").hasSizeGreaterThan(3);
        for (Snippet snippet : snippets) {
            if (EXEMPT.contains(snippet.language())) {
                continue;
            }
            assertThat(snippet.source())
                    .as(
                            "spring.md line %d: a %s snippet names the file it comes from",
                            snippet.line(), snippet.language())
                    .isNotNull();
            Path file = ROOT.resolve(snippet.source());
            assertThat(file)
                    .as("spring.md line %d names an existing file", snippet.line())
                    .isRegularFile();
            List<String> content = significant(Files.readAllLines(file));
            List<String> excerpt = significant(snippet.lines());
            assertThat(Collections.indexOfSubList(content, excerpt))
                    .as(
                            "spring.md line %d: the snippet is an excerpt of %s (lines without comments, in order)%n%s",
                            snippet.line(), snippet.source(), String.join("\n", excerpt))
                    .isNotNegative();
        }
    }

    private static List<Snippet> snippets(Path markdown) throws IOException {
        List<String> lines = Files.readAllLines(markdown);
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
            snippets.add(new Snippet(i + 1, language, source, lines.subList(start, end)));
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
