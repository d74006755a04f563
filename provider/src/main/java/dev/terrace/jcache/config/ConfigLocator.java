package dev.terrace.jcache.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

/**
 * Finds the configuration of a cache manager, first match wins:
 *
 * <ol>
 *   <li>the manager's property {@value TerraceConfig#PROPERTY}: a {@link TerraceConfig}, or a file location;
 *   <li>the manager's URI, when it names a YAML file: {@code classpath:terrace-prod.yaml}, {@code
 *       file:/etc/app/terrace.yaml}, {@code jar:file:/app.jar!/terrace.yaml} (what Spring's {@code
 *       spring.cache.jcache.config} gives), or a plain name such as {@code terrace.yaml} or {@code my-caches}
 *       (what Hibernate passes from {@code hibernate.javax.cache.uri}; {@code .yaml} or {@code .yml} is tried
 *       when it has no extension), looked up on the class path and then from the working directory;
 *   <li>the system property {@value TerraceConfig#PROPERTY}, a file location;
 *   <li>{@code terrace.yaml} on the class path;
 *   <li>none: {@link TerraceConfig#empty()}, every cache gets the properties' and the built-in defaults.
 * </ol>
 *
 * A URI or property that names a YAML file which cannot be found is an error: a typo must not silently give
 * the defaults. A URI that names no file ({@code terrace:default}, {@code my-caches} with no such file, any other
 * scheme) only names the manager.
 */
public final class ConfigLocator {

    /** The file read when nothing else names one. */
    public static final String DEFAULT_RESOURCE = "terrace.yaml";

    private ConfigLocator() {}

    /**
     * The configuration for the cache manager {@code uri}.
     *
     * @param uri the manager's URI, which may name a YAML file
     * @param classLoader where {@code classpath:} locations and {@value #DEFAULT_RESOURCE} are looked up
     * @param properties the manager's properties, which may hold {@value TerraceConfig#PROPERTY}
     * @return the configuration found first, or {@link TerraceConfig#empty()}
     * @throws TerraceConfigException when a named file cannot be found or read, or holds a mistake
     */
    public static TerraceConfig locate(URI uri, ClassLoader classLoader, Properties properties) {
        return locate(uri, classLoader, properties, System::getenv);
    }

    static TerraceConfig locate(
            URI uri, ClassLoader classLoader, Properties properties, Function<String, String> environment) {
        Object given = properties == null ? null : properties.get(TerraceConfig.PROPERTY);
        if (given instanceof TerraceConfig config) {
            return config;
        }
        if (given instanceof String location && !location.isBlank()) {
            return required(parse(location.trim()), classLoader, environment);
        }
        if (given != null && !(given instanceof String)) {
            throw new TerraceConfigException(
                    TerraceConfig.PROPERTY,
                    "The property " + TerraceConfig.PROPERTY + " is a "
                            + given.getClass().getName() + "; allowed: a TerraceConfig or the location of a YAML file");
        }
        if (uri != null) {
            TerraceConfig named = named(uri, classLoader, environment);
            if (named != null) {
                return named;
            }
        }
        String system = System.getProperty(TerraceConfig.PROPERTY);
        if (system != null && !system.isBlank()) {
            return required(parse(system.trim()), classLoader, environment);
        }
        URL resource = classLoader == null ? null : classLoader.getResource(DEFAULT_RESOURCE);
        if (resource != null) {
            return read(resource, "classpath:" + DEFAULT_RESOURCE + " (" + resource + ")", environment);
        }
        return TerraceConfig.empty();
    }

