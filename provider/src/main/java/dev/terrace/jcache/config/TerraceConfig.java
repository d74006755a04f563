package dev.terrace.jcache.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * A validated Terrace configuration: the settings a cache manager gives its caches by default, and the caches
 * it declares, each with its own settings (the defaults, then its template, then its overrides). Read from a
 * YAML file (see {@code docs/configuration.md} and the reference file {@code
 * dev/terrace/jcache/terrace-reference.yaml}) or built in code with {@link #builder()}; both go through the
 * same checks, so a mistake is reported the same way, naming the YAML key.
 *
 * <p>The configuration is expressed as the {@code terrace.*} properties that {@link TerraceSettings} reads, so
 * properties given to {@code CachingProvider.getCacheManager(uri, classLoader, properties)} and system
 * properties meet it in one place and win over it: {@link #settingsFor}.
 *
 * <p>Hand one to the provider with {@code TerraceCachingProvider#getCacheManager(URI, ClassLoader,
 * TerraceConfig)}, or as the value of the property {@value #PROPERTY}.
 */
public final class TerraceConfig {

    /**
     * The property that names the configuration of a cache manager: a {@code TerraceConfig} object, or the
     * location of a YAML file in any form a cache manager URI may take ({@code classpath:}, {@code file:}, ...).
     * As a system property it points every manager without a configuration of its own at one file.
     */
    public static final String PROPERTY = "terrace.config";

    private static final TerraceConfig EMPTY = new TerraceConfig("no configuration file", Map.of(), Map.of());

    private final String source;
    private final Map<String, String> defaults;
    private final Map<String, Map<String, String>> caches;

    TerraceConfig(String source, Map<String, String> defaults, Map<String, Map<String, String>> caches) {
        this.source = source;
        this.defaults = defaults;
        this.caches = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(caches));
        if (defaults.isEmpty() && caches.isEmpty()) {
            return;
        }
        try {
            settingsFor(null, null);
            this.caches.keySet().forEach(name -> settingsFor(name, null));
        } catch (IllegalArgumentException e) {
            throw new TerraceConfigException(
                    "", "Invalid Terrace configuration in " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * No file: every cache gets the properties' and built-in defaults.
     *
     * @return the configuration that declares nothing
     */
    public static TerraceConfig empty() {
        return EMPTY;
    }

    /**
     * A builder for a configuration in code, with the same keys and checks as the YAML file.
     *
     * @return an empty builder
     */
    public static ConfigBuilder builder() {
        return new ConfigBuilder();
    }

    /**
     * The configuration in {@code yaml}, with {@code ${VAR}} references taken from the environment.
     *
     * @param yaml the text of a Terrace YAML file
     * @return the checked configuration
     * @throws TerraceConfigException naming the key, value and what is allowed, at the first mistake
     */
    public static TerraceConfig parse(String yaml) {
        return read(new StringReader(yaml), "YAML text", System::getenv);
    }

    /**
     * The configuration in the YAML file {@code file}.
     *
     * @param file a Terrace YAML file, read as UTF-8
     * @return the checked configuration
     * @throws TerraceConfigException when the file cannot be read or holds a mistake
     */
    public static TerraceConfig load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString(), System::getenv);
        } catch (IOException e) {
            throw new TerraceConfigException("", "Cannot read the Terrace configuration " + file + ": " + e, e);
        }
    }

    static TerraceConfig read(Reader reader, String source, Function<String, String> environment) {
        return ConfigValidator.validate(YamlReader.read(reader, source), source, environment);
    }

    /**
     * Where this configuration came from, for messages.
     *
     * @return a file or resource, "YAML text", or "ConfigBuilder"
     */
    public String source() {
        return source;
    }

    /**
     * The caches the configuration declares; a cache manager creates them when it starts.
     *
     * @return the declared cache names, in declaration order
     */
    public Set<String> cacheNames() {
        return caches.keySet();
    }

    /**
     * The {@code terrace.*} properties this configuration gives the cache {@code cacheName}: its own if it is
     * declared, else the defaults ({@code null} asks for the defaults).
     *
     * @param cacheName a cache's name, or {@code null}
     * @return property names such as {@code terrace.l1.max-size} and their values
     */
    public Map<String, String> properties(String cacheName) {
        Map<String, String> own = cacheName == null ? null : caches.get(cacheName);
        return own != null ? own : defaults;
    }

    /**
     * The settings of the cache {@code cacheName} ({@code null}: the manager's defaults). Highest first: {@code
     * overrides} (the properties given to the cache manager), system properties named {@code terrace.*}, this
     * configuration, the built-in defaults.
     *
     * @param cacheName a cache's name, or {@code null}
     * @param overrides the cache manager's properties; may be {@code null}
     * @return the merged, checked settings
     * @throws IllegalArgumentException when the result is not valid (a property or system property is wrong:
     *     the configuration itself was checked when it was read)
     */
    public TerraceSettings settingsFor(String cacheName, Properties overrides) {
        Properties merged = new Properties();
        merged.putAll(properties(cacheName));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("terrace.")) {
                merged.put(name, System.getProperty(name));
            }
        }
        if (overrides != null) {
            overrides.forEach((name, value) -> {
                if (value != null) {
                    merged.put(name, value);
                }
            });
        }
        try {
            return TerraceSettings.from(merged);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage() + " (settings " + (cacheName == null ? "" : "of cache '" + cacheName + "' ")
                            + "from the cache manager's properties, system properties and " + source + ")",
                    e);
        }
    }

    @Override
    public String toString() {
        return "TerraceConfig[" + source + ", caches=" + caches.keySet() + "]";
    }
}
