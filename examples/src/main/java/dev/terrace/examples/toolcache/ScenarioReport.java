package dev.terrace.examples.toolcache;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Scenario} did, step by step: each step's lines and whether everything it checked came out as
 * expected. Steps are printed as they finish, so a reader follows the scenario as it runs.
 */
public final class ScenarioReport {

    /**
     * One step.
     *
     * @param title what the step shows
     * @param lines what happened, one observation per line; a failed check is marked {@code UNEXPECTED}
     * @param asExpected whether every check of the step passed
     */
    public record Step(String title, List<String> lines, boolean asExpected) {}

    private final List<Step> steps = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private List<String> lines = new ArrayList<>();
    private boolean asExpected = true;

    /** Adds an observation to the current step. */
    void line(String format, Object... arguments) {
        lines.add(String.format(java.util.Locale.ROOT, format, arguments));
    }

    /** Adds an observation that must hold; a failed one marks the step as not as expected. */
    void check(boolean holds, String format, Object... arguments) {
        line((holds ? "ok          " : "UNEXPECTED  ") + format, arguments);
        asExpected &= holds;
    }

    /** Closes the current step under {@code title} and prints it. */
    void finish(String title) {
        Step step = new Step(title, List.copyOf(lines), asExpected);
        steps.add(step);
        lines = new ArrayList<>();
        asExpected = true;
        System.out.print(format(steps.size(), step));
    }

    /** Records that the step {@code title} could not run, and why; prints it. */
    void skip(String title, String why) {
        skipped.add(title);
        System.out.printf("%n-- skipped: %s%n   %s%n", title, why);
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /** The titles of the steps that could not run (the shared-tier steps, without Redis). */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** Whether every step that ran found what it expected. */
    public boolean asExpected() {
        return steps.stream().allMatch(Step::asExpected);
    }

    /** The step whose title starts with {@code prefix}. */
    public Step step(String prefix) {
        return steps.stream()
                .filter(step -> step.title().startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No step " + prefix + " in " + steps));
    }

    private static String format(int number, Step step) {
        StringBuilder text = new StringBuilder(String.format("%n%d. %s%n", number, step.title()));
        step.lines().forEach(line -> text.append("   ").append(line).append('\n'));
        return text.toString();
    }
}
