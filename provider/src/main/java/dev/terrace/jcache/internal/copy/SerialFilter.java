package dev.terrace.jcache.internal.copy;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The allow-list that bytes read back from disk or Redis must pass before Java serialization turns them into
 * objects. Those bytes may have been written by another process or planted by whoever can reach the store,
 * and deserializing an arbitrary class graph can run code, so only classes named here are ever resolved into
 * instances; anything else fails the read with a {@link javax.cache.CacheException} naming the class and the
 * setting that allows it.
 *
 * <p>Always allowed: primitives and their arrays, the value types of {@code java.lang}, {@code java.math} and
 * {@code java.time}, and the collections of {@code java.util}. The application adds its own classes with
 * {@value #ALLOW} (patterns as in {@link ObjectInputFilter.Config#createFilter}: {@code com.example.Order},
 * {@code com.example.*} for a package, {@code com.example.**} for a package and its subpackages, separated by
 * {@code ;} or {@code ,}). The JVM-wide filter ({@code jdk.serialFilter}), when set, is applied as well.
 * Values a store-by-value cache copied inside this process never left it, and are not filtered.
 */
public final class SerialFilter {

    /** The setting that lists the application's classes allowed in values read from disk or Redis. */
    public static final String ALLOW = "terrace.serialization.allow";

    private static final List<String> BUILT_IN = List.of(
            "java.lang.Object",
            "java.lang.String",
            "java.lang.Boolean",
            "java.lang.Byte",
            "java.lang.Short",
            "java.lang.Character",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double",
            "java.lang.Number",
            "java.lang.Enum",
            "java.lang.Record",
            // Arrays declared as Serializable[] (Hibernate's cached entity state): every element is checked too.
            "java.io.Serializable",
            "java.math.*",
            "java.time.*",
            "java.util.*",
            "java.util.concurrent.*",
            "java.util.concurrent.atomic.*",
            "java.net.URI",
            "java.util.Collections$*",
            "java.util.ImmutableCollections$*");

    private final List<String> patterns;
    private final ObjectInputFilter application;

    private SerialFilter(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.application =
                patterns.isEmpty() ? null : ObjectInputFilter.Config.createFilter(String.join(";", patterns));
    }

    /** The filter that allows only the built-in classes. */
    public static SerialFilter builtInOnly() {
        return new SerialFilter(List.of());
    }

    /**
     * The filter {@value #ALLOW} describes in {@code properties}, else in the system property of that name.
     *
     * @throws IllegalArgumentException naming the setting when a pattern is malformed or tries to reject
     */
    public static SerialFilter from(Properties properties) {
        Object value = properties == null ? null : properties.get(ALLOW);
        if (value == null) {
            value = System.getProperty(ALLOW);
        }
        return of(value == null ? List.of() : split(value.toString()));
    }

    /**
     * The filter that also allows {@code patterns}.
     *
     * @throws IllegalArgumentException naming the setting when a pattern is malformed or tries to reject
     */
    public static SerialFilter of(List<String> patterns) {
        List<String> checked = new ArrayList<>();
        for (String pattern : patterns) {
            String trimmed = pattern.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("!") || trimmed.contains("=") || trimmed.contains("/")) {
                throw new IllegalArgumentException(ALLOW + " lists classes to allow, such as com.example.Order, "
                        + "com.example.* or com.example.**; '" + trimmed + "' is not such a pattern");
            }
            checked.add(trimmed);
        }
        return new SerialFilter(checked);
    }

    /**
     * This filter, also allowing the classes a cache declared as its key and value types ({@code Object}
     * declares nothing): the application named them, so values of exactly those classes are expected.
     */
    public SerialFilter withTypes(Class<?>... types) {
        List<String> all = new ArrayList<>(patterns);
        for (Class<?> type : types) {
            if (type != null && type != Object.class && !type.isPrimitive() && !type.isArray()) {
                all.add(type.getName());
            }
        }
        return all.size() == patterns.size() ? this : new SerialFilter(all);
    }

    /** The application's patterns, as given. */
    public List<String> patterns() {
        return patterns;
    }

    /** A filter for one read, which remembers the first class it refused. */
    Check check() {
        return new Check();
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split("[;,]")) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        return parts;
    }

    private boolean allowed(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element.isPrimitive()) {
            return true;
        }
        String name = element.getName();
        for (String pattern : BUILT_IN) {
            if (matches(pattern, name)) {
                return true;
            }
        }
        return application != null
                && application.checkInput(new ClassOnly(element)) == ObjectInputFilter.Status.ALLOWED;
    }

    private static boolean matches(String pattern, String name) {
        if (pattern.endsWith(".*")) {
            String pkg = pattern.substring(0, pattern.length() - 1);
            return name.startsWith(pkg) && name.indexOf('.', pkg.length()) < 0;
        }
        if (pattern.endsWith("$*")) {
            return name.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return name.equals(pattern);
    }

    /** One read's filter. */
    final class Check implements ObjectInputFilter {
        private String refused;

        @Override
        public Status checkInput(FilterInfo info) {
            ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
            if (global != null && global.checkInput(info) == Status.REJECTED) {
                refused = info.serialClass() == null
                        ? "(a JVM-wide serialization limit)"
                        : info.serialClass().getName();
                return Status.REJECTED;
            }
            Class<?> type = info.serialClass();
            if (type == null || allowed(type)) {
                return Status.ALLOWED;
            }
            if (refused == null) {
                refused = type.getName();
            }
            return Status.REJECTED;
        }

        /** The first class this read refused, or {@code null}. */
        String refused() {
            return refused;
        }

        /** The message of the exception a refused read throws. */
        String message() {
            String pkg = refused.contains(".") ? refused.substring(0, refused.lastIndexOf('.')) : refused;
            return "Refused to deserialize a value read back from disk or Redis: class " + refused
                    + " is not allowed (no instance of it was created). If the class is yours, allow it with "
                    + ALLOW + ", for example " + ALLOW + "=" + pkg + ".*";
        }
    }

    /** Asks a pattern filter about a class alone. */
    private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 0;
        }

        @Override
        public long streamBytes() {
            return 0;
        }
    }
}
