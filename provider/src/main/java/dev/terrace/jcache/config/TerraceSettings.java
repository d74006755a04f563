package dev.terrace.jcache.config;

import java.util.Properties;

/**
 * The settings a cache manager gives the caches it creates: which tiers they layer and how large each tier
 * is. Read from the properties given to {@code CachingProvider.getCacheManager}, falling back to system
 * properties of the same name, then to the defaults.
 *
 * <ul>
 *   <li>{@code terrace.stack}: the tier stack, {@code heap} by default;
 *   <li>{@code terrace.l1.max-entries}: the most entries the heap tier of each cache holds, {@value
 *       #DEFAULT_HEAP_MAX_ENTRIES} by default.
 * </ul>
 */
public record TerraceSettings(TierStack stack, long heapMaxEntries) {

    public static final String STACK = "terrace.stack";
    public static final String HEAP_MAX_ENTRIES = "terrace.l1.max-entries";
    public static final long DEFAULT_HEAP_MAX_ENTRIES = 10_000;

    public TerraceSettings {
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
        return new TerraceSettings(stack, heapMaxEntries);
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
