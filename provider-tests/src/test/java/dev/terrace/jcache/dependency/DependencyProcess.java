package dev.terrace.jcache.dependency;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * A separate JVM with a heap+redis cache that tracks file dependencies but never acts on its own file events
 * (its debounce time is ten minutes), driven line by line on its input: {@code put K V FILE} (stores with a
 * dependency on the file), {@code get K} (answers the value or {@code null}), {@code heard} (answers the
 * removals its listener heard, {@code |}-separated, or {@code none}). Arguments: the Redis address.
 */
public final class DependencyProcess {

    static final URI MANAGER = URI.create("terrace:dependency-process-test");
    static final String CACHE = "derived";

    private DependencyProcess() {}

    static Properties settings(String address) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "heap+redis");
        properties.setProperty("terrace.l3.address", address);
        properties.setProperty("terrace.files.enabled", "true");
        return properties;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Properties properties = settings(args[0]);
        properties.setProperty("terrace.files.debounce-ms", "600000");
        List<String> heard = Heard.named("process");
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(MANAGER, DependencyProcess.class.getClassLoader(), properties)) {
            Cache<Object, Object> cache = manager.createCache(
                    CACHE, new MutableConfiguration<>().addCacheEntryListenerConfiguration(Heard.removals("process")));
            FileDependencies<Object, Object> dependencies = WatchedCaches.dependencies(cache);
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "put" -> {
                        dependencies.put(words[1], words[2], List.of(Path.of(words[3])));
                        out.println("ok");
                    }
                    case "get" -> out.println(String.valueOf(cache.get(words[1])));
                    case "heard" -> out.println(heard.isEmpty() ? "none" : String.join("|", heard));
                    default -> out.println("unknown command " + words[0]);
                }
            }
        }
    }
}
