package dev.terrace.jcache.internal.copy;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.Collection;
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
 *
 * <p>Integrations that know which classes are the application's (Spring Boot's auto-configuration packages,
 * Hibernate's cache entry types, the annotations' generated key class) add them with {@value #APPLICATION},
 * which adds to {@value #ALLOW} instead of replacing it, or while the manager runs with {@link #admit} (Hibernate
 * learns the mapped entity classes only after the manager started): what is admitted applies to every filter
 * derived from the manager's, including those of caches created before.
 *
 * <p>Every read is also bounded ({@link ObjectInputFilter} limits), so that a small stream cannot make a reader
 * work without end (nested {@code HashSet}s whose hash codes take exponential time) or allocate without
 * limit: {@value #MAX_DEPTH} (default {@value #DEFAULT_MAX_DEPTH} nested objects), {@value #MAX_REFERENCES}
 * (default {@value #DEFAULT_MAX_REFERENCES}), {@value #MAX_ARRAY_LENGTH} (default {@value
 * #DEFAULT_MAX_ARRAY_LENGTH}) and {@value #MAX_BYTES} (default {@value #DEFAULT_MAX_BYTES}). A read over a
 * limit fails with a {@link javax.cache.CacheException} naming the limit and its setting.
 */
public final class SerialFilter {

    /** The setting that lists the application's classes allowed in values read from disk or Redis. */
    public static final String ALLOW = "terrace.serialization.allow";

    /**
     * Classes an integration knows to be the application's (same patterns as {@value #ALLOW}); they are allowed
     * in addition to {@value #ALLOW}.
     */
    public static final String APPLICATION = "terrace.serialization.application";

    /** The most nested objects one key or value read back may have. */
    public static final String MAX_DEPTH = "terrace.serialization.max-depth";

    /** The most objects and back references one key or value read back may have. */
    public static final String MAX_REFERENCES = "terrace.serialization.max-references";

    /** The longest array (and collection, whose sizes the JDK checks as arrays) one key or value may have. */
    public static final String MAX_ARRAY_LENGTH = "terrace.serialization.max-array-length";

    /** The most bytes one key or value read back may have. */
    public static final String MAX_BYTES = "terrace.serialization.max-bytes";

    /** Every setting this filter reads, for those who pass them on. */
    public static final List<String> SETTINGS =
            List.of(ALLOW, APPLICATION, MAX_DEPTH, MAX_REFERENCES, MAX_ARRAY_LENGTH, MAX_BYTES);

    static final long DEFAULT_MAX_DEPTH = 24;
    static final long DEFAULT_MAX_REFERENCES = 1_000_000;
    static final long DEFAULT_MAX_ARRAY_LENGTH = 10_000_000;
    static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

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
            "java.util.ImmutableCollections$*",
            // The JSR-107 annotations RI's key: its parameters are checked as any other object.
            "org.jsr107.ri.annotations.DefaultGeneratedCacheKey");

    private final List<String> patterns;
    private final ObjectInputFilter application;
    private final Admitted admitted;
    private final Limits limits;
    private final String role;

    private SerialFilter(List<String> patterns, Admitted admitted, Limits limits, String role) {
        this.patterns = List.copyOf(patterns);
        this.application = patterns.isEmpty() ? null : createFilter(patterns);
        this.admitted = admitted;
        this.limits = limits;
        this.role = role;
    }

    private static ObjectInputFilter createFilter(List<String> patterns) {
        return ObjectInputFilter.Config.createFilter(String.join(";", patterns));
    }

    /** The filter that allows only the built-in classes. */
    public static SerialFilter builtInOnly() {
        return new SerialFilter(List.of(), new Admitted(), Limits.DEFAULT, "value");
    }

    /**
     * The filter {@value #ALLOW} describes in {@code properties}, else in the system property of that name.
     *
     * @throws IllegalArgumentException naming the setting when a pattern is malformed or tries to reject
     */
    public static SerialFilter from(Properties properties) {
        List<String> patterns = new ArrayList<>();
        String allow = setting(properties, ALLOW);
        if (allow != null) {
            patterns.addAll(split(allow));
        }
        String application = setting(properties, APPLICATION);
        if (application != null) {
            patterns.addAll(split(application));
        }
        Limits limits = new Limits(
                limit(properties, MAX_DEPTH, DEFAULT_MAX_DEPTH),
                limit(properties, MAX_REFERENCES, DEFAULT_MAX_REFERENCES),
                limit(properties, MAX_ARRAY_LENGTH, DEFAULT_MAX_ARRAY_LENGTH),
                limit(properties, MAX_BYTES, DEFAULT_MAX_BYTES));
        return new SerialFilter(checked(patterns), new Admitted(), limits, "value");
    }

    private static String setting(Properties properties, String name) {
        Object value = properties == null ? null : properties.get(name);
        if (value == null) {
            value = System.getProperty(name);
        }
        return value == null ? null : value.toString();
    }

    private static long limit(Properties properties, String name, long fallback) {
        String value = setting(properties, name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long limit = Long.parseLong(value.trim().replace("_", ""));
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number above 0; '" + value + "' is not");
    }

    /**
     * The filter that also allows {@code patterns}.
     *
     * @throws IllegalArgumentException naming the setting when a pattern is malformed or tries to reject
     */
    public static SerialFilter of(List<String> patterns) {
        return new SerialFilter(checked(patterns), new Admitted(), Limits.DEFAULT, "value");
    }

    /**
     * Allows {@code patterns} too, from now on, in this filter and every filter derived from it ({@link
     * #withTypes}, {@link #forKeys}) before or after; reads already running are not affected.
     *
     * @throws IllegalArgumentException naming the setting when a pattern is malformed or tries to reject
     */
    public void admit(Collection<String> patterns) {
        admitted.add(checked(List.copyOf(patterns)));
    }

    private static List<String> checked(List<String> patterns) {
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
        return checked;
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
        return all.size() == patterns.size() ? this : new SerialFilter(all, admitted, limits, role);
    }

    /** This filter, for keys: what it refuses is reported as a key. */
    public SerialFilter forKeys() {
        return "key".equals(role) ? this : new SerialFilter(patterns, admitted, limits, "key");
    }

    /** The application's patterns: as given, then those {@linkplain #admit admitted} since. */
    public List<String> patterns() {
        List<String> later = admitted.patterns;
        if (later.isEmpty()) {
            return patterns;
        }
        List<String> all = new ArrayList<>(patterns);
        all.addAll(later);
        return List.copyOf(all);
    }

    /** The most nested objects a read may have. */
    public long maxDepth() {
        return limits.depth;
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
        ClassOnly info = new ClassOnly(element);
        if (application != null && application.checkInput(info) == ObjectInputFilter.Status.ALLOWED) {
            return true;
        }
        ObjectInputFilter later = admitted.filter;
        return later != null && later.checkInput(info) == ObjectInputFilter.Status.ALLOWED;
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
        private String limit;

        @Override
        public Status checkInput(FilterInfo info) {
            if (refused != null || limit != null) {
                return Status.REJECTED;
            }
            String exceeded = exceeded(info);
            if (exceeded != null) {
                limit = exceeded;
                return Status.REJECTED;
            }
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
            refused = type.getName();
            return Status.REJECTED;
        }

        private String exceeded(FilterInfo info) {
            if (info.depth() > limits.depth) {
                return "more than " + limits.depth + " nested objects (" + MAX_DEPTH + ")";
            }
            if (info.references() > limits.references) {
                return "more than " + limits.references + " objects and references (" + MAX_REFERENCES + ")";
            }
            if (info.arrayLength() > limits.arrayLength) {
                return "an array or collection of " + info.arrayLength() + " elements, more than " + limits.arrayLength
                        + " (" + MAX_ARRAY_LENGTH + ")";
            }
            if (info.streamBytes() > limits.bytes) {
                return "more than " + limits.bytes + " bytes (" + MAX_BYTES + ")";
            }
            return null;
        }

        /** Why this read was refused (the first class it refused, or the limit it exceeded), or {@code null}. */
        String refused() {
            return refused != null ? refused : limit;
        }

        /** The message of the exception a refused read throws. */
        String message() {
            if (refused == null) {
                return "Refused to deserialize a " + role + " read back from disk or Redis: it has " + limit
                        + "; no object was returned. If such " + role + "s are expected, raise the limit";
            }
            String pkg = refused.contains(".") ? refused.substring(0, refused.lastIndexOf('.')) : refused;
            return "Refused to deserialize a " + role + " read back from disk or Redis: class " + refused
                    + " is not allowed (no instance of it was created). If the class is yours, allow it with"
                    + " serialization.allow (property " + ALLOW + "), for example " + ALLOW + "=" + pkg + ".*";
        }
    }

    /** The patterns admitted while the manager runs, shared by every filter derived from the manager's. */
    private static final class Admitted {
        private volatile List<String> patterns = List.of();
        private volatile ObjectInputFilter filter;

        synchronized void add(List<String> more) {
            List<String> all = new ArrayList<>(patterns);
            for (String pattern : more) {
                if (!all.contains(pattern)) {
                    all.add(pattern);
                }
            }
            if (all.size() != patterns.size()) {
                filter = createFilter(all);
                patterns = List.copyOf(all);
            }
        }
    }

    /** The bounds of one read; see {@link SerialFilter}. */
    private record Limits(long depth, long references, long arrayLength, long bytes) {
        static final Limits DEFAULT =
                new Limits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_REFERENCES, DEFAULT_MAX_ARRAY_LENGTH, DEFAULT_MAX_BYTES);
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
