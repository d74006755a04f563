package dev.terrace.jcache.micrometer;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierCounters;
import dev.terrace.jcache.internal.tier.TieredStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheStatisticsMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a Terrace cache's statistics to a Micrometer {@link MeterRegistry}: the meters Micrometer's cache
 * binders share ({@code cache.gets{result=hit|miss}}, {@code cache.puts}, {@code cache.evictions}, {@code
 * cache.size}, plus {@code cache.removals}), tagged {@code cache} and {@code cacheManager}, and one set per
 * tier, tagged {@code tier} ({@code heap}, {@code disk}, {@code redis}):
 *
 * <ul>
 *   <li>{@code terrace.tier.gets{result=hit|miss}}: reads the tier answered or passed down;
 *   <li>{@code terrace.tier.evictions}: entries the tier dropped to stay within its bound;
 *   <li>{@code terrace.tier.invalidations}: near copies dropped because the entry changed elsewhere;
 *   <li>{@code terrace.tier.clears}: times every near copy was dropped at once (after a Redis outage);
 *   <li>{@code terrace.tier.get.latency}: a timer of the tier's reads (only those made while statistics are
 *       enabled);
 *   <li>{@code terrace.tier.size}: entries held, for tiers local to this process (heap, disk).
 * </ul>
 *
 * <p>The {@code cache.*} counters are the JCache statistics, which count only while statistics are enabled
 * ({@code MutableConfiguration.setStatisticsEnabled(true)} or {@code CacheManager.enableStatistics}); the
 * per-tier counts are kept always. {@code cache.size} is only published when the authoritative tier is local:
 * counting the entries of a Redis tier means scanning its keys, too costly for every scrape.
 *
 * <pre>{@code
 * TerraceCacheMetrics.monitor(registry, cache);
 * }</pre>
 */
public final class TerraceCacheMetrics extends CacheMeterBinder<TerraceCache<?, ?>> {

    private static final Logger LOG = LoggerFactory.getLogger(TerraceCacheMetrics.class);

    private final CacheStatisticsMXBean statistics;
    private final TerraceCache<?, ?> terrace;
    private final TieredStore<?> store;

    /**
     * @param cache a Terrace cache, as returned by the cache manager
     * @param tags tags added to every meter, besides {@code cache} and {@code cacheManager}
     * @throws IllegalArgumentException when {@code cache} is not a Terrace cache
     */
    public TerraceCacheMetrics(Cache<?, ?> cache, Iterable<Tag> tags) {
        this(terrace(cache), tags);
    }

    private TerraceCacheMetrics(TerraceCache<?, ?> cache, Iterable<Tag> tags) {
        super(
                cache,
                cache.getName(),
                Tags.concat(
                        tags, "cacheManager", cache.getCacheManager().getURI().toString()));
        this.statistics = cache.statistics();
        // Terrace modules are released together, so this one may read the store (no API type exposes it).
        this.store = cache.unwrap(TieredStore.class);
        this.terrace = cache;
    }

    /**
     * Binds the meters of {@code cache} to {@code registry}, in one line where the cache is created.
     *
     * @param <C> the cache's type, kept so that the call can wrap the cache's creation
     * @param registry where the meters go
     * @param cache a Terrace cache
     * @param tags extra tags, as alternating names and values
     * @return {@code cache}
     * @throws IllegalArgumentException when {@code cache} is not a Terrace cache
     */
    public static <C extends Cache<?, ?>> C monitor(MeterRegistry registry, C cache, String... tags) {
        new TerraceCacheMetrics(cache, Tags.of(tags)).bindTo(registry);
        return cache;
    }

    @Override
    protected Long size() {
        if (store.authority().isShared()) {
            return null;
        }
        try {
            return store.size();
        } catch (RuntimeException e) {
            // A closed cache has no size to report; the gauge reads 0 rather than failing the scrape.
            return null;
        }
    }

    @Override
    protected long hitCount() {
        return statistics.getCacheHits();
    }

    @Override
    protected Long missCount() {
        return statistics.getCacheMisses();
    }

    @Override
    protected Long evictionCount() {
        return statistics.getCacheEvictions();
    }

    @Override
    protected long putCount() {
        return statistics.getCachePuts();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        Iterable<Tag> cacheTags = getTagsWithCacheName();
        @SuppressWarnings("unchecked")
        boolean enabled = terrace.getConfiguration(CompleteConfiguration.class).isStatisticsEnabled();
        if (!enabled) {
            LOG.info(
                    "Statistics of cache {} are off: its cache.* meters stay at 0 until they are enabled;"
                            + " the terrace.tier.* counts are kept regardless",
                    getCache() == null ? "?" : getCache().getName());
        }
        FunctionCounter.builder("cache.removals", statistics, CacheStatisticsMXBean::getCacheRemovals)
                .tags(cacheTags)
                .description("Entries removed from the cache")
                .register(registry);

        TierCounters counters = store.counters();
        List<? extends Tier<?>> tiers = store.tiers();
        for (int i = 0; i < tiers.size(); i++) {
            int index = i;
            Tier<?> tier = tiers.get(i);
            Tags tags = Tags.of(cacheTags).and("tier", tier.name());
            counter("terrace.tier.gets", tags.and("result", "hit"), counters, c -> c.hits(index))
                    .description("Reads this tier answered")
                    .register(registry);
            counter("terrace.tier.gets", tags.and("result", "miss"), counters, c -> c.misses(index))
                    .description("Reads that reached this tier and found nothing live there")
                    .register(registry);
            counter("terrace.tier.evictions", tags, store, s -> s.evictions(index))
                    .description("Entries this tier dropped to stay within its size bound")
                    .register(registry);
            counter("terrace.tier.invalidations", tags, counters, c -> c.invalidations(index))
                    .description("Near copies this tier dropped because the entry changed elsewhere")
                    .register(registry);
            counter("terrace.tier.clears", tags, counters, c -> c.clears(index))
                    .description("Times this tier dropped every near copy at once")
                    .register(registry);
            FunctionTimer.builder(
                            "terrace.tier.get.latency",
                            counters,
                            c -> c.timedGets(index),
                            c -> c.getNanos(index),
                            TimeUnit.NANOSECONDS)
                    .tags(tags)
                    .description("Time reads of this tier took (while statistics are enabled)")
                    .register(registry);
            if (!tier.isShared()) {
                Gauge.builder("terrace.tier.size", tier, TerraceCacheMetrics::sizeOf)
                        .tags(tags)
                        .description("Entries this tier holds, expired ones not yet dropped included")
                        .register(registry);
            }
        }
    }

    private static <T> FunctionCounter.Builder<T> counter(String name, Tags tags, T source, ToDoubleFunction<T> count) {
        return FunctionCounter.builder(name, source, count).tags(tags);
    }

    private static double sizeOf(Tier<?> tier) {
        try {
            return tier.size();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static TerraceCache<?, ?> terrace(Cache<?, ?> cache) {
        Objects.requireNonNull(cache, "cache");
        try {
            return cache.unwrap(TerraceCache.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "TerraceCacheMetrics binds Terrace caches only; " + cache.getName() + " is a "
                            + cache.getClass().getName() + " (use Micrometer's JCacheMetrics for other providers)",
                    e);
        }
    }
}
