package dev.terrace.examples.toolcache;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.management.TierStatisticsMXBean;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of tool results for an AI-agent or tool runtime: {@link #call} runs a tool only when no valid result
 * of the same call is cached.
 *
 * <ul>
 *   <li><b>Key</b>: the tool's name and a hash of its canonical arguments ({@link ToolCall}, {@link
 *       ToolCallKey}); the key also names the files the call's path-like arguments point at, so the result
 *       depends on them.
 *   <li><b>Namespaces</b>: {@link Namespace#GLOBAL}, {@code SESSION}, {@code REQUEST} and {@code TOOL} are four
 *       JCache caches declared in {@value #CONFIG} with their own times to live.
 *   <li><b>Files</b>: when a file a result depends on changes, Terrace removes the result (in every process
 *       sharing the Redis tier) and the next call runs the tool again.
 *   <li><b>Tiers</b>: heap over disk over Redis (heap over disk without Redis): results survive a restart on
 *       disk, and processes sharing the Redis server share results.
 * </ul>
 *
 * <p>It is cache-aside: two processes missing the same call at once both run the tool and the later result
 * stays, which for idempotent read-only tools is harmless and avoids holding a cluster-wide lock around a tool.
 */
public final class ToolResultCache implements AutoCloseable {

    /** Where the configuration comes from; copy the file to start your own. */
    public static final String CONFIG = "classpath:tool-result-cache.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(ToolResultCache.class);

    private final CacheManager manager;
    private final Path workspace;
    private final Map<Namespace, Cache<Object, Object>> caches = new EnumMap<>(Namespace.class);
    private final CacheEvents events = new CacheEvents();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * Where the cache keeps its data and whom it shares it with.
     *
     * @param workspace the project directory tools work in; relative path arguments are resolved against it
     * @param diskDirectory where the disk tier keeps its stores (one process at a time per directory)
     * @param redisAddress {@code redis://127.0.0.1:<port>} to share results through Redis, or {@code null} for
     *     heap and disk only
     * @param watchWorkspace {@code true} to watch the whole workspace for changes (recursively); {@code false}
     *     to watch only the directories of files this process's own results depend on (a process that mostly
     *     reads results others stored, whose invalidations then reach it through Redis)
     */
    public record Settings(Path workspace, Path diskDirectory, String redisAddress, boolean watchWorkspace) {

        public Settings {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(diskDirectory, "diskDirectory");
        }

        /** The cache manager properties that complete {@value #CONFIG} for this process. */
        Properties properties() {
            Properties properties = new Properties();
            properties.setProperty("terrace.l2.path", diskDirectory.toString());
            if (watchWorkspace) {
                properties.setProperty(
                        "terrace.files.watch-paths", workspace.toAbsolutePath().toString());
            }
            if (redisAddress == null) {
                properties.setProperty("terrace.stack", "heap+disk");
            } else {
                properties.setProperty("terrace.l3.address", redisAddress);
            }
            return properties;
        }
    }

    private ToolResultCache(CacheManager manager, Path workspace) {
        this.manager = manager;
        this.workspace = workspace;
        for (Namespace namespace : Namespace.values()) {
            Cache<Object, Object> cache = manager.getCache(namespace.cacheName());
            if (cache == null) {
                throw new IllegalStateException(CONFIG + " does not declare the cache " + namespace.cacheName());
            }
            events.listenTo(namespace, cache);
            caches.put(namespace, cache);
        }
    }

    /**
     * Opens the four namespaces' caches as {@value #CONFIG} declares them, completed by {@code settings}.
     *
     * <p>One per JVM at a time: the cache manager's URI names the disk stores and the Redis keys, and must be
     * the same in every process that shares results, so a JVM has one such manager.
     *
     * @throws IllegalStateException when one is already open in this JVM with other settings
     */
    public static ToolResultCache open(Settings settings) {
        TerraceCachingProvider provider =
                (TerraceCachingProvider) Caching.getCachingProvider(TerraceCachingProvider.class.getName());
        Properties properties = settings.properties();
        CacheManager manager =
                provider.getCacheManager(URI.create(CONFIG), ToolResultCache.class.getClassLoader(), properties);
        if (!properties.equals(manager.getProperties())) {
            // The provider handed back the manager someone else opened; closing it would close theirs.
            throw new IllegalStateException("A tool-result cache is already open in this JVM with other settings ("
                    + manager.getProperties() + "); close it first");
        }
        try {
            return new ToolResultCache(manager, settings.workspace());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The result of {@code tool} called with {@code arguments} in {@code namespace}: the cached one if there is a
     * valid one, else what {@code run} returns (which is then cached).
     *
     * @param run runs the tool on the canonical arguments; called only on a miss
     * @throws NullPointerException when an argument, its name or its value is null
     * @throws IllegalArgumentException when an argument's value is of a type a call cannot carry
     */
    public <R extends Serializable> R call(
            Namespace namespace, String tool, Map<String, ?> arguments, Function<ToolCall, R> run) {
        return trace(namespace, tool, arguments, run).result();
    }

    /** As {@link #call}, also saying whether the result was cached and which tier answered. */
    public <R extends Serializable> Outcome<R> trace(
            Namespace namespace, String tool, Map<String, ?> arguments, Function<ToolCall, R> run) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(run, "run");
        ToolCall call = ToolCall.of(tool, arguments, workspace);
        ToolCallKey key = call.key();
        Cache<Object, Object> cache = caches.get(namespace);
        List<TierStatisticsMXBean> tiers = cache.unwrap(TerraceCache.class).tierStatistics();
        long[] before = tierHits(tiers);
        Object cached = cache.get(key);
        if (cached != null) {
            hits.increment();
            String tier = answeringTier(tiers, before);
            LOG.debug("{} {}: hit in the {} tier", namespace, key, tier);
            @SuppressWarnings("unchecked") // one tool name yields one result type
            R result = (R) cached;
            return new Outcome<>(result, true, tier);
        }
        misses.increment();
        R result = Objects.requireNonNull(run.apply(call), () -> tool + " returned null");
        cache.put(key, result);
        LOG.debug("{} {}: miss, ran the tool and stored its result", namespace, key);
        return new Outcome<>(result, false, "tool");
    }

    /**
     * What one call did.
     *
     * @param result the tool's result
     * @param hit whether it was cached (the tool did not run)
     * @param answeredBy the tier that held it ({@code heap}, {@code disk}, {@code redis}), or {@code tool}
     */
    public record Outcome<R>(R result, boolean hit, String answeredBy) {}

    /** Whether a valid result of the call is cached in {@code namespace}, without running anything. */
    public boolean isCached(Namespace namespace, String tool, Map<String, ?> arguments) {
        return caches.get(namespace)
                .containsKey(ToolCall.of(tool, arguments, workspace).key());
    }

    /** The JCache cache of {@code namespace}, for listeners, statistics or clearing a scope. */
    public Cache<Object, Object> cache(Namespace namespace) {
        return caches.get(namespace);
    }

    /** How long a result lives in {@code namespace}: the time to live of its authoritative tier. */
    public Duration timeToLive(Namespace namespace) {
        TerraceSettings settings = manager.unwrap(TerraceCacheManager.class)
                .config()
                .settingsFor(namespace.cacheName(), manager.getProperties());
        return settings.stack().hasRedis() ? settings.redisTtl() : settings.diskTtl();
    }

    /**
     * How many reads each tier of {@code namespace}'s cache answered since it opened, nearest first ({@code
     * heap}, {@code disk}, {@code redis}). A cache that opens checks the files of every result it holds, and
     * that check copies each valid result from the authoritative tier onto the heap: after a restart, hits are
     * heap hits of results the check found on disk (or in Redis).
     */
    public Map<String, Long> tierHits(Namespace namespace) {
        Map<String, Long> hits = new LinkedHashMap<>();
        TerraceCache<?, ?> cache = caches.get(namespace).unwrap(TerraceCache.class);
        for (TierStatisticsMXBean tier : cache.tierStatistics()) {
            hits.put(tier.getName(), tier.getHits());
        }
        return hits;
    }

    /** The name of the tier that holds every result and decides: {@code redis} when shared, else {@code disk}. */
    public String authority() {
        List<TierStatisticsMXBean> tiers =
                caches.get(Namespace.GLOBAL).unwrap(TerraceCache.class).tierStatistics();
        return tiers.get(tiers.size() - 1).getName();
    }

    /** Whether results are shared through Redis. */
    public boolean shared() {
        return managerSettings().stack().hasRedis();
    }

    private TerraceSettings managerSettings() {
        return manager.unwrap(TerraceCacheManager.class).settings();
    }

    /** Removals and expiries the caches reported, in order. */
    public List<CacheEvents.Event> events() {
        return events.all();
    }

    /** Calls answered from the cache. */
    public long hits() {
        return hits.sum();
    }

    /** Calls that ran their tool. */
    public long misses() {
        return misses.sum();
    }

    /** Closes the caches; their disk stores (and Redis data) stay for the next start. */
    @Override
    public void close() {
        manager.close();
    }

    private static long[] tierHits(List<TierStatisticsMXBean> tiers) {
        long[] counts = new long[tiers.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = tiers.get(i).getHits();
        }
        return counts;
    }

    /** The tier whose hit count moved: exact while one thread uses the cache, a guess under concurrency. */
    private static String answeringTier(List<TierStatisticsMXBean> tiers, long[] before) {
        for (int i = 0; i < before.length; i++) {
            if (tiers.get(i).getHits() > before[i]) {
                return tiers.get(i).getName();
            }
        }
        return "?";
    }
}
