package dev.terrace.examples;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What {@link SlowComputationDemo} measured, and the table it prints. */
public record Report(SlowComputationDemo.Settings settings, String statisticsBeans, List<Phase> phases) {

    /**
     * One pass over a list of keys.
     *
     * @param name {@code uncached}, {@code cache-aside}, {@code read-through} or {@code scan}
     * @param lookups how many keys were looked up
     * @param wallNanos how long the pass took
     * @param slowCalls how many times the slow function ran
     * @param stats the cache's statistics at the end of the pass; {@code null} for the uncached pass
     */
    public record Phase(String name, int lookups, long wallNanos, long slowCalls, CacheStats stats) {

        public long wallMillis() {
            return TimeUnit.NANOSECONDS.toMillis(wallNanos);
        }
    }

    /** The phase called {@code name}. */
    public Phase phase(String name) {
        return phases.stream()
                .filter(phase -> phase.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No phase " + name));
    }

    /** The report as a few lines of text. */
    public String format() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "%nSlow computation: %d lookups of %d distinct numbers, %d ms per computation;"
                        + " heap tier bound: %d entries per cache%n%n",
                settings.requests(),
                settings.distinctKeys(),
                settings.computeTime().toMillis(),
                settings.heapBound()));
        String row = "%-13s %7s %8s %10s %6s %6s %6s %6s %6s %9s %11s%n";
        text.append(String.format(
                Locale.ROOT,
                row,
                "phase",
                "lookups",
                "wall ms",
                "slow calls",
                "gets",
                "hits",
                "misses",
                "hit %",
                "puts",
                "evictions",
                "avg get us"));
        for (Phase phase : phases) {
            CacheStats s = phase.stats();
            text.append(String.format(
                    Locale.ROOT,
                    row,
                    phase.name(),
                    phase.lookups(),
                    phase.wallMillis(),
                    phase.slowCalls(),
                    s == null ? "-" : s.gets(),
                    s == null ? "-" : s.hits(),
                    s == null ? "-" : s.misses(),
                    s == null ? "-" : String.format(Locale.ROOT, "%.1f", s.hitPercentage()),
                    s == null ? "-" : s.puts(),
                    s == null ? "-" : s.evictions(),
                    s == null ? "-" : String.format(Locale.ROOT, "%.1f", s.averageGetMicros())));
        }
        long uncached = phase("uncached").wallNanos();
        Phase scan = phase("scan");
        text.append(String.format(
                Locale.ROOT,
                "%ncache-aside ran %.1fx faster than uncached, read-through %.1fx."
                        + "%nRead-through gets include the loader's time; its loads are not counted as puts."
                        + "%nThe scan looked up %d new numbers through a cache bounded at %d entries: %d evictions."
                        + "%nStatistics read over JMX from %s%n",
                (double) uncached / phase("cache-aside").wallNanos(),
                (double) uncached / phase("read-through").wallNanos(),
                scan.lookups(),
                settings.heapBound(),
                scan.stats().evictions(),
                statisticsBeans));
        return text.toString();
    }
}
