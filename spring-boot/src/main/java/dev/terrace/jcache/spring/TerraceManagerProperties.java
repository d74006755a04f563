package dev.terrace.jcache.spring;

import dev.terrace.jcache.internal.copy.SerialFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * What the auto-configuration of either Spring Boot line adds to the properties of the cache manager Spring Boot
 * creates: the {@code terrace.*} properties of the application's configuration, and the application's own
 * packages as allowed classes. Uses no type that Spring Boot 4 moved, so both lines share it.
 */
final class TerraceManagerProperties {

    /** Spring's own cache keys: a method's several parameters, each of which is still checked. */
    static final List<String> SPRING_KEYS = List.of(
            "org.springframework.cache.interceptor.SimpleKey",
            "org.springframework.cache.jcache.interceptor.SimpleGeneratedCacheKey");

    private static final Pattern INDEXED = Pattern.compile("^(.*)\\[(\\d+)]$");

    private TerraceManagerProperties() {}

    /**
     * Adds the {@code terrace.*} properties of {@code environment} to {@code properties}, the application's name
     * (the shared name of a manager that no setting names), and the application's packages (Spring Boot's
     * auto-configuration packages) and Spring's keys to the allowed classes.
     */
    static void customize(Properties properties, Environment environment, BeanFactory beanFactory) {
        properties.putAll(terraceProperties(environment));
        // The application's name shares its caches when the manager's URI is a file location (what
        // spring.cache.jcache.config gives, which differs with every install directory) and nothing names them.
        String applicationName = environment.getProperty("spring.application.name");
        if (applicationName != null && !applicationName.isBlank()) {
            properties.putIfAbsent("terrace.application-name", applicationName);
        }
        Set<String> application = new LinkedHashSet<>();
        Object given = properties.get(SerialFilter.APPLICATION);
        if (given != null) {
            application.add(given.toString());
        }
        if (AutoConfigurationPackages.has(beanFactory)) {
            for (String pkg : AutoConfigurationPackages.get(beanFactory)) {
                application.add(pkg + ".**");
            }
        }
        application.addAll(SPRING_KEYS);
        properties.setProperty(SerialFilter.APPLICATION, String.join(";", application));
    }

    /**
     * Every {@code terrace.*} property of {@code environment}, as Terrace names them; a YAML list ({@code
     * terrace.serialization.allow[0]}, {@code [1]}, …) becomes one value separated by {@code ;}.
     */
    static Properties terraceProperties(Environment environment) {
        Properties properties = new Properties();
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return properties;
        }
        Set<String> names = new LinkedHashSet<>();
        for (PropertySource<?> source : configurable.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                for (String name : enumerable.getPropertyNames()) {
                    if (name.startsWith("terrace.")) {
                        names.add(name);
                    }
                }
            }
        }
        Map<String, List<String>> lists = new LinkedHashMap<>();
        for (String name : names) {
            Matcher indexed = INDEXED.matcher(name);
            if (indexed.matches()) {
                lists.computeIfAbsent(indexed.group(1), key -> new ArrayList<>());
                continue;
            }
            String value = environment.getProperty(name);
            if (value != null) {
                properties.setProperty(name, value);
            }
        }
        lists.forEach((name, values) -> {
            for (int i = 0; environment.containsProperty(name + "[" + i + "]"); i++) {
                values.add(environment.getProperty(name + "[" + i + "]"));
            }
            properties.setProperty(name, String.join(";", values));
        });
        return properties;
    }
}
