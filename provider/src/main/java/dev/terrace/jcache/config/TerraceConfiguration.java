package dev.terrace.jcache.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * A cache's complete JCache configuration together with its Terrace tier settings, for {@code
 * CacheManager.createCache} in code, as {@code CaffeineConfiguration} and {@code Eh107Configuration} are for their
 * providers:
 *
 * <pre>{@code
 * TerraceConfiguration<String, Report> config = new TerraceConfiguration<String, Report>()
 *         .setTypes(String.class, Report.class)
 *         .setStack(TierStack.HEAP_DISK)
 *         .setHeapMaxEntries(5_000)
 *         .setDiskMaxSizeMb(512);
 * Cache<String, Report> reports = manager.createCache("reports", config);
 * }</pre>
 *
 * <p>A tier setting left unset is taken from where it would be taken for any other cache: the manager's
 * properties, system properties, the YAML file (the cache's own entry, its template, the defaults), then the
 * built-in default. A setting made here is the most specific and wins over all of them. {@code
 * cache.getConfiguration(TerraceConfiguration.class)} returns the configuration with every tier setting filled in
 * with the value the cache runs with.
 *
 * <p>Each setting has one name here and one key in YAML; {@link #yamlKeyOf} gives the key.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 */
public final class TerraceConfiguration<K, V> extends MutableConfiguration<K, V> {

    private static final long serialVersionUID = 1L;

    /** Setting name in code → key in the YAML file (below {@code cache:}, a template or a cache). */
    private static final Map<String, String> YAML_KEYS = Map.of(
            "stack", "stack",
            "heapMaxEntries", "backends.l1.max_size",
            "heapTtl", "backends.l1.ttl_seconds",
            "diskMaxSizeMb", "backends.l2.max_size_mb",
            "diskFsync", "backends.l2.fsync",
            "diskTtl", "backends.l2.ttl_seconds",
            "redisTtl", "backends.l3.ttl_seconds");

    /** The tiers an entry passes through; {@code null} when unset. */
    private TierStack stack;

    /** The most entries the heap tier holds; {@code null} when unset. */
    private Long heapMaxEntries;

    /** The longest an entry stays on the heap; {@code null} when unset. */
    private Duration heapTtl;

    /** The most megabytes the disk store takes; {@code null} when unset. */
    private Long diskMaxSizeMb;

    /** Whether every disk write is forced to the device; {@code null} when unset. */
    private Boolean diskFsync;

    /** The longest an entry stays on disk; {@code null} when unset. */
    private Duration diskTtl;

    /** The longest an entry stays in Redis; {@code null} when unset. */
    private Duration redisTtl;

    /** A configuration with the JCache defaults and no tier setting of its own. */
    public TerraceConfiguration() {}

    /**
     * A copy of {@code configuration}; its tier settings too when it is a {@code TerraceConfiguration}.
     *
     * @param configuration the configuration to copy
     */
    public TerraceConfiguration(CompleteConfiguration<K, V> configuration) {
        super(configuration);
        if (configuration instanceof TerraceConfiguration<K, V> other) {
            this.stack = other.stack;
            this.heapMaxEntries = other.heapMaxEntries;
            this.heapTtl = other.heapTtl;
            this.diskMaxSizeMb = other.diskMaxSizeMb;
            this.diskFsync = other.diskFsync;
            this.diskTtl = other.diskTtl;
            this.redisTtl = other.redisTtl;
        }
    }

    /**
     * The YAML key of a setting of this class, such as {@code backends.l2.max_size_mb} for {@code diskMaxSizeMb}.
     *
     * @param setting the setting's name in code: the name of its getter without {@code get}, first letter lower
     * @return the key below {@code cache:}, a template or a cache in the YAML file
     * @throws IllegalArgumentException when there is no such setting
     */
    public static String yamlKeyOf(String setting) {
        String key = YAML_KEYS.get(setting);
        if (key == null) {
            throw new IllegalArgumentException(
                    "No Terrace cache setting named '" + setting + "'; settings: " + YAML_KEYS.keySet());
        }
        return key;
    }

    /**
     * The tiers the cache layers.
     *
     * @return the stack, or empty to take it from the manager's settings
     */
    public Optional<TierStack> getStack() {
        return Optional.ofNullable(stack);
    }

    /**
     * Sets the tiers the cache layers.
     *
     * @param stack the stack, nearest tier first; {@code null} to take it from the manager's settings
     * @return this configuration
     */
    public TerraceConfiguration<K, V> setStack(TierStack stack) {
        this.stack = stack;
        return this;
    }

    /**
     * The most entries the heap tier holds.
     *
     * @return the bound, or empty to take it from the manager's settings
     */
    public Optional<Long> getHeapMaxEntries() {
        return Optional.ofNullable(heapMaxEntries);
    }

    /**
     * Sets the most entries the heap tier holds.
     *
     * @param entries a positive number of entries
     * @return this configuration
     * @throws IllegalArgumentException when {@code entries} is not positive
     */
    public TerraceConfiguration<K, V> setHeapMaxEntries(long entries) {
        if (entries <= 0) {
            throw new IllegalArgumentException("heapMaxEntries must be a positive number of entries, was " + entries);
        }
        this.heapMaxEntries = entries;
        return this;
    }

    /**
     * The longest an entry stays on the heap, whatever the expiry policy says.
     *
     * @return the limit ({@link Duration#ZERO}: none), or empty to take it from the manager's settings
     */
    public Optional<Duration> getHeapTtl() {
        return Optional.ofNullable(heapTtl);
    }

    /**
     * Sets the longest an entry stays on the heap, whatever the expiry policy says.
     *
     * @param ttl whole seconds, {@link Duration#ZERO} for no limit
     * @return this configuration
     * @throws IllegalArgumentException when {@code ttl} is negative or not whole seconds
     */
    public TerraceConfiguration<K, V> setHeapTtl(Duration ttl) {
        this.heapTtl = checkedTtl("heapTtl", ttl);
        return this;
    }

    /**
     * The most megabytes the cache's disk store takes.
     *
     * @return the bound, or empty to take it from the manager's settings
     */
    public Optional<Long> getDiskMaxSizeMb() {
        return Optional.ofNullable(diskMaxSizeMb);
    }

    /**
     * Sets the most megabytes the cache's disk store takes.
     *
     * @param megabytes a positive number of megabytes
     * @return this configuration
     * @throws IllegalArgumentException when {@code megabytes} is not positive
     */
    public TerraceConfiguration<K, V> setDiskMaxSizeMb(long megabytes) {
        if (megabytes <= 0 || megabytes > Long.MAX_VALUE / (1024 * 1024)) {
            throw new IllegalArgumentException(
                    "diskMaxSizeMb must be a positive number of megabytes, was " + megabytes);
        }
        this.diskMaxSizeMb = megabytes;
        return this;
    }

    /**
     * Whether every disk write is forced to the device.
     *
     * @return the flag, or empty to take it from the manager's settings
     */
    public Optional<Boolean> getDiskFsync() {
        return Optional.ofNullable(diskFsync);
    }

    /**
     * Sets whether every disk write is forced to the device (survives power loss, costs milliseconds per write);
     * without it a write survives the death of the process.
     *
     * @param fsync {@code true} to force each write to the device
     * @return this configuration
     */
    public TerraceConfiguration<K, V> setDiskFsync(boolean fsync) {
        this.diskFsync = fsync;
        return this;
    }

    /**
     * The longest an entry stays on disk, whatever the expiry policy says.
     *
     * @return the limit ({@link Duration#ZERO}: none), or empty to take it from the manager's settings
     */
    public Optional<Duration> getDiskTtl() {
        return Optional.ofNullable(diskTtl);
    }

    /**
     * Sets the longest an entry stays on disk, whatever the expiry policy says.
     *
     * @param ttl whole seconds, {@link Duration#ZERO} for no limit
     * @return this configuration
     * @throws IllegalArgumentException when {@code ttl} is negative or not whole seconds
     */
    public TerraceConfiguration<K, V> setDiskTtl(Duration ttl) {
        this.diskTtl = checkedTtl("diskTtl", ttl);
        return this;
    }

    /**
     * The longest an entry stays in Redis, whatever the expiry policy says.
     *
     * @return the limit ({@link Duration#ZERO}: none), or empty to take it from the manager's settings
     */
    public Optional<Duration> getRedisTtl() {
        return Optional.ofNullable(redisTtl);
    }

    /**
     * Sets the longest an entry stays in Redis, whatever the expiry policy says.
     *
     * @param ttl whole seconds, {@link Duration#ZERO} for no limit
     * @return this configuration
     * @throws IllegalArgumentException when {@code ttl} is negative or not whole seconds
     */
    public TerraceConfiguration<K, V> setRedisTtl(Duration ttl) {
        this.redisTtl = checkedTtl("redisTtl", ttl);
        return this;
    }

    /**
     * The tier settings made here, as the {@code terrace.*} properties that the manager's settings are read from;
     * unset settings are absent.
     *
     * @return property name → value, in a fixed order
     */
    public Map<String, String> tierProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (stack != null) {
            properties.put(TerraceSettings.STACK, stack.id());
        }
        if (heapMaxEntries != null) {
            properties.put(TerraceSettings.HEAP_MAX_ENTRIES, Long.toString(heapMaxEntries));
        }
        if (heapTtl != null) {
            properties.put(TerraceSettings.HEAP_TTL_SECONDS, Long.toString(heapTtl.getSeconds()));
        }
        if (diskMaxSizeMb != null) {
            properties.put(TerraceSettings.DISK_MAX_MB, Long.toString(diskMaxSizeMb));
        }
        if (diskFsync != null) {
            properties.put(TerraceSettings.DISK_FSYNC, Boolean.toString(diskFsync));
        }
        if (diskTtl != null) {
            properties.put(TerraceSettings.DISK_TTL_SECONDS, Long.toString(diskTtl.getSeconds()));
        }
        if (redisTtl != null) {
            properties.put(TerraceSettings.REDIS_TTL_SECONDS, Long.toString(redisTtl.getSeconds()));
        }
        return properties;
    }

    /**
     * A copy of {@code configuration} whose every tier setting is the one in {@code settings}: what {@code
     * getConfiguration} of a running cache returns.
     *
     * @param configuration the cache's JCache configuration
     * @param settings the settings the cache runs with
     * @param <K> the type of keys
     * @param <V> the type of values
     * @return a new configuration, independent of both arguments
     */
    public static <K, V> TerraceConfiguration<K, V> effective(
            CompleteConfiguration<K, V> configuration, TerraceSettings settings) {
        Objects.requireNonNull(settings, "settings");
        TerraceConfiguration<K, V> effective = new TerraceConfiguration<>(configuration);
        effective.stack = settings.stack();
        effective.heapMaxEntries = settings.heapMaxEntries();
        effective.heapTtl = settings.heapTtl();
        effective.diskMaxSizeMb = settings.diskMaxBytes() / (1024 * 1024);
        effective.diskFsync = settings.diskFsync();
        effective.diskTtl = settings.diskTtl();
        effective.redisTtl = settings.redisTtl();
        return effective;
    }

    private static Duration checkedTtl(String name, Duration ttl) {
        if (ttl == null) {
            return null;
        }
        if (ttl.isNegative() || ttl.getNano() != 0) {
            throw new IllegalArgumentException(
                    name + " must be zero (no limit) or a positive whole number of seconds, was " + ttl);
        }
        return ttl;
    }

    // The JCache setters, narrowed so that a chain of calls keeps this type.

    @Override
    public TerraceConfiguration<K, V> setTypes(Class<K> keyType, Class<V> valueType) {
        super.setTypes(keyType, valueType);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> addCacheEntryListenerConfiguration(
            CacheEntryListenerConfiguration<K, V> listener) {
        super.addCacheEntryListenerConfiguration(listener);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> removeCacheEntryListenerConfiguration(
            CacheEntryListenerConfiguration<K, V> listener) {
        super.removeCacheEntryListenerConfiguration(listener);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setCacheLoaderFactory(Factory<? extends CacheLoader<K, V>> factory) {
        super.setCacheLoaderFactory(factory);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setCacheWriterFactory(
            Factory<? extends CacheWriter<? super K, ? super V>> factory) {
        super.setCacheWriterFactory(factory);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setExpiryPolicyFactory(Factory<? extends ExpiryPolicy> factory) {
        super.setExpiryPolicyFactory(factory);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setReadThrough(boolean isReadThrough) {
        super.setReadThrough(isReadThrough);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setWriteThrough(boolean isWriteThrough) {
        super.setWriteThrough(isWriteThrough);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setStoreByValue(boolean isStoreByValue) {
        super.setStoreByValue(isStoreByValue);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setStatisticsEnabled(boolean enabled) {
        super.setStatisticsEnabled(enabled);
        return this;
    }

    @Override
    public TerraceConfiguration<K, V> setManagementEnabled(boolean enabled) {
        super.setManagementEnabled(enabled);
        return this;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TerraceConfiguration<?, ?> that) || !super.equals(other)) {
            return false;
        }
        return Objects.equals(stack, that.stack)
                && Objects.equals(heapMaxEntries, that.heapMaxEntries)
                && Objects.equals(heapTtl, that.heapTtl)
                && Objects.equals(diskMaxSizeMb, that.diskMaxSizeMb)
                && Objects.equals(diskFsync, that.diskFsync)
                && Objects.equals(diskTtl, that.diskTtl)
                && Objects.equals(redisTtl, that.redisTtl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                super.hashCode(), stack, heapMaxEntries, heapTtl, diskMaxSizeMb, diskFsync, diskTtl, redisTtl);
    }
}
