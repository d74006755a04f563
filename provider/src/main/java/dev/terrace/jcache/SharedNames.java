package dev.terrace.jcache;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The name under which processes share a cache manager's caches: the part of every Redis key and disk store
 * directory that says whose caches they are. It is named in configuration ({@code terrace.manager-name},
 * YAML {@code coordination.manager_name}) and never taken from a place in a file system: the same application
 * started from another directory or jar must meet its own entries again.
 */
final class SharedNames {

    /** The manager setting that names the shared caches. */
    static final String PROPERTY = "terrace.manager-name";

    /**
     * The name an integration knows the application by ({@code spring.application.name}), used for a manager
     * whose URI is a file location when nothing names the manager.
     */
    static final String APPLICATION_PROPERTY = "terrace.application-name";

    private static final Logger LOG = LoggerFactory.getLogger(SharedNames.class);

    /** URI schemes that locate a file, whose text depends on where the application was installed. */
    private static final Set<String> LOCATIONS = Set.of("file", "jar", "http", "https", "vfs", "vfszip", "wsjar");

    private SharedNames() {}

    /**
     * The shared name of the manager {@code uri}: {@code configured} when given; else the URI's text when it
     * only names the manager ({@code terrace:default}, {@code my-caches}, {@code classpath:terrace.yaml}); else,
     * for a file location, {@code application} when given, else the file's name, with a warning that says how
     * to name the manager.
     */
    static String of(URI uri, String configured, String application) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        if (!isLocation(uri)) {
            return uri.toString();
        }
        if (application != null && !application.isBlank()) {
            return application.strip();
        }
        String file = fileName(uri);
        LOG.warn(
                "Cache manager {} has no {} (YAML coordination.manager_name) and its URI is a file location: its"
                        + " caches are shared, in Redis and on disk, under the name '{}' taken from the file's name,"
                        + " with every process whose manager has that name. Name the manager (for example after the"
                        + " application) so that other applications never share its entries",
                uri,
                PROPERTY,
                file);
        return file;
    }

    private static boolean isLocation(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            // A bare path: an absolute one, or one with directories, depends on where the application runs.
            String path = uri.getPath();
            return path != null && path.contains("/");
        }
        return LOCATIONS.contains(scheme.toLowerCase(Locale.ROOT));
    }

    private static String fileName(URI uri) {
        String text = uri.toString();
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '/' || text.charAt(end - 1) == '!')) {
            end--;
        }
        int start = Math.max(text.lastIndexOf('/', end - 1), text.lastIndexOf('!', end - 1)) + 1;
        String name = text.substring(start, end);
        return name.isEmpty() ? "terrace" : name;
    }
}
