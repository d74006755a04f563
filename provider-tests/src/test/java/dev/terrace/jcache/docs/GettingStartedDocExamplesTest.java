package dev.terrace.jcache.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.config.TerraceConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.spi.CachingProvider;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/getting-started.md, each run as the page shows it (DocSnippetsTest keeps the page and the
 * regions between {@code // snippet} and {@code // end snippet} equal, in order), then checked against what the
 * page says they do.
 */
class GettingStartedDocExamplesTest {

    private static final AtomicInteger MANAGERS = new AtomicInteger();

    private final CachingProvider provider = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider");
    private final CacheManager manager = provider.getCacheManager(
            URI.create("terrace:getting-started-" + MANAGERS.incrementAndGet()), provider.getDefaultClassLoader());

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void aFirstCache() {
        // snippet
        CachingProvider provider = Caching.getCachingProvider();
        try (CacheManager manager = provider.getCacheManager()) { // URI terrace:default
            Cache<String, String> cache = manager.createCache("first", new MutableConfiguration<String, String>());

            cache.put("greeting", "Hello");
            String greeting = cache.get("greeting"); // "Hello"
            boolean added = cache.putIfAbsent("greeting", "Hi"); // false: there is one
            String previous = cache.getAndPut("greeting", "Hi"); // "Hello"
            cache.remove("greeting");
        }
        // end snippet

        assertThat(provider).as("the one JCache provider").isInstanceOf(TerraceCachingProvider.class);
        assertThat(provider.getCacheManager().getCache("first"))
                .as("the closed manager's caches are gone: the same URI gives a new, empty manager")
                .isNull();
    }

    @Test
    void aManagerWithItsOwnUriAndProperties() {
        // snippet
        Properties properties = new Properties();
        properties.setProperty("terrace.l1.max-entries", "50000"); // heap tier bound, per cache
        CacheManager catalog =
                provider.getCacheManager(URI.create("terrace:catalog"), provider.getDefaultClassLoader(), properties);
        // end snippet

        try (catalog) {
            Cache<String, String> books = catalog.createCache("books", new MutableConfiguration<>());
            TerraceConfiguration<?, ?> running = books.getConfiguration(TerraceConfiguration.class);
            assertThat(running.getHeapMaxEntries())
                    .as("every cache of the manager gets the property's heap bound")
                    .contains(50_000L);
        }
    }

    @Test
    void typedCaches() {
        // snippet
        MutableConfiguration<Long, Product> config =
                new MutableConfiguration<Long, Product>().setTypes(Long.class, Product.class);
        manager.createCache("products", config);

        Cache<Long, Product> products = manager.getCache("products", Long.class, Product.class);
        products.put(1L, new Product(1, "teapot"));
        // manager.getCache("products", String.class, Product.class) throws ClassCastException
        // end snippet

        assertThat(products.get(1L)).isEqualTo(new Product(1, "teapot"));
        assertThatThrownBy(() -> manager.getCache("products", String.class, Product.class))
                .isInstanceOf(ClassCastException.class);
        assertThat(manager.getCache("products"))
                .as("no types: the cache whatever its types")
                .isNotNull();
    }

    @Test
    void anExpiryPolicy() {
        // snippet
        MutableConfiguration<String, String> sessions = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 30)));
        // end snippet

        assertThat(sessions.getExpiryPolicyFactory().create().getExpiryForAccess())
                .isEqualTo(new Duration(TimeUnit.MINUTES, 30));
        Cache<String, String> cache = manager.createCache("sessions", sessions);
        CompleteConfiguration<?, ?> running = cache.getConfiguration(CompleteConfiguration.class);
        assertThat(running.getExpiryPolicyFactory().create().getExpiryForAccess())
                .as("the cache's copy of the configuration")
                .isEqualTo(new Duration(TimeUnit.MINUTES, 30));
    }

    @Test
    void expiryMeasuredWithAClockTheTestMoves() {
        // snippet
        TestClock clock = new TestClock();
        Properties properties = new Properties();
        properties.put("terrace.clock", clock);
        CacheManager manager = provider.getCacheManager(
                URI.create("terrace:expiry-test"), provider.getDefaultClassLoader(), properties);
        Cache<String, String> cache = manager.createCache(
                "short-lived",
                new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE)));

        cache.put("k", "v");
        clock.advance(java.time.Duration.ofSeconds(59));
        assert "v".equals(cache.get("k"));
        clock.advance(java.time.Duration.ofSeconds(1));
        assert cache.get("k") == null; // expired at exactly one minute
        // end snippet

        try (manager) {
            cache.put("k", "v");
            clock.advance(java.time.Duration.ofSeconds(59));
            assertThat(cache.get("k")).as("59 s after its creation").isEqualTo("v");
            clock.advance(java.time.Duration.ofSeconds(1));
            assertThat(cache.get("k")).as("one minute after its creation").isNull();
        }
    }

    @Test
    void readThrough() throws Exception {
        // snippet
        Cache<Long, Product> products = manager.createCache(
                "products",
                new MutableConfiguration<Long, Product>()
                        .setTypes(Long.class, Product.class)
                        .setReadThrough(true)
                        .setCacheLoaderFactory(ProductLoader::new));

        Product teapot = products.get(7L); // a miss: loaded, stored and returned
        Map<Long, Product> some = products.getAll(Set.of(7L, 8L, 9L)); // 7 is a hit; one loadAll(8, 9)
        // end snippet

        assertThat(teapot).isEqualTo(new Product(7, "product 7"));
        assertThat(some).containsOnlyKeys(7L, 8L, 9L).containsEntry(9L, new Product(9, "product 9"));

        // snippet
        CompletionListenerFuture done = new CompletionListenerFuture();
        products.loadAll(Set.of(1L, 2L, 3L), false, done); // true: reload existing entries too
        done.get(); // wait, or pass any CompletionListener
        // end snippet

        assertThat(products.containsKey(1L) && products.containsKey(2L) && products.containsKey(3L))
                .as("loadAll stored 1, 2 and 3")
                .isTrue();
    }

    @Test
    void writeThrough() {
        // snippet
        Cache<Long, Product> products = manager.createCache(
                "products",
                new MutableConfiguration<Long, Product>()
                        .setTypes(Long.class, Product.class)
                        .setWriteThrough(true)
                        .setCacheWriterFactory(ProductWriter::new));
        // end snippet

        products.putAll(Map.of(1L, new Product(1, "teapot"), 2L, new Product(2, "cup")));
        assertThat(products.get(2L)).as("written through, then stored").isEqualTo(new Product(2, "cup"));
        products.removeAll(Set.of(1L, 2L));
        assertThat(products.containsKey(1L)).as("deleted through, then removed").isFalse();
    }

    @Test
    void listeners() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            // snippet
            MutableCacheEntryListenerConfiguration<Long, Product> audit = new MutableCacheEntryListenerConfiguration<>(
                    AuditListener::new,
                    null, // no filter: a Factory of CacheEntryEventFilter would pick events
                    true, // old values wanted (REMOVED and EXPIRED events carry them only then)
                    true); // synchronous
            Cache<Long, Product> products = manager.createCache(
                    "products",
                    new MutableConfiguration<Long, Product>()
                            .setTypes(Long.class, Product.class)
                            .addCacheEntryListenerConfiguration(audit));
            // or, on a cache that exists: products.registerCacheEntryListener(audit);
            // end snippet

            products.put(1L, new Product(1, "teapot"));
            products.remove(1L);
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .as("a synchronous listener heard the change before the operation returned")
                .containsExactly("created 1 = Product[id=1, name=teapot]", "removed 1, was Product[id=1, name=teapot]");
    }

    @Test
    void entryProcessors() {
        // snippet
        Cache<String, Integer> counters = manager.createCache(
                "counters", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));

        EntryProcessor<String, Integer, Integer> add = (entry, arguments) -> {
            int next = (entry.exists() ? entry.getValue() : 0) + (Integer) arguments[0];
            entry.setValue(next);
            return next;
        };
        int views = counters.invoke("/home", add, 1); // 1

        Map<String, EntryProcessorResult<Integer>> results = counters.invokeAll(Set.of("/home", "/about"), add, 1);
        int homeViews = results.get("/home").get(); // 2
        // end snippet

        assertThat(views).isEqualTo(1);
        assertThat(homeViews).isEqualTo(2);
        assertThat(counters.get("/about")).isEqualTo(1);
    }

    @Test
    void statisticsOverJmx() throws Exception {
        CacheManager defaultManager = provider.getCacheManager();
        Cache<Long, Product> products = defaultManager.createCache(
                "products", new MutableConfiguration<Long, Product>().setStatisticsEnabled(true));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            products.put(1L, new Product(1, "teapot"));
            products.get(1L);
            products.get(2L);
            // snippet
            ObjectName name =
                    new ObjectName("javax.cache:type=CacheStatistics,CacheManager=terrace.default,Cache=products");
            CacheStatisticsMXBean statistics =
                    JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), name, CacheStatisticsMXBean.class);
            System.out.printf(
                    "%d gets, %.1f%% hits, %d evictions%n",
                    statistics.getCacheGets(), statistics.getCacheHitPercentage(), statistics.getCacheEvictions());
            // end snippet
        } finally {
            System.setOut(out);
            defaultManager.destroyCache("products");
        }
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .as("one hit and one miss, read through the platform MBean server")
                .startsWith("2 gets, ")
                .endsWith(" hits, 0 evictions" + System.lineSeparator());
    }

    @Test
    void closing() {
        TerraceCachingProvider provider = new TerraceCachingProvider();
        URI uri = URI.create("terrace:closing");
        CacheManager manager = provider.getCacheManager(uri, provider.getDefaultClassLoader());
        Cache<String, String> cache = manager.createCache("first", new MutableConfiguration<>());
        Cache<Long, Product> products = manager.createCache("products", new MutableConfiguration<>());
        products.put(1L, new Product(1, "teapot"));
        CacheManager other = provider.getCacheManager(URI.create("terrace:closing-other"), null);

        // snippet
        cache.close(); // this cache
        manager.destroyCache("products"); // empty a cache and close it
        manager.close(); // every cache of the manager, and its threads
        provider.close(); // every manager of the provider
        // end snippet

        assertThat(cache.isClosed()).isTrue();
        assertThat(products.isClosed()).isTrue();
        assertThatThrownBy(() -> products.get(1L)).isInstanceOf(IllegalStateException.class);
        assertThat(manager.isClosed()).isTrue();
        assertThat(other.isClosed()).as("closed with the provider").isTrue();
        try (CacheManager again = provider.getCacheManager(uri, provider.getDefaultClassLoader())) {
            assertThat(again).as("a new manager").isNotSameAs(manager);
            assertThat(again.getCacheNames()).as("and an empty one").isEmpty();
        }
    }
}

