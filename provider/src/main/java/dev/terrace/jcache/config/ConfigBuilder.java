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

    /**
     * The file watching settings ({@code file_watching}), shared by every cache of the manager.
     *
     * @param options sets the keys of {@code file_watching}
     * @return this builder
     */
    public ConfigBuilder fileWatching(Consumer<FileWatchingOptions> options) {
        options.accept(new FileWatchingOptions(section("file_watching")));
        return this;
    }

    /**
     * A named set of settings that caches can start from ({@code cache.templates.<name>}).
     *
     * @param name the template's name, which a cache names to start from it
     * @param options sets the template's keys
     * @return this builder
     */
    public ConfigBuilder template(String name, Consumer<CacheOptions> options) {
        options.accept(new CacheOptions(named("templates", name)));
        return this;
    }

    /**
     * A cache the manager creates when it starts, with settings of its own ({@code cache.caches.<name>}).
     *
     * @param name the cache's name
     * @param options sets the cache's keys; they win over its template and the defaults
     * @return this builder
     */
    public ConfigBuilder cache(String name, Consumer<CacheOptions> options) {
        options.accept(new CacheOptions(named("caches", name)));
        return this;
    }

    /**
     * Checks the settings as a YAML file would be checked and returns the configuration.
     *
     * @return the configuration, ready to hand to a cache manager
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

        /**
         * Starts from the template {@code name}; this cache's own settings win over it (caches only).
         *
         * @param name a template declared with {@link ConfigBuilder#template}
         * @return these options
         */
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

        /**
         * {@code max_size}: the most entries the heap tier of each cache holds.
         *
         * @param entries the entry count; beyond it the heap evicts
         * @return these options
         */
        public HeapOptions maxSize(long entries) {
            set("max_size", entries);
            return this;
        }

        /**
         * {@code ttl_seconds}: the longest an entry stays on the heap (0: no limit).
         *
         * @param seconds the time to live on the heap
         * @return these options
         */
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

        /**
         * {@code path}: the directory the disk stores live under.
         *
         * @param directory created when missing
         * @return these options
         */
        public DiskOptions path(Path directory) {
            set("path", directory.toString());
            return this;
        }

        /**
         * {@code max_size_mb}: the most megabytes each cache's disk store takes.
         *
         * @param megabytes the store's size limit
         * @return these options
         */
        public DiskOptions maxSizeMb(long megabytes) {
            set("max_size_mb", megabytes);
            return this;
        }

        /**
         * {@code ttl_seconds}: the longest an entry stays on disk (0: no limit).
         *
         * @param seconds the time to live on disk
         * @return these options
         */
        public DiskOptions ttlSeconds(long seconds) {
            set("ttl_seconds", seconds);
            return this;
        }

        /**
         * {@code fsync}: force every write to the device.
         *
         * @param fsync {@code true} to survive a power loss at the cost of slower writes
         * @return these options
         */
        public DiskOptions fsync(boolean fsync) {
            set("fsync", fsync);
            return this;
        }

        /**
         * {@code per_process_path}: give each process its own stores.
         *
         * @param perProcess {@code true} so that processes sharing the path do not lock each other out
         * @return these options
         */
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

        /**
         * {@code host}: the Redis server's host name or address.
         *
         * @param host the server
         * @return these options
         */
        public RedisOptions host(String host) {
            set("host", host);
            return this;
        }

        /**
         * {@code port}: the Redis server's port.
         *
         * @param port the TCP port
         * @return these options
         */
        public RedisOptions port(int port) {
            set("port", (long) port);
            return this;
        }

        /**
         * {@code db}: the database number.
         *
         * @param database the Redis database this application's keys go to
         * @return these options
         */
        public RedisOptions db(int database) {
            set("db", (long) database);
            return this;
        }

        /**
         * {@code username}: the ACL user (Redis 6 and later).
         *
         * @param username the user name
         * @return these options
         */
        public RedisOptions username(String username) {
            set("username", username);
            return this;
        }

        /**
         * {@code password}; never logged.
         *
         * @param password the user's or the server's password
         * @return these options
         */
        public RedisOptions password(String password) {
            set("password", password);
            return this;
        }

        /**
         * {@code tls}: connect with TLS ({@code rediss://}).
         *
         * @param tls {@code true} to encrypt the connection
         * @return these options
         */
        public RedisOptions tls(boolean tls) {
            set("tls", tls);
            return this;
        }

        /**
         * {@code trust_store}, {@code trust_store_type}, {@code trust_store_password_env}: the CA that signed the
         * server's certificate, instead of the JVM's; the password is read from the named environment variable.
         *
         * @param path the trust store file
         * @param type its type, such as {@code PKCS12}
         * @param passwordEnv the environment variable that holds its password
         * @return these options
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
         *
         * @param path the key store file
         * @param type its type, such as {@code PKCS12}
         * @param passwordEnv the environment variable that holds its password
         * @return these options
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
         *
         * @param policy {@code fail} or {@code degrade}
         * @return these options
         */
        public RedisOptions onAuthFailure(String policy) {
            set("on_auth_failure", policy);
            return this;
        }

        /**
         * {@code timeout_ms}: how long a command may take.
         *
         * @param millis the command timeout
         * @return these options
         */
        public RedisOptions timeoutMs(long millis) {
            set("timeout_ms", millis);
            return this;
        }

        /**
         * {@code connect_timeout_ms}: how long opening a connection may take.
         *
         * @param millis the connect timeout
         * @return these options
         */
        public RedisOptions connectTimeoutMs(long millis) {
            set("connect_timeout_ms", millis);
            return this;
        }

        /**
         * {@code pool_size}: connections per server.
         *
         * @param connections the pool's size
         * @return these options
         */
        public RedisOptions poolSize(int connections) {
            set("pool_size", (long) connections);
            return this;
        }

        /**
         * {@code namespace}: the prefix of this application's keys.
         *
         * @param namespace the same in every process that is meant to share the cached entries
         * @return these options
         */
        public RedisOptions namespace(String namespace) {
            set("namespace", namespace);
            return this;
        }

        /**
         * {@code ttl_seconds}: the longest an entry stays in Redis (0: no limit).
         *
         * @param seconds the time to live in Redis
         * @return these options
         */
        public RedisOptions ttlSeconds(long seconds) {
            set("ttl_seconds", seconds);
            return this;
        }

        /**
         * {@code sentinel}: reach Redis through Sentinels, which name the current master.
         *
         * @param masterName the name the Sentinels monitor the master under
         * @param nodes some Sentinels, as {@code host:port}
         * @return these options
         */
        public RedisOptions sentinel(String masterName, String... nodes) {
            Map<String, Val> sentinel = LevelOptions.subsection(nodeOf(this), "sentinel");
            sentinel.put("master_name", Val.code(masterName));
            sentinel.put("nodes", Val.code(Arrays.stream(nodes).map(Val::code).toList()));
            return this;
        }

        /**
         * {@code cluster}: reach a Redis Cluster; the other nodes are found from these.
         *
         * @param nodes some nodes of the cluster, as {@code host:port}
         * @return these options
         */
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

        /**
         * {@code enabled}: watch files and invalidate the entries that depend on them.
         *
         * @param enabled {@code false} to turn watching off
         * @return these options
         */
        public FileWatchingOptions enabled(boolean enabled) {
            set("enabled", enabled);
            return this;
        }

        /**
         * {@code watch_paths}: files and directories to watch.
         *
         * @param paths watched recursively
         * @return these options
         */
        public FileWatchingOptions watchPaths(Path... paths) {
            setList("watch_paths", Arrays.stream(paths).map(Path::toString).toList());
            return this;
        }

        /**
         * {@code debounce_ms}: how long changes to a file are gathered into one invalidation.
         *
         * @param millis the quiet time after the last change
         * @return these options
         */
        public FileWatchingOptions debounceMs(long millis) {
            set("debounce_ms", millis);
            return this;
        }

        /**
         * {@code verify_on_read}: check an entry's files on every read.
         *
         * @param verify {@code true} to catch changes the watcher missed, at the cost of a file check per read
         * @return these options
         */
        public FileWatchingOptions verifyOnRead(boolean verify) {
            set("verify_on_read", verify);
            return this;
        }

        /**
         * {@code content_hash}: compare contents, not only size and time.
         *
         * @param contentHash {@code true} to hash file contents into the fingerprint
         * @return these options
         */
        public FileWatchingOptions contentHash(boolean contentHash) {
            set("content_hash", contentHash);
            return this;
        }
    }

    private static Map<String, Val> nodeOf(Options options) {
        return options.node;
    }
}
