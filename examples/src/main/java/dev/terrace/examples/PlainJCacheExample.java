package dev.terrace.examples;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JCache API on Terrace, with nothing specific to Terrace: it finds the provider through {@link
 * Caching#getCachingProvider()} (Terrace registers itself as the JCache service), so the same code runs on any
 * JSR-107 provider. Run it with
 *
 * <pre>
 * mvn -q -pl examples -am package exec:java -DskipTests -Dexec.mainClass=dev.terrace.examples.PlainJCacheExample
 * </pre>
 *
 * <p>It shows, in order:
 *
 * <ol>
 *   <li>creating a typed cache with an expiry policy, statistics and a synchronous listener;
 *   <li>{@code put}, {@code get}, {@code putIfAbsent}, {@code replace} and {@code remove};
 *   <li>an expiry policy at work: one-time tokens that expire as soon as they have been read once;
 *   <li>an entry processor: an atomic read-modify-write (a visit counter) that needs no lock of the caller's;
 *   <li>the events the listener received, and the cache's statistics read from its standard MXBean.
 * </ol>
 */
public final class PlainJCacheExample {

    /** What a run did, for the test and the printout. */
    public record Result(
            String greeting,
            String missing,
            boolean secondPutIfAbsentWon,
            String replaced,
            String tokenOnFirstRead,
            String tokenOnSecondRead,
            long visits,
            List<String> events,
            long hits,
            long misses,
            long puts,
            long removals) {}

    private PlainJCacheExample() {}

    public static void main(String[] args) throws Exception {
        try (CacheManager manager = Caching.getCachingProvider().getCacheManager()) {
            Result result = run(manager);
            System.out.println("get(en)                 -> " + result.greeting());
            System.out.println("get(fr)                 -> " + result.missing() + " (a miss)");
            System.out.println("putIfAbsent(en) again   -> " + result.secondPutIfAbsentWon());
            System.out.println("after replace(en)       -> " + result.replaced());
            System.out.println("token, first read       -> " + result.tokenOnFirstRead());
            System.out.println("token, second read      -> " + result.tokenOnSecondRead() + " (expired on read)");
            System.out.println("visits after 3 invokes  -> " + result.visits());
            System.out.println("listener heard          -> " + result.events());
            System.out.printf(
                    "statistics (JMX)        -> %d hits, %d misses, %d puts, %d removals%n",
                    result.hits(), result.misses(), result.puts(), result.removals());
        }
    }

    /** Runs the example in {@code manager}, which must not hold caches named as here yet. */
    public static Result run(CacheManager manager) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        EventLog.sink = events;

        // 1. A typed cache: entries live 10 minutes after their creation; statistics on; a synchronous listener
        //    (true, true: it receives old values, and the call that caused an event returns after it ran).
        MutableConfiguration<String, String> greetingsConfig = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)))
                .setStatisticsEnabled(true)
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(EventLog.class), null, true, true));
        Cache<String, String> greetings = manager.createCache("greetings", greetingsConfig);

        // 2. The map-like operations.
        greetings.put("en", "Hello");
        String greeting = greetings.get("en");
        String missing = greetings.get("fr");
        boolean secondPutIfAbsentWon = greetings.putIfAbsent("en", "Hi");
        greetings.replace("en", "Hello", "Hello, world");
        String replaced = greetings.get("en");
        greetings.remove("en");

        // 3. An expiry policy: a token lives an hour unless it is read, and a read ends its life (access = 0).
        MutableConfiguration<String, String> tokensConfig = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(FactoryBuilder.factoryOf(ReadOnce.class))
                .setStatisticsEnabled(true)
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(EventLog.class), null, true, true));
        Cache<String, String> tokens = manager.createCache("tokens", tokensConfig);
        tokens.put("t-1", "reset-password:alice");
        String tokenOnFirstRead = tokens.get("t-1");
        String tokenOnSecondRead = tokens.get("t-1");

        // 4. An entry processor runs atomically on one entry: no visit is lost however many callers count.
        Cache<String, Long> counters = manager.createCache(
                "counters", new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
        for (int i = 0; i < 3; i++) {
            counters.invoke("home", new Increment());
        }
        long visits = counters.get("home");

        // 5. The standard statistics MXBean, as any JMX console shows it.
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names =
                server.queryNames(new ObjectName("javax.cache:type=CacheStatistics,Cache=greetings,*"), null);
        ObjectName statistics = names.stream()
                .filter(name -> name.getKeyProperty("CacheManager")
                        .contains(manager.getURI().toString().replaceAll("[,:=\n]", ".")))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no statistics MXBean for cache greetings"));
        return new Result(
                greeting,
                missing,
                secondPutIfAbsentWon,
                replaced,
                tokenOnFirstRead,
                tokenOnSecondRead,
                visits,
                new ArrayList<>(events),
                (Long) server.getAttribute(statistics, "CacheHits"),
                (Long) server.getAttribute(statistics, "CacheMisses"),
                (Long) server.getAttribute(statistics, "CachePuts"),
                (Long) server.getAttribute(statistics, "CacheRemovals"));
    }

    /** Tokens live an hour, and expire as soon as they have been read once. */
    public static final class ReadOnce implements ExpiryPolicy, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Duration getExpiryForCreation() {
            return Duration.ONE_HOUR;
        }

        @Override
        public Duration getExpiryForAccess() {
            return Duration.ZERO;
        }

        @Override
        public Duration getExpiryForUpdate() {
            // null: an update leaves the expiry as it was.
            return null;
        }
    }

    /** Adds one to a counter, starting it at 1. */
    public static final class Increment implements EntryProcessor<String, Long, Long>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Long process(MutableEntry<String, Long> entry, Object... arguments) {
            long next = entry.exists() ? entry.getValue() + 1 : 1;
            entry.setValue(next);
            return next;
        }
    }

    /** Writes each event as {@code TYPE key=value (was old)} into the run's list. */
    public static final class EventLog
            implements CacheEntryCreatedListener<String, String>,
                    CacheEntryUpdatedListener<String, String>,
                    CacheEntryRemovedListener<String, String>,
                    CacheEntryExpiredListener<String, String>,
                    Serializable {
        private static final long serialVersionUID = 1L;
        // Listeners are created by the cache from a factory; a static sink is the simplest way out of the example.
        static volatile List<String> sink = new CopyOnWriteArrayList<>();

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events)
                throws CacheEntryListenerException {
            record(events);
        }

        private static void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            for (CacheEntryEvent<? extends String, ? extends String> event : events) {
                String text = event.getEventType() + " " + event.getKey();
                EventType type = event.getEventType();
                // For a removal or an expiry, JCache 1.1 gives the old value as the value too: show it once.
                if (type == EventType.CREATED || type == EventType.UPDATED) {
                    text += "=" + event.getValue();
                }
                if (event.isOldValueAvailable() && event.getOldValue() != null) {
                    text += " (was " + event.getOldValue() + ")";
                }
                sink.add(text);
            }
        }
    }
}