// snippet
record Product(long id, String name) implements Serializable {}
// end snippet

// snippet
final class TestClock extends Clock {
    private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    void advance(java.time.Duration duration) {
        millis.addAndGet(duration.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
// end snippet

// snippet
class ProductLoader implements CacheLoader<Long, Product> {
    @Override
    public Product load(Long id) {
        return new Product(id, "product " + id); // e.g. a database query
    }

    @Override
    public Map<Long, Product> loadAll(Iterable<? extends Long> ids) {
        Map<Long, Product> products = new HashMap<>();
        for (Long id : ids) {
            products.put(id, load(id)); // or one query for all ids
        }
        return products;
    }
}
// end snippet

// snippet
class ProductWriter implements CacheWriter<Long, Product> {
    @Override
    public void write(Cache.Entry<? extends Long, ? extends Product> entry) {
        // INSERT or UPDATE entry.getKey(), entry.getValue()
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends Long, ? extends Product>> entries) {
        for (Iterator<Cache.Entry<? extends Long, ? extends Product>> it = entries.iterator(); it.hasNext(); ) {
            write(it.next());
            it.remove(); // what is left when this throws was not written
        }
    }

    @Override
    public void delete(Object key) {
        // DELETE key
    }

    @Override
    public void deleteAll(Collection<?> keys) {
        for (Iterator<?> it = keys.iterator(); it.hasNext(); ) {
            delete(it.next());
            it.remove();
        }
    }
}
// end snippet

// snippet
class AuditListener implements CacheEntryCreatedListener<Long, Product>, CacheEntryRemovedListener<Long, Product> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends Long, ? extends Product>> events) {
        events.forEach(e -> System.out.println("created " + e.getKey() + " = " + e.getValue()));
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends Long, ? extends Product>> events) {
        events.forEach(e -> System.out.println("removed " + e.getKey() + ", was " + e.getOldValue()));
    }
}
// end snippet
