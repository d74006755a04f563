package dev.terrace.jcache.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which tiers a cache layers, nearest first. */
public enum TierStack {
    /** The heap tier alone. */
    HEAP("heap");

    private final String id;

    TierStack(String id) {
        this.id = id;
    }

    /** The name used in configuration, such as {@code heap}. */
    public String id() {
        return id;
    }

    /**
     * The stack named {@code id}.
     *
     * @throws IllegalArgumentException naming the allowed values when {@code id} is unknown
     */
    public static TierStack parse(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (TierStack stack : values()) {
            if (stack.id.equals(wanted)) {
                return stack;
            }
        }
        throw new IllegalArgumentException("Unknown tier stack '" + id + "'; allowed: "
                + Arrays.stream(values()).map(TierStack::id).collect(Collectors.joining(", ")));
    }
}
