package dev.terrace.jcache.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every key a Terrace YAML file may hold under {@code cache:}, with the property it becomes, the rule its value
 * must follow and its default. The reference file {@code terrace-reference.yaml} lists the same keys; a test
 * keeps the two in step.
 */
final class ConfigSchema {

    /** Where a key may appear. */
    enum Scope {
        /** At the top ({@code cache.*}, the defaults), in a template and in a cache. */
        CACHE,
        /** At the top only: it belongs to the whole cache manager (one Redis connection, one file watcher). */
        MANAGER
    }

    /** Checks a value and turns it into the property's text. */
    interface Rule {
        /**
         * @param value a {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code List<String>} or
         *     {@code null}, with environment references already substituted
         * @throws IllegalArgumentException when the value is not allowed (the message may add a reason)
         */
        String normalize(Object value);

        /** What is allowed, for messages and the reference documentation. */
        String allowed();
    }

    /**
     * @param path the key below {@code cache.}, such as {@code backends.l2.max_size_mb}
     * @param property the property the value becomes; {@code null} for a key that only selects (l1 type)
     * @param defaultValue the default as the reference file writes it
     * @param secret whether the value must never appear in a message
     */
    record Key(String path, String property, Rule rule, Scope scope, String defaultValue, boolean secret) {}

    static final String L3_HOST = "terrace.l3.host";
    static final String L3_PORT = "terrace.l3.port";
    static final String L3_TLS = "terrace.l3.tls";
    static final String L3_SENTINEL_MASTER = "terrace.l3.sentinel.master-name";
    static final String L3_SENTINEL_NODES = "terrace.l3.sentinel.nodes";
    static final String L3_CLUSTER_NODES = "terrace.l3.cluster.nodes";

    private static final long MAX_SECONDS = 100L * 365 * 24 * 3600;

    static final Map<String, Key> KEYS = keys();

