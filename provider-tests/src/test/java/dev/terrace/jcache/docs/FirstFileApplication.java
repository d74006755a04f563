package dev.terrace.jcache.docs;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.config.TerraceConfiguration;
import java.io.Serializable;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * The application of docs/configuration.md's "A first file": run with that file as {@code terrace.yaml} on its
 * class path, it opens the default cache manager as the page does and prints the settings each cache runs with,
 * one line per cache, for ConfigurationDocExamplesTest to compare with what the page says.
 */
public final class FirstFileApplication {

    /** A value the application caches. */
    public record Report(String title) implements Serializable {}

    private FirstFileApplication() {}

    /**
     * Opens the default manager, prints its disk path and the settings of its caches, and closes it.
     *
     * @param args none
     */
    public static void main(String[] args) {
        // snippet
        CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager();
        Cache<Object, Object> sessions = manager.getCache("sessions"); // declared: exists already
        Cache<String, Report> other =
                manager.createCache("other", new MutableConfiguration<String, Report>()); // the defaults
        // end snippet

        System.out.println("uri " + manager.getURI());
        System.out.println("path "
                + manager.unwrap(TerraceCacheManager.class)
                        .config()
                        .settingsFor(null, null)
                        .diskPath());
        print("sessions", sessions);
        print("reports", manager.getCache("reports"));
        print("other", other);
        other.put("q3", new Report("third quarter"));
        System.out.println("other holds " + other.get("q3"));
        manager.close();
    }

    private static void print(String name, Cache<?, ?> cache) {
        TerraceConfiguration<?, ?> running = cache.getConfiguration(TerraceConfiguration.class);
        System.out.println(name + " stack=" + running.getStack().orElseThrow()
                + " heap=" + running.getHeapMaxEntries().orElseThrow()
                + " heapTtl=" + running.getHeapTtl().orElseThrow()
                + " diskMb=" + running.getDiskMaxSizeMb().orElseThrow()
                + " diskTtl=" + running.getDiskTtl().orElseThrow());
    }
}
