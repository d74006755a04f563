package dev.terrace.jcache.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * The settings a cache manager gives the caches it creates: which tiers they layer and how large each tier
 * is. Read from the properties given to {@code CachingProvider.getCacheManager}, falling back to system
 * properties of the same name, then to the defaults.
 *
 * <ul>
 *   <li>{@code terrace.stack}: the tier stack: {@code heap} (default), {@code heap+disk}, {@code disk},
 *       {@code redis}, {@code heap+redis} or {@code heap+disk+redis}; Redis is reached as {@link
 *       RedisSettings} say;
 *   <li>{@code terrace.l1.max-entries}: the most entries the heap tier of each cache holds, {@value
 *       #DEFAULT_HEAP_MAX_ENTRIES} by default;
 *   <li>{@code terrace.l2.path}: the directory disk stores live under, one subdirectory per manager and
 *       cache; by default {@code $XDG_CACHE_HOME/terrace} when that variable is set, else {@code
 *       <user.home>/.cache/terrace}: the user's cache directory, which survives reboots and the cleaners that
 *       empty the temporary directory ({@link #defaultDiskPath()});
 *   <li>{@code terrace.l2.max-size-mb}: the most megabytes the files of each cache's disk store take, {@value
 *       #DEFAULT_DISK_MAX_MB} by default;
 *   <li>{@code terrace.l2.fsync}: {@code true} to force every disk write to the device (survives power loss,
 *       costs milliseconds per write); {@code false} by default (writes survive the death of the process);
 *   <li>{@code terrace.l1.ttl-seconds}, {@code terrace.l2.ttl-seconds}, {@code terrace.l3.ttl-seconds}: the
 *       longest an entry lives on the heap, on disk, in Redis, whatever the expiry policy says (0, the default:
 *       no limit);
 *   <li>{@code terrace.l2.per-process-path}: {@code true} to give each process its own disk stores (a
 *       subdirectory named by the process id) instead of failing when another process uses them;
 *   <li>{@code terrace.clock}: a {@link Clock} object (not a string) that expiry is measured with, the system
 *       clock by default; tests put a controllable clock here to test expiry without waiting;
 *   <li>{@code terrace.files.*}: file dependencies, as {@link FileWatchSettings} say.
 * </ul>
 */
public record TerraceSettings(
        TierStack stack,
        long heapMaxEntries,
        Duration heapTtl,
        Path diskPath,
        long diskMaxBytes,
        boolean diskFsync,
        boolean diskPerProcessPath,
        Duration diskTtl,
        RedisSettings redis,
        Duration redisTtl,
        Clock clock,
        FileWatchSettings files) {

    /** Property: the tier stack. */
    public static final String STACK = "terrace.stack";

    /** Property: the most entries the heap tier of each cache holds. */
    public static final String HEAP_MAX_ENTRIES = "terrace.l1.max-entries";

    /** Property: the directory disk stores live under. */
    public static final String DISK_PATH = "terrace.l2.path";

    /** Property: the most megabytes each cache's disk store takes. */
    public static final String DISK_MAX_MB = "terrace.l2.max-size-mb";

    /** Property: whether every disk write is forced to the device. */
    public static final String DISK_FSYNC = "terrace.l2.fsync";

    /** Property: whether each process gets its own disk stores. */
    public static final String DISK_PER_PROCESS_PATH = "terrace.l2.per-process-path";

    /** Property: the longest an entry stays on disk, in seconds. */
    public static final String DISK_TTL_SECONDS = "terrace.l2.ttl-seconds";

    /** Property: the longest an entry stays on the heap, in seconds. */
    public static final String HEAP_TTL_SECONDS = "terrace.l1.ttl-seconds";

    /** Property: the longest an entry stays in Redis, in seconds. */
    public static final String REDIS_TTL_SECONDS = "terrace.l3.ttl-seconds";

    /** Property: the {@link Clock} that expiry is measured with. */
    public static final String CLOCK = "terrace.clock";

    /** The heap tier's size when none is configured. */
    public static final long DEFAULT_HEAP_MAX_ENTRIES = 10_000;

    /** The disk store's size in megabytes when none is configured. */
    public static final long DEFAULT_DISK_MAX_MB = 256;

    /**
     * Checks the settings.
     *
     * @param stack the tiers each cache layers
     * @param heapMaxEntries the most entries the heap tier of each cache holds; positive
     * @param heapTtl the longest an entry stays on the heap; zero for no limit
     * @param diskPath the directory disk stores live under
     * @param diskMaxBytes the most bytes each cache's disk store takes; at least a megabyte
     * @param diskFsync whether every disk write is forced to the device
     * @param diskPerProcessPath whether each process gets its own disk stores
     * @param diskTtl the longest an entry stays on disk; zero for no limit
     * @param redis how Redis is reached; {@code null} when the stack has no Redis tier
     * @param redisTtl the longest an entry stays in Redis; zero for no limit
     * @param clock what expiry is measured with
     * @param files how file dependencies are tracked
     * @throws IllegalArgumentException when the heap holds no entries or the disk store has less than a megabyte
     */
    public TerraceSettings {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(diskPath, "diskPath");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(heapTtl, "heapTtl");
        Objects.requireNonNull(diskTtl, "diskTtl");
        Objects.requireNonNull(redisTtl, "redisTtl");
        Objects.requireNonNull(files, "files");
        if (heapMaxEntries <= 0) {
            throw new IllegalArgumentException(
                    HEAP_MAX_ENTRIES + " must be a positive number of entries, was " + heapMaxEntries);
        }
        if (diskMaxBytes < 1024 * 1024) {
            throw new IllegalArgumentException(
                    DISK_MAX_MB + " must be at least 1 (megabyte), was " + diskMaxBytes / (1024 * 1024));
        }
    }

    /**
     * Where disk stores live when {@code terrace.l2.path} is not set: the user's cache directory ({@code
     * $XDG_CACHE_HOME}, else {@code <user.home>/.cache}), then {@code terrace}. Not the temporary directory, which
     * many systems empty at boot or on a timer.
     *
     * @return the default root of the disk stores
     */
    public static Path defaultDiskPath() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "terrace");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "terrace");
    }

    /**
     * The settings named in {@code properties}, else in system properties, else the defaults.
     *
     * @param properties the cache manager's properties; may be {@code null}
     * @return the settings
     * @throws IllegalArgumentException when a property holds a value it does not allow, naming the property
     */
    public static TerraceSettings from(Properties properties) {
        TierStack stack = TierStack.parse(lookup(properties, STACK, TierStack.HEAP.id()));
        long heapMaxEntries = parseLong(
                HEAP_MAX_ENTRIES, lookup(properties, HEAP_MAX_ENTRIES, Long.toString(DEFAULT_HEAP_MAX_ENTRIES)));
        Path diskPath = Path.of(lookup(properties, DISK_PATH, defaultDiskPath().toString()));
        long diskMaxMb = parseLong(DISK_MAX_MB, lookup(properties, DISK_MAX_MB, Long.toString(DEFAULT_DISK_MAX_MB)));
        if (diskMaxMb < 1 || diskMaxMb > Long.MAX_VALUE / (1024 * 1024)) {
            throw new IllegalArgumentException(
                    DISK_MAX_MB + " must be a positive number of megabytes, was " + diskMaxMb);
        }
        boolean fsync = parseBoolean(DISK_FSYNC, lookup(properties, DISK_FSYNC, "false"));
        boolean perProcess = parseBoolean(DISK_PER_PROCESS_PATH, lookup(properties, DISK_PER_PROCESS_PATH, "false"));
        Object clock = properties == null ? null : properties.get(CLOCK);
        if (clock != null && !(clock instanceof Clock)) {
            throw new IllegalArgumentException(CLOCK + " must be a java.time.Clock object, was a "
                    + clock.getClass().getName());
        }
        Duration diskTtl = ttl(properties, DISK_TTL_SECONDS);
        RedisSettings redis = stack.hasRedis() ? RedisSettings.from(properties) : null;
        return new TerraceSettings(
                stack,
                heapMaxEntries,
                ttl(properties, HEAP_TTL_SECONDS),
                diskPath,
                diskMaxMb * 1024 * 1024,
                fsync,
                perProcess,
                diskTtl,
                redis,
                ttl(properties, REDIS_TTL_SECONDS),
                clock == null ? Clock.systemUTC() : (Clock) clock,
                FileWatchSettings.from(properties));
    }

    /** The setting {@code name}: from {@code properties}, else the system property, else {@code fallback}. */
    static String lookup(Properties properties, String name, String fallback) {
        Object value = properties == null ? null : properties.get(name);
        if (value == null) {
            value = System.getProperty(name);
        }
        return value == null || value.toString().isBlank()
                ? fallback
                : value.toString().trim();
    }

    private static Duration ttl(Properties properties, String name) {
        long seconds = parseLong(name, lookup(properties, name, "0"));
        if (seconds < 0) {
            throw new IllegalArgumentException(
                    name + " must be 0 (no limit) or a positive number of seconds, was " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'", e);
        }
    }

    /** {@code value} of setting {@code name} as a flag; anything but true or false is refused. */
    static boolean parseBoolean(String name, String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
        };
    }
}