    /** The configuration {@code uri} names, {@code null} if it names no YAML file. */
    private static TerraceConfig named(URI uri, ClassLoader classLoader, Function<String, String> environment) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "classpath" -> {
                String name = uri.getSchemeSpecificPart().replaceFirst("^/+", "");
                URL resource = classLoader == null ? null : classLoader.getResource(name);
                if (resource == null) {
                    throw notFound(uri, "no resource " + name + " on the class path of " + classLoader);
                }
                return read(resource, uri.toString(), environment);
            }
            case "file" -> {
                Path file;
                try {
                    file = Path.of(uri);
                } catch (IllegalArgumentException e) {
                    throw notFound(uri, "it is not a valid file URI (" + e.getMessage() + ")");
                }
                if (!Files.isRegularFile(file)) {
                    throw notFound(uri, "no file " + file);
                }
                return read(url(uri), uri.toString(), environment);
            }
            case "terrace" -> {
                return null;
            }
            case "" -> {
                return plainName(uri.toString(), classLoader, environment);
            }
            default -> {
                // jar:, and the nested-jar schemes of executable Spring Boot jars: whatever the JDK can open.
                if (!isYaml(uri.toString())) {
                    return null;
                }
                return read(url(uri), uri.toString(), environment);
            }
        }
    }

    private static TerraceConfig plainName(String name, ClassLoader classLoader, Function<String, String> env) {
        boolean yaml = isYaml(name);
        List<String> candidates = yaml ? List.of(name) : List.of(name + ".yaml", name + ".yml");
        for (String candidate : candidates) {
            URL resource = classLoader == null ? null : classLoader.getResource(candidate.replaceFirst("^/+", ""));
            if (resource != null) {
                return read(resource, candidate + " (" + resource + ")", env);
            }
            try {
                Path file = Path.of(candidate);
                if (Files.isRegularFile(file)) {
                    return read(
                            url(file.toAbsolutePath().toUri()),
                            file.toAbsolutePath().toString(),
                            env);
                }
            } catch (InvalidPathException e) {
                // Not a file name: only a manager name.
            }
        }
        if (yaml) {
            throw notFound(
                    URI.create(name),
                    "no resource " + name + " on the class path of " + classLoader + " and no file "
                            + Path.of(name).toAbsolutePath());
        }
        return null;
    }

    private static TerraceConfig required(URI location, ClassLoader classLoader, Function<String, String> env) {
        TerraceConfig config = named(location, classLoader, env);
        if (config == null) {
            throw new TerraceConfigException(
                    TerraceConfig.PROPERTY,
                    "The property " + TerraceConfig.PROPERTY + " is '" + location
                            + "', which names no YAML file; allowed: classpath:name.yaml, file:/path/name.yaml,"
                            + " a jar: URI or a plain name of a YAML file");
        }
        return config;
    }

    private static URI parse(String location) {
        try {
            return new URI(location);
        } catch (java.net.URISyntaxException e) {
            throw new TerraceConfigException(
                    TerraceConfig.PROPERTY,
                    "The property " + TerraceConfig.PROPERTY + " is '" + location + "', which is not a valid URI: "
                            + e.getReason());
        }
    }

    private static boolean isYaml(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml");
    }

    private static URL url(URI uri) {
        try {
            return uri.toURL();
        } catch (IOException | IllegalArgumentException e) {
            throw notFound(uri, "it cannot be opened (" + e.getMessage() + ")");
        }
    }

    private static TerraceConfig read(URL url, String source, Function<String, String> environment) {
        try (InputStream in = uncached(url);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return TerraceConfig.read(reader, source, environment);
        } catch (IOException e) {
            throw new TerraceConfigException("", "Cannot read the Terrace configuration " + source + ": " + e, e);
        }
    }

    /** Opens {@code url} without the JDK's jar cache, which would keep a jar file open after reading. */
    private static InputStream uncached(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false);
        return connection.getInputStream();
    }

    private static TerraceConfigException notFound(URI uri, String why) {
        return new TerraceConfigException(
                "",
                "The Terrace configuration " + uri + " cannot be found: " + why
                        + "; allowed: classpath:name.yaml, file:/path/name.yaml, a jar: URI or a plain name of a"
                        + " YAML file on the class path or in the working directory");
    }
}
