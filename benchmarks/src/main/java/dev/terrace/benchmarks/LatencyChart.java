package dev.terrace.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An SVG bar chart of the single-thread latencies: one panel per value size, one group of bars per
 * operation, one bar per subject (Terrace's stacks, the peers, and the floors where they apply), on a
 * logarithmic time axis, since the subjects span five orders of magnitude.
 */
final class LatencyChart {

    private static final Map<String, String> COLOURS = Map.ofEntries(
            Map.entry("heap", "#1b5e20"),
            Map.entry("heap+disk", "#388e3c"),
            Map.entry("heap+disk+redis", "#66bb6a"),
            Map.entry("redis", "#a5d6a7"),
            Map.entry("caffeine-jcache", "#0d47a1"),
            Map.entry("ehcache-jcache", "#6a1b9a"),
            Map.entry("redisson-jcache", "#c62828"),
            Map.entry("raw-caffeine", "#90a4ae"),
            Map.entry("raw-mapdb", "#78909c"),
            Map.entry("raw-rbucket", "#546e7a"),
            Map.entry("disk", "#c0ca33"));

    private static final int LEFT = 110;
    private static final int PLOT_WIDTH = 620;
    private static final int BAR = 9;
    private static final int GAP = 2;
    private static final int GROUP_GAP = 12;
    private static final double MIN_DECADE = 1; // 10 ns
    private static final double MAX_DECADE = 7; // 10 ms

    private LatencyChart() {}

    static String svg(Scores scores, int threads) {
        StringBuilder body = new StringBuilder();
        int y = 20;
        text(
                body,
                10,
                y,
                "Terrace and its peers: mean time per operation, " + threads
                        + " thread(s), log scale (shorter is faster)",
                "bold",
                14);
        y += 14;
        y = legend(body, y);
        for (int size : Scores.SIZES) {
            y += 24;
            text(body, 10, y, "values of " + (size == 100 ? "100 B" : "10 KB"), "bold", 13);
            y += 8;
            int top = y;
            for (String operation : Scores.OPERATIONS) {
                int groupTop = y;
                for (String subject : Scores.SUBJECTS) {
                    Scores.Score score = scores.get(operation, subject, size, threads);
                    if (score == null) {
                        continue;
                    }
                    double width = x(score.nanos()) - LEFT;
                    body.append(String.format(
                            Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s: %s</title></rect>%n",
                            LEFT,
                            y,
                            Math.max(width, 1),
                            BAR,
                            COLOURS.get(subject),
                            subject,
                            operation,
                            Scores.time(score.nanos())));
                    text(
                            body,
                            (int) (LEFT + Math.max(width, 1) + 3),
                            y + BAR - 1,
                            Scores.time(score.nanos()),
                            "normal",
                            8);
                    y += BAR + GAP;
                }
                text(body, 10, (groupTop + y) / 2 + 4, operation, "normal", 11);
                y += GROUP_GAP;
            }
            axis(body, top - 4, y);
            y += 14;
        }
        return String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\">%n"
                                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                        LEFT + PLOT_WIDTH + 70,
                        y + 10)
                + body
                + "</svg>\n";
    }

    private static int legend(StringBuilder body, int y) {
        List<String> subjects = Scores.SUBJECTS;
        int x = 10;
        y += 14;
        for (String subject : subjects) {
            String label = subject.equals("disk") ? "disk (Terrace L2 hit)" : subject;
            int width = 18 + label.length() * 6;
            if (x + width > LEFT + PLOT_WIDTH + 60) {
                x = 10;
                y += 16;
            }
            body.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
                    x,
                    y - 9,
                    COLOURS.get(subject)));
            text(body, x + 13, y, label, "normal", 10);
            x += width;
        }
        return y;
    }

    private static void axis(StringBuilder body, int top, int bottom) {
        for (double decade = MIN_DECADE; decade <= MAX_DECADE; decade++) {
            double x = x(Math.pow(10, decade));
            body.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bbb\" stroke-width=\"0.5\"/>%n",
                    x,
                    top,
                    x,
                    bottom));
            text(body, (int) x - 12, bottom + 10, Scores.time(Math.pow(10, decade)), "normal", 9);
        }
    }

    /** The x position of {@code nanos} on the logarithmic axis. */
    private static double x(double nanos) {
        double decade = Math.log10(Math.max(nanos, Math.pow(10, MIN_DECADE)));
        return LEFT + (decade - MIN_DECADE) / (MAX_DECADE - MIN_DECADE) * PLOT_WIDTH;
    }

    private static void text(StringBuilder body, int x, int y, String text, String weight, int size) {
        body.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x,
                y,
                size,
                weight,
                text.replace("&", "&amp;").replace("<", "&lt;")));
    }
}
