package dev.terrace.jcache.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which tiers a cache layers, nearest first; the last one is authoritative. */
public enum TierStack {
    /** The heap tier alone. */
    HEAP("heap", false),
    /** A heap tier over a disk tier that holds every entry and survives restarts. */
    HEAP_DISK("heap+disk", true),
    /** The disk tier alone. */
    DISK("disk", true),
    /** The Redis tier alone: shared by every process, authoritative. */
    REDIS("redis", false),
    /** A heap tier of near copies over Redis. */
    HEAP_REDIS("heap+redis", false),
    /** Heap and disk near copies over Redis. */
    HEAP_DISK_REDIS("heap+disk+redis", true);

    private final String id;
    private final boolean hasDisk;

    TierStack(String id, boolean hasDisk) {
        this.id = id;
        this.hasDisk = hasDisk;
    }

    /**
     * Whether the stack has the Redis tier, and so needs a connection.
     *
     * @return {@code true} for the stacks ending in {@code redis}
     */
    public boolean hasRedis() {
        return id.endsWith("redis");
    }

    /**
     * The name used in configuration.
     *
     * @return the stack's name, such as {@code heap+disk}
     */
    public String id() {
        return id;
    }

    /**
     * Whether the stack has a disk tier, and so needs a directory.
     *
     * @return {@code true} for the stacks with {@code disk}
     */
    public boolean hasDisk() {
        return hasDisk;
    }

    /**
     * The stack named {@code id}.
     *
     * @param id a stack's name, in any case and with or without spaces
     * @return the stack
     * @throws IllegalArgumentException naming the allowed values when {@code id} is unknown
     */
    public static TierStack parse(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        for (TierStack stack : values()) {
            if (stack.id.equals(wanted)) {
                return stack;
            }
        }
        throw new IllegalArgumentException("Unknown tier stack '" + id + "' in terrace.stack; allowed: "
                + Arrays.stream(values()).map(TierStack::id).collect(Collectors.joining(", ")));
    }
}
