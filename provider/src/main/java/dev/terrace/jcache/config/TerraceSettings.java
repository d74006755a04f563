package dev.terrace.jcache.config;

import java.time.Clock;
import java.util.Objects;
import java.util.Properties;

/**
 * The settings a cache manager gives the caches it creates: which tiers they layer and how large each tier
 * is. Read from the properties given to {@code CachingProvider.getCacheManager}, falling back to system
 * properties of the same name, then to the defaults.
 *
 * <ul>
 *   <li>{@code terrace.stack}: the tier stack, {@code heap} by default;
 *   <li>{@code terrace.l1.max-entries}: the most entries the heap tier of each cache holds, {@value
 *       #DEFAULT_HEAP_MAX_ENTRIES} by default;
 *   <li>{@code terrace.clock}: a {@link Clock} object (not a string) that expiry is measured with, the system
 *       clock by default; tests put a controllable clock here to test expiry without waiting.
 * </ul>
 */
public record TerraceSettings(TierStack stack, long heapMaxEntries, Clock clock) {

    public static final String STACK = "terrace.stack";
    public static final String HEAP_MAX_ENTRIES = "terrace.l1.max-entries";
    public static final String CLOCK = "terrace.clock";
    public static final long DEFAULT_HEAP_MAX_ENTRIES = 10_000;

    public TerraceSettings {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(clock, "clock");
        if (heapMaxEntries <= 0) {
            throw new IllegalArgumentException(
                    HEAP_MAX_ENTRIES + " must be a positive number of entries, was " + heapMaxEntries);
        }
    }

    /** The settings named in {@code properties}, else in system properties, else the defaults. */
    public static TerraceSettings from(Properties properties) {
        TierStack stack = TierStack.parse(lookup(properties, STACK, TierStack.HEAP.id()));
        long heapMaxEntries = parseLong(
                HEAP_MAX_ENTRIES, lookup(properties, HEAP_MAX_ENTRIES, Long.toString(DEFAULT_HEAP_MAX_ENTRIES)));
        Object clock = properties == null ? null : properties.get(CLOCK);
        if (clock != null && !(clock instanceof Clock)) {
            throw new IllegalArgumentException(CLOCK + " must be a java.time.Clock object, was a "
                    + clock.getClass().getName());
        }
        return new TerraceSettings(stack, heapMaxEntries, clock == null ? Clock.systemUTC() : (Clock) clock);
    }

    private static String lookup(Properties properties, String name, String fallback) {
        String value = properties == null ? null : properties.getProperty(name);
        if (value == null) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'", e);
        }
    }
}
