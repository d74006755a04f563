package dev.terrace.jcache.redis;

import dev.terrace.jcache.internal.tier.TieredStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * A separate JVM with a heap+redis cache, driven line by line on its input: {@code put K V}, {@code get K}
 * (answers the value or {@code null}), {@code remove K}; it answers {@code ok} after each change; {@code
 * disk-hits} answers how many reads its near disk tier answered; {@code events} answers what its listener
 * heard, comma-separated. Arguments: the Redis address, and optionally
 * a disk directory, which makes the stack heap+disk+redis.
 */
public final class CoherenceProcess {

    static final URI MANAGER = URI.create("terrace:coherence-test");
    static final String CACHE = "shared";

    private CoherenceProcess() {}

    static Properties settings(String address) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "heap+redis");
        properties.setProperty("terrace.l3.address", address);
        return properties;
    }

    static Properties settings(String[] args) {
        Properties properties = settings(args[0]);
        if (args.length > 1) {
            properties.setProperty("terrace.stack", "heap+disk+redis");
            properties.setProperty("terrace.l2.path", args[1]);
        }
        return properties;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(MANAGER, CoherenceProcess.class.getClassLoader(), settings(args))) {
            List<String> heard = new CopyOnWriteArrayList<>();
            Cache<String, String> cache = manager.createCache(
                    CACHE,
                    new MutableConfiguration<String, String>()
                            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                    () -> new Recorder(heard), null, true, false)));
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "put" -> {
                        cache.put(words[1], words[2]);
                        out.println("ok");
                    }
                    case "remove" -> {
                        cache.remove(words[1]);
                        out.println("ok");
                    }
                    case "get" -> out.println(String.valueOf(cache.get(words[1])));
                    case "events" -> out.println(String.join(",", heard));
                    case "disk-hits" ->
                        out.println(cache.unwrap(TieredStore.class).hits(1));
                    default -> out.println("unknown command " + words[0]);
                }
            }
        }
    }

    /** Records what listeners hear, as {@code TYPE key=value/old}. */
    private static final class Recorder
            implements CacheEntryCreatedListener<String, String>,
                    CacheEntryUpdatedListener<String, String>,
                    CacheEntryRemovedListener<String, String> {
        private final List<String> heard;

        Recorder(List<String> heard) {
            this.heard = heard;
        }

        private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(
                    e -> heard.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue() + "/" + e.getOldValue()));
        }

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
    }
}
