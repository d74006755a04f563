package dev.terrace.jcache.config;

import static dev.terrace.jcache.config.TerraceSettings.lookup;
import static dev.terrace.jcache.config.TerraceSettings.parseBoolean;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How a cache manager tracks the files its entries depend on. Read from the manager's properties, then system
 * properties, then the defaults:
 *
 * <ul>
 *   <li>{@code terrace.files.enabled}: {@code true} to track file dependencies; by default on exactly when watch
 *       paths are given, so that naming the directories to watch is all it takes;
 *   <li>{@code terrace.files.watch-paths}: directories (or files) watched recursively, directories created
 *       later included, separated by {@code ,} or the platform's path separator; none by default, in which case
 *       only the directories holding the files entries depend on are watched;
 *   <li>{@code terrace.files.debounce-ms}: how long a file must stay quiet after a change before its dependents
 *       are invalidated, {@value #DEFAULT_DEBOUNCE_MS} by default; 0 invalidates at the first event;
 *   <li>{@code terrace.files.verify-on-read}: {@code true} to compare an entry's file fingerprints on every hit
 *       (a changed file turns the hit into a miss even if its event was lost); {@code false} by default;
 *   <li>{@code terrace.files.content-hash}: {@code true} to add a SHA-256 of each file's content to its
 *       fingerprint, so that a touch or a rewrite with the same content keeps the entries; {@code false} by
 *       default (size and modification time only, and every event counts as a change).
 * </ul>
 *
 * @param enabled whether entries' file dependencies are tracked at all
 * @param watchPaths absolute, normalised paths watched recursively
 * @param debounce the quiet time after a change before it is acted on
 * @param verifyOnRead whether every hit checks its entry's fingerprints
 * @param contentHash whether fingerprints include a hash of the content
 */
public record FileWatchSettings(
        boolean enabled, List<Path> watchPaths, Duration debounce, boolean verifyOnRead, boolean contentHash) {

    /** Property: whether file dependencies are tracked. */
    public static final String ENABLED = "terrace.files.enabled";

    /** Property: the paths watched recursively. */
    public static final String WATCH_PATHS = "terrace.files.watch-paths";

    /** Property: the quiet time after a change, in milliseconds. */
    public static final String DEBOUNCE_MS = "terrace.files.debounce-ms";

    /** Property: whether every hit checks its entry's fingerprints. */
    public static final String VERIFY_ON_READ = "terrace.files.verify-on-read";

    /** Property: whether fingerprints include a hash of the content. */
    public static final String CONTENT_HASH = "terrace.files.content-hash";

    /** The quiet time after a change when none is configured, in milliseconds. */
    public static final long DEFAULT_DEBOUNCE_MS = 100;

    /** File dependencies off: the default when nothing is configured. */
    public static final FileWatchSettings DISABLED =
            new FileWatchSettings(false, List.of(), Duration.ofMillis(DEFAULT_DEBOUNCE_MS), false, false);

    /**
     * Checks the settings and normalises the watch paths.
     *
     * @param enabled whether entries' file dependencies are tracked at all
     * @param watchPaths paths watched recursively; made absolute and normalised, duplicates dropped
     * @param debounce the quiet time after a change before it is acted on; 0 or more
     * @param verifyOnRead whether every hit checks its entry's fingerprints
     * @param contentHash whether fingerprints include a hash of the content
     * @throws IllegalArgumentException when {@code debounce} is negative
     */
    public FileWatchSettings {
        Objects.requireNonNull(watchPaths, "watchPaths");
        Objects.requireNonNull(debounce, "debounce");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException(
                    DEBOUNCE_MS + " must be 0 or a positive number of milliseconds, was " + debounce.toMillis());
        }
        watchPaths = watchPaths.stream()
                .map(path -> path.toAbsolutePath().normalize())
                .distinct()
                .toList();
    }

    /**
     * The settings named in {@code properties}, else in system properties, else the defaults.
     *
     * @param properties the cache manager's properties; may be {@code null}
     * @return the settings
     * @throws IllegalArgumentException when a property holds a value it does not allow, naming the property
     */
    public static FileWatchSettings from(Properties properties) {
        List<Path> watchPaths = parsePaths(lookup(properties, WATCH_PATHS, ""));
        boolean enabled = parseBoolean(ENABLED, lookup(properties, ENABLED, Boolean.toString(!watchPaths.isEmpty())));
        String debounceText = lookup(properties, DEBOUNCE_MS, Long.toString(DEFAULT_DEBOUNCE_MS));
        long debounceMs;
        try {
            debounceMs = Long.parseLong(debounceText.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    DEBOUNCE_MS + " must be a whole number of milliseconds, was '" + debounceText + "'", e);
        }
        if (debounceMs < 0) {
            throw new IllegalArgumentException(
                    DEBOUNCE_MS + " must be 0 or a positive number of milliseconds, was '" + debounceText + "'");
        }
        return new FileWatchSettings(
                enabled,
                watchPaths,
                Duration.ofMillis(debounceMs),
                parseBoolean(VERIFY_ON_READ, lookup(properties, VERIFY_ON_READ, "false")),
                parseBoolean(CONTENT_HASH, lookup(properties, CONTENT_HASH, "false")));
    }

    private static List<Path> parsePaths(String text) {
        List<Path> paths = new ArrayList<>();
        String separators = "[," + Pattern.quote(File.pathSeparator) + "]";
        for (String part : text.split(separators)) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                paths.add(Path.of(trimmed));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(
                        WATCH_PATHS + " lists '" + trimmed + "', which is not a valid path: " + e.getMessage(), e);
            }
        }
        return paths;
    }
}
