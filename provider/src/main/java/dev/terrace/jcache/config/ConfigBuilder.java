package dev.terrace.jcache.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds a {@link TerraceConfig} in code. Every method sets the YAML key of the same meaning, and {@link
 * #build()} runs the checks the YAML file gets, so mistakes are reported with the YAML key's name:
 *
 * <pre>{@code
 * TerraceConfig config = TerraceConfig.builder()
 *         .stack(TierStack.HEAP_DISK)
 *         .heap(heap -> heap.maxSize(50_000))
 *         .disk(disk -> disk.path(Path.of("/var/cache/app")).maxSizeMb(2_048))
 *         .template("short-lived", t -> t.heap(heap -> heap.ttlSeconds(60)))
 *         .cache("sessions", c -> c.template("short-lived").stack(TierStack.HEAP))
 *         .build();
 * }</pre>
 */
public final class ConfigBuilder extends LevelOptions<ConfigBuilder> {

    ConfigBuilder() {
        super(new LinkedHashMap<>());
    }

    @Override
    ConfigBuilder self() {
        return this;
    }

    /** How the cache manager reaches Redis (connection keys) and, for every cache, the Redis tier's limits. */
    @Override
    public ConfigBuilder redis(Consumer<RedisOptions> options) {
        options.accept(new RedisOptions(section("backends", "l3")));
        return this;
    }

    /** The file watching settings ({@code file_watching}). */
    public ConfigBuilder fileWatching(Consumer<FileWatchingOptions> options) {
        options.accept(new FileWatchingOptions(section("file_watching")));
        return this;
    }

    /** A named set of settings that caches can start from ({@code cache.templates.<name>}). */
    public ConfigBuilder template(String name, Consumer<CacheOptions> options) {
        options.accept(new CacheOptions(named("templates", name)));
        return this;
    }

    /** A cache the manager creates when it starts, with settings of its own ({@code cache.caches.<name>}). */
    public ConfigBuilder cache(String name, Consumer<CacheOptions> options) {
        options.accept(new CacheOptions(named("caches", name)));
        return this;
    }

    /**
     * The configuration.
     *
     * @throws TerraceConfigException at the first mistake, naming the YAML key
     */
    public TerraceConfig build() {
        return ConfigValidator.validate(Val.code(Map.of("cache", Val.code(node))), "ConfigBuilder", name -> null);
    }

    private Map<String, Val> named(String section, String name) {
        Objects.requireNonNull(name, "name");
        return subsection(section(section), name);
    }

    /** The settings of a template or a cache. */
    public static final class CacheOptions extends LevelOptions<CacheOptions> {
        CacheOptions(Map<String, Val> node) {
            super(node);
        }

        @Override
        CacheOptions self() {
            return this;
        }

        /** Starts from the template {@code name}; this cache's own settings win over it (caches only). */
        public CacheOptions template(String name) {
            node.put("template", Val.code(Objects.requireNonNull(name, "name")));
            return this;
        }
    }

    /** Base of the per-tier option sets: each writes keys into its YAML section. */
    abstract static class Options {
        private final Map<String, Val> node;

        Options(Map<String, Val> node) {
            this.node = node;
        }

        final void set(String key, Object value) {
            node.put(key, Val.code(Objects.requireNonNull(value, key)));
        }

        final void setList(String key, List<String> values) {
            node.put(key, Val.code(values.stream().map(Val::code).toList()));
        }
    }

    /** {@code backends.l1}: the heap tier. */
    public static final class HeapOptions extends Options {
        HeapOptions(Map<String, Val> node) {
            super(node);
        }

        /** {@code max_size}: the most entries the heap tier of each cache holds. */
        public HeapOptions maxSize(long entries) {
            set("max_size", entries);
            return this;
        }

        /** {@code ttl_seconds}: the longest an entry stays on the heap (0: no limit). */
        public HeapOptions ttlSeconds(long seconds) {
            set("ttl_seconds", seconds);
            return this;
        }
    }

    /** {@code backends.l2}: the disk tier. */
    public static final class DiskOptions extends Options {
        DiskOptions(Map<String, Val> node) {
            super(node);
        }

        /** {@code path}: the directory the disk stores live under. */
        public DiskOptions path(Path directory) {
            set("path", directory.toString());
            return this;
        }

        /** {@code max_size_mb}: the most megabytes each cache's disk store takes. */
        public DiskOptions maxSizeMb(long megabytes) {
            set("max_size_mb", megabytes);
            return this;
        }

        /** {@code ttl_seconds}: the longest an entry stays on disk (0: no limit). */
        public DiskOptions ttlSeconds(long seconds) {
            set("ttl_seconds", seconds);
            return this;
        }

        /** {@code fsync}: force every write to the device. */
        public DiskOptions fsync(boolean fsync) {
            set("fsync", fsync);
            return this;
        }

        /** {@code per_process_path}: give each process its own stores. */
        public DiskOptions perProcessPath(boolean perProcess) {
            set("per_process_path", perProcess);
            return this;
        }
    }

    /** {@code backends.l3}: the Redis tier. */
    public static final class RedisOptions extends Options {
        RedisOptions(Map<String, Val> node) {
            super(node);
        }

        /** {@code host}. */
        public RedisOptions host(String host) {
            set("host", host);
            return this;
        }

        /** {@code port}. */
        public RedisOptions port(int port) {
            set("port", (long) port);
            return this;
        }

        /** {@code db}: the database number. */
        public RedisOptions db(int database) {
            set("db", (long) database);
            return this;
        }

        /** {@code username}. */
        public RedisOptions username(String username) {
            set("username", username);
            return this;
        }

        /** {@code password}; never logged. */
        public RedisOptions password(String password) {
            set("password", password);
            return this;
        }

        /** {@code tls}: connect with TLS ({@code rediss://}). */
        public RedisOptions tls(boolean tls) {
            set("tls", tls);
            return this;
        }

        /**
         * {@code trust_store}, {@code trust_store_type}, {@code trust_store_password_env}: the CA that signed the
         * server's certificate, instead of the JVM's; the password is read from the named environment variable.
         */
        public RedisOptions trustStore(String path, String type, String passwordEnv) {
            set("trust_store", path);
            set("trust_store_type", type);
            set("trust_store_password_env", passwordEnv);
            return this;
        }

        /**
         * {@code key_store}, {@code key_store_type}, {@code key_store_password_env}: this client's certificate and
         * key, for a server that asks for one; the password is read from the named environment variable.
         */
        public RedisOptions keyStore(String path, String type, String passwordEnv) {
            set("key_store", path);
            set("key_store_type", type);
            set("key_store_password_env", passwordEnv);
            return this;
        }

        /**
         * {@code on_auth_failure}: {@code fail} (a refused password, permission or TLS handshake fails cache
         * creation) or {@code degrade} (an ERROR is logged and caches run on their near tiers).
         */
        public RedisOptions onAuthFailure(String policy) {
            set("on_auth_failure", policy);
            return this;
        }

        /** {@code timeout_ms}: how long a command may take. */
        public RedisOptions timeoutMs(long millis) {
            set("timeout_ms", millis);
            return this;
        }

        /** {@code connect_timeout_ms}. */
        public RedisOptions connectTimeoutMs(long millis) {
            set("connect_timeout_ms", millis);
            return this;
        }

        /** {@code pool_size}: connections per server. */
        public RedisOptions poolSize(int connections) {
            set("pool_size", (long) connections);
            return this;
        }

        /** {@code namespace}: the prefix of this application's keys. */
        public RedisOptions namespace(String namespace) {
            set("namespace", namespace);
            return this;
        }

        /** {@code ttl_seconds}: the longest an entry stays in Redis (0: no limit). */
        public RedisOptions ttlSeconds(long seconds) {
            set("ttl_seconds", seconds);
            return this;
        }

        /** {@code sentinel}: the master's name and the Sentinels, as {@code host:port}. */
        public RedisOptions sentinel(String masterName, String... nodes) {
            Map<String, Val> sentinel = LevelOptions.subsection(nodeOf(this), "sentinel");
            sentinel.put("master_name", Val.code(masterName));
            sentinel.put("nodes", Val.code(Arrays.stream(nodes).map(Val::code).toList()));
            return this;
        }

        /** {@code cluster}: some nodes of the Redis Cluster, as {@code host:port}. */
        public RedisOptions cluster(String... nodes) {
            Map<String, Val> cluster = LevelOptions.subsection(nodeOf(this), "cluster");
            cluster.put("nodes", Val.code(Arrays.stream(nodes).map(Val::code).toList()));
            return this;
        }
    }

    /** {@code file_watching}. */
    public static final class FileWatchingOptions extends Options {
        FileWatchingOptions(Map<String, Val> node) {
            super(node);
        }

        /** {@code enabled}. */
        public FileWatchingOptions enabled(boolean enabled) {
            set("enabled", enabled);
            return this;
        }

        /** {@code watch_paths}: files and directories to watch. */
        public FileWatchingOptions watchPaths(Path... paths) {
            setList("watch_paths", Arrays.stream(paths).map(Path::toString).toList());
            return this;
        }

        /** {@code debounce_ms}. */
        public FileWatchingOptions debounceMs(long millis) {
            set("debounce_ms", millis);
            return this;
        }

        /** {@code verify_on_read}: check an entry's files on every read. */
        public FileWatchingOptions verifyOnRead(boolean verify) {
            set("verify_on_read", verify);
            return this;
        }

        /** {@code content_hash}: compare contents, not only size and time. */
        public FileWatchingOptions contentHash(boolean contentHash) {
            set("content_hash", contentHash);
            return this;
        }
    }

    private static Map<String, Val> nodeOf(Options options) {
        return options.node;
    }
}