    /**
     * Keys a reader of the architecture might expect that this version does not support, with the reason; each
     * is rejected with its reason rather than as unknown.
     */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "coordination.lock_lease_ms",
                    "Terrace holds a key's Redis lock for as long as the operation on it runs (Redisson renews it while"
                            + " its holder lives and lets it lapse when the holder dies), so there is no lease to set",
            "coordination.lock_wait_ms",
                    "an operation waits for the key's lock as long as its holder works on the key, so that a"
                            + " load happens once; bound the work instead (a loader's own timeout)",
            "coordination.stream_max_len", "the invalidation stream's length is managed by the provider",
            "backends.l2.type", "the disk tier has one engine (MapDB over Terrace's journal)",
            "backends.l3.type", "the Redis tier has one engine (Redisson)");

    private ConfigSchema() {}

    private static Map<String, Key> keys() {
        List<Key> keys = new ArrayList<>();
        String stacks = Arrays.stream(TierStack.values()).map(TierStack::id).collect(Collectors.joining(", "));
        keys.add(new Key("stack", TerraceSettings.STACK, choice(stacks.split(", ")), Scope.CACHE, "heap", false));
        keys.add(new Key("backends.l1.type", null, choice("caffeine"), Scope.CACHE, "caffeine", false));
        keys.add(new Key(
                "backends.l1.max_size",
                TerraceSettings.HEAP_MAX_ENTRIES,
                wholeNumber(1, Long.MAX_VALUE / 2, "entries"),
                Scope.CACHE,
                Long.toString(TerraceSettings.DEFAULT_HEAP_MAX_ENTRIES),
                false));
        keys.add(new Key(
                "backends.l1.ttl_seconds", TerraceSettings.HEAP_TTL_SECONDS, seconds(), Scope.CACHE, "0", false));
        keys.add(new Key("backends.l2.path", TerraceSettings.DISK_PATH, directory(), Scope.CACHE, null, false));
        keys.add(new Key(
                "backends.l2.max_size_mb",
                TerraceSettings.DISK_MAX_MB,
                wholeNumber(1, Long.MAX_VALUE / (1024 * 1024), "megabytes"),
                Scope.CACHE,
                Long.toString(TerraceSettings.DEFAULT_DISK_MAX_MB),
                false));
        keys.add(new Key(
                "backends.l2.ttl_seconds", TerraceSettings.DISK_TTL_SECONDS, seconds(), Scope.CACHE, "0", false));
        keys.add(new Key("backends.l2.fsync", TerraceSettings.DISK_FSYNC, flag(), Scope.CACHE, "false", false));
        keys.add(new Key(
                "backends.l2.per_process_path",
                TerraceSettings.DISK_PER_PROCESS_PATH,
                flag(),
                Scope.CACHE,
                "false",
                false));
        keys.add(new Key(
                "backends.l3.ttl_seconds", TerraceSettings.REDIS_TTL_SECONDS, seconds(), Scope.CACHE, "0", false));
        keys.add(new Key("backends.l3.host", L3_HOST, host(), Scope.MANAGER, "127.0.0.1", false));
        keys.add(new Key(
                "backends.l3.port", L3_PORT, wholeNumber(1, 65_535, "a TCP port"), Scope.MANAGER, "6379", false));
        keys.add(new Key(
                "backends.l3.db",
                "terrace.l3.database",
                wholeNumber(0, 15, "a database number"),
                Scope.MANAGER,
                "0",
                false));
        keys.add(new Key("backends.l3.username", "terrace.l3.username", text(), Scope.MANAGER, "\"\"", false));
        keys.add(new Key("backends.l3.password", "terrace.l3.password", text(), Scope.MANAGER, "\"\"", true));
        keys.add(new Key("backends.l3.tls", L3_TLS, flag(), Scope.MANAGER, "false", false));
        for (String store : List.of("trust_store", "key_store")) {
            String property = "terrace.l3." + store.replace('_', '-');
            keys.add(new Key("backends.l3." + store, property, text(), Scope.MANAGER, "\"\"", false));
            keys.add(new Key(
                    "backends.l3." + store + "_type", property + "-type", text(), Scope.MANAGER, "PKCS12", false));
            keys.add(new Key(
                    "backends.l3." + store + "_password_env",
                    property + "-password-env",
                    text(),
                    Scope.MANAGER,
                    "\"\"",
                    false));
        }
        keys.add(new Key(
                "backends.l3.on_auth_failure",
                "terrace.l3.on-auth-failure",
                choice("fail", "degrade"),
                Scope.MANAGER,
                "fail",
                false));
        keys.add(new Key(
                "backends.l3.timeout_ms",
                "terrace.l3.timeout-ms",
                wholeNumber(1, 600_000, "milliseconds"),
                Scope.MANAGER,
                "1000",
                false));
        keys.add(new Key(
                "backends.l3.connect_timeout_ms",
                "terrace.l3.connect-timeout-ms",
                wholeNumber(1, 600_000, "milliseconds"),
                Scope.MANAGER,
                "2000",
                false));
        keys.add(new Key(
                "backends.l3.pool_size",
                "terrace.l3.pool-size",
                wholeNumber(1, 1_000, "connections"),
                Scope.MANAGER,
                "16",
                false));
        keys.add(new Key("backends.l3.namespace", "terrace.l3.namespace", host(), Scope.MANAGER, "terrace", false));
        keys.add(new Key(
                "backends.l3.shards",
                "terrace.l3.shards",
                wholeNumber(0, RedisSettings.MAX_SHARDS, "shards (0: 1, or 24 on a Redis Cluster)"),
                Scope.MANAGER,
                "0",
                false));
        keys.add(new Key("backends.l3.sentinel.master_name", L3_SENTINEL_MASTER, text(), Scope.MANAGER, "\"\"", false));
        keys.add(new Key("backends.l3.sentinel.nodes", L3_SENTINEL_NODES, nodes(), Scope.MANAGER, "[]", false));
        keys.add(new Key("backends.l3.cluster.nodes", L3_CLUSTER_NODES, nodes(), Scope.MANAGER, "[]", false));
        keys.add(new Key("coordination.manager_name", "terrace.manager-name", text(), Scope.MANAGER, "\"\"", false));
        keys.add(new Key("coordination.invalidation", null, choice("stream"), Scope.MANAGER, "stream", false));
        keys.add(new Key(
                "serialization.allow",
                dev.terrace.jcache.internal.copy.SerialFilter.ALLOW,
                classPatterns(),
                Scope.MANAGER,
                "[]",
                false));
        keys.add(new Key("file_watching.enabled", "terrace.files.enabled", flag(), Scope.MANAGER, "false", false));
        keys.add(
                new Key("file_watching.watch_paths", "terrace.files.watch-paths", paths(), Scope.MANAGER, "[]", false));
        keys.add(new Key(
                "file_watching.debounce_ms",
                "terrace.files.debounce-ms",
                wholeNumber(0, 60_000, "milliseconds"),
                Scope.MANAGER,
                "100",
                false));
        keys.add(new Key(
                "file_watching.verify_on_read", "terrace.files.verify-on-read", flag(), Scope.MANAGER, "false", false));
        keys.add(new Key(
                "file_watching.content_hash", "terrace.files.content-hash", flag(), Scope.MANAGER, "false", false));
        Map<String, Key> byPath = new LinkedHashMap<>();
        keys.forEach(key -> byPath.put(key.path(), key));
        return Map.copyOf(byPath);
    }

    /** The names allowed directly below {@code prefix} ("" for the top), sections and keys, in table order. */
    static List<String> namesBelow(String prefix, boolean cacheScopeOnly) {
        List<String> names = new ArrayList<>();
        String start = prefix.isEmpty() ? "" : prefix + ".";
        for (Key key : ordered()) {
            if (key.path().startsWith(start) && (!cacheScopeOnly || key.scope() == Scope.CACHE)) {
                String rest = key.path().substring(start.length());
                String name = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Whether {@code path} is a section (has keys below it). */
    static boolean isSection(String path) {
        return KEYS.keySet().stream().anyMatch(key -> key.startsWith(path + "."));
    }

    /** The keys in the order they are documented. */
    static List<Key> ordered() {
        List<Key> keys = new ArrayList<>(KEYS.values());
        keys.sort(java.util.Comparator.comparingInt(key -> ORDER.indexOf(key.path())));
        return keys;
    }

    private static final List<String> ORDER = List.of(
            "stack",
            "backends.l1.type",
            "backends.l1.max_size",
            "backends.l1.ttl_seconds",
            "backends.l2.path",
            "backends.l2.max_size_mb",
            "backends.l2.ttl_seconds",
            "backends.l2.fsync",
            "backends.l2.per_process_path",
            "backends.l3.host",
            "backends.l3.port",
            "backends.l3.db",
            "backends.l3.username",
            "backends.l3.password",
            "backends.l3.tls",
            "backends.l3.trust_store",
            "backends.l3.trust_store_type",
            "backends.l3.trust_store_password_env",
            "backends.l3.key_store",
            "backends.l3.key_store_type",
            "backends.l3.key_store_password_env",
            "backends.l3.on_auth_failure",
            "backends.l3.timeout_ms",
            "backends.l3.connect_timeout_ms",
            "backends.l3.pool_size",
            "backends.l3.namespace",
            "backends.l3.shards",
            "backends.l3.ttl_seconds",
            "backends.l3.sentinel.master_name",
            "backends.l3.sentinel.nodes",
            "backends.l3.cluster.nodes",
            "coordination.manager_name",
            "coordination.invalidation",
            "serialization.allow",
            "file_watching.enabled",
            "file_watching.watch_paths",
            "file_watching.debounce_ms",
            "file_watching.verify_on_read",
            "file_watching.content_hash");

    static Rule wholeNumber(long min, long max, String unit) {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                long number;
                if (value instanceof Long || value instanceof Integer) {
                    number = ((Number) value).longValue();
                } else if (value instanceof String text
                        && text.trim().replace("_", "").matches("-?[0-9]{1,18}")) {
                    number = Long.parseLong(text.trim().replace("_", ""));
                } else {
                    throw new IllegalArgumentException();
                }
                if (number < min || number > max) {
                    throw new IllegalArgumentException();
                }
                return Long.toString(number);
            }

            @Override
            public String allowed() {
                return "a whole number of " + unit + " from " + min + " to " + max;
            }
        };
    }

    static Rule seconds() {
        Rule inner = wholeNumber(0, MAX_SECONDS, "seconds");
        return new Rule() {
            @Override
            public String normalize(Object value) {
                return inner.normalize(value);
            }

            @Override
            public String allowed() {
                return "0 (no limit) or a whole number of seconds up to " + MAX_SECONDS;
            }
        };
    }

    static Rule flag() {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (value instanceof Boolean bool) {
                    return bool.toString();
                }
                if (value instanceof String text
                        && (text.trim().equalsIgnoreCase("true") || text.trim().equalsIgnoreCase("false"))) {
                    return text.trim().toLowerCase(Locale.ROOT);
                }
                throw new IllegalArgumentException();
            }

            @Override
            public String allowed() {
                return "true or false";
            }
        };
    }

    static Rule choice(String... values) {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (value instanceof String text) {
                    String wanted = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
                    if (Arrays.asList(values).contains(wanted)) {
                        return wanted;
                    }
                }
                throw new IllegalArgumentException();
            }

            @Override
            public String allowed() {
                return values.length == 1
                        ? values[0] + " (the only choice in this version)"
                        : String.join(", ", values);
            }
        };
    }

    static Rule text() {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (value == null) {
                    return "";
                }
                if (value instanceof String || value instanceof Long || value instanceof Boolean) {
                    return value.toString();
                }
                throw new IllegalArgumentException();
            }

            @Override
            public String allowed() {
                return "a text";
            }
        };
    }

    static Rule host() {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (value instanceof String text
                        && !text.isBlank()
                        && !text.contains("://")
                        && text.trim().chars().noneMatch(Character::isWhitespace)) {
                    return text.trim();
                }
                throw new IllegalArgumentException();
            }

            @Override
            public String allowed() {
                return "a name without spaces or scheme, such as redis.internal or 10.0.0.5";
            }
        };
    }

    static Rule nodes() {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (!(value instanceof List<?> list)) {
                    throw new IllegalArgumentException();
                }
                List<String> nodes = new ArrayList<>();
                for (Object item : list) {
                    String text = item == null ? "" : item.toString().trim();
                    int colon = text.lastIndexOf(':');
                    if (colon <= 0
                            || text.contains("://")
                            || !text.substring(colon + 1).matches("[0-9]{1,5}")) {
                        throw new IllegalArgumentException("'" + text + "' is not host:port");
                    }
                    int port = Integer.parseInt(text.substring(colon + 1));
                    if (port < 1 || port > 65_535) {
                        throw new IllegalArgumentException("port " + port + " is not from 1 to 65535");
                    }
                    nodes.add(text);
                }
                return String.join(",", nodes);
            }

            @Override
            public String allowed() {
                return "a list of host:port, such as [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]";
            }
        };
    }

    static Rule directory() {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (!(value instanceof String text) || text.isBlank()) {
                    throw new IllegalArgumentException();
                }
                Path path;
                try {
                    path = Path.of(text.trim()).toAbsolutePath();
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException("it is not a valid path");
                }
                if (Files.exists(path)) {
                    if (!Files.isDirectory(path)) {
                        throw new IllegalArgumentException(path + " exists and is not a directory");
                    }
                    if (!Files.isWritable(path)) {
                        throw new IllegalArgumentException(path + " is not writable by this process");
                    }
                    return text.trim();
                }
                Path existing = path.getParent();
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
                    throw new IllegalArgumentException(path + " does not exist and cannot be created"
                            + (existing == null ? "" : ": " + existing + " is not a writable directory"));
                }
                return text.trim();
            }

            @Override
            public String allowed() {
                return "a directory this process can write to, or create";
            }
        };
    }

    static Rule paths() {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (!(value instanceof List<?> list)) {
                    throw new IllegalArgumentException();
                }
                List<String> paths = new ArrayList<>();
                for (Object item : list) {
                    String text = item == null ? "" : item.toString().trim();
                    if (text.isEmpty() || text.contains(",")) {
                        throw new IllegalArgumentException("'" + text + "' is empty or holds a comma");
                    }
                    Path path;
                    try {
                        path = Path.of(text).toAbsolutePath();
                    } catch (InvalidPathException e) {
                        throw new IllegalArgumentException("'" + text + "' is not a valid path");
                    }
                    if (!Files.exists(path)) {
                        throw new IllegalArgumentException(path + " does not exist");
                    }
                    if (!Files.isReadable(path)) {
                        throw new IllegalArgumentException(path + " is not readable by this process");
                    }
                    paths.add(text);
                }
                return String.join(",", paths);
            }

            @Override
            public String allowed() {
                return "a list of existing files or directories, such as [/srv/app/templates]";
            }
        };
    }

    static Rule classPatterns() {
        return new Rule() {
            @Override
            public String normalize(Object value) {
                if (!(value instanceof List<?> list)) {
                    throw new IllegalArgumentException();
                }
                List<String> patterns = new ArrayList<>();
                for (Object item : list) {
                    String text = item == null ? "" : item.toString().trim();
                    if (!text.matches("[A-Za-z_$][A-Za-z0-9_$.]*(\\.\\*\\*|\\.\\*)?")) {
                        throw new IllegalArgumentException("'" + text + "' is not a class name or package pattern");
                    }
                    patterns.add(text);
                }
                return String.join(";", patterns);
            }

            @Override
            public String allowed() {
                return "a list of classes or packages whose instances values read back from disk or Redis may hold,"
                        + " such as [com.example.Order, com.example.model.*, com.example.**]";
            }
        };
    }
}
