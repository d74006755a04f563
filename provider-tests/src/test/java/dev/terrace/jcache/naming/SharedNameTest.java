package dev.terrace.jcache.naming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The name under which processes share a manager's caches comes from configuration, never from where the
 * configuration file lies: Spring's {@code spring.cache.jcache.config} hands the manager the file's location as
 * its URI, which differs with every install directory, and the same application must meet its entries again.
 */
class SharedNameTest {

    @TempDir
    Path work;

    private final CachingProvider provider = Caching.getCachingProvider(TerraceCachingProvider.class.getName());

    @Test
    void theSameApplicationInstalledInTwoDirectoriesMeetsItsDiskEntriesAgain() throws IOException {
        Path disk = work.resolve("disk");
        URI first = yaml("install-1", "heap+disk", disk, "books");
        URI second = yaml("install-2", "heap+disk", disk, "books");

        try (CacheManager manager = manager(first)) {
            cache(manager).put("isbn-1", "Dune");
        }
        try (CacheManager manager = manager(second)) {
            assertThat(cache(manager).get("isbn-1"))
                    .as("the second install names the same manager, so it opens the same disk store")
                    .isEqualTo("Dune");
        }
    }

    @Test
    void withoutANameTheConfigurationFilesNameIsSharedNotItsPath() throws IOException {
        Path disk = work.resolve("disk");
        URI first = yaml("install-1", "heap+disk", disk, null);
        URI second = yaml("install-2", "heap+disk", disk, null);

        try (CacheManager manager = manager(first)) {
            cache(manager).put("isbn-1", "Dune");
        }
        try (CacheManager manager = manager(second)) {
            assertThat(cache(manager).get("isbn-1"))
                    .as("the shared name comes from the file's name (terrace.yaml), not its directory")
                    .isEqualTo("Dune");
        }
    }

    @Test
    void differentNamesNeverShareEntries() throws IOException {
        Path disk = work.resolve("disk");
        try (CacheManager manager = manager(yaml("app-a", "heap+disk", disk, "orders"))) {
            cache(manager).put("isbn-1", "Dune");
        }
        try (CacheManager manager = manager(yaml("app-b", "heap+disk", disk, "invoices"))) {
            assertThat(cache(manager).get("isbn-1"))
                    .as("another manager name is another application")
                    .isNull();
        }
    }

    @Test
    void twoInstallsOfOneApplicationShareItsRedisEntries() throws IOException {
        try (RedisServer redis = RedisServer.start()) {
            Properties properties = new Properties();
            properties.setProperty("terrace.l3.address", redis.address());
            try (CacheManager one = manager(yaml("install-1", "heap+redis", work, "books"), properties);
                    CacheManager two = manager(yaml("install-2", "heap+redis", work, "books"), properties)) {
                cache(one).put("isbn-1", "Dune");

                assertThat(cache(two).get("isbn-1"))
                        .as("both installs' caches are the same Redis keys")
                        .isEqualTo("Dune");
            }
        }
    }

    @Test
    void aUriThatOnlyNamesTheManagerStillNamesItsStores() throws IOException {
        Path disk = work.resolve("disk");
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "heap+disk");
        properties.setProperty("terrace.l2.path", disk.toString());
        try (CacheManager manager = manager(URI.create("terrace:inventory"), properties)) {
            cache(manager).put("sku-1", "boots");
        }

        try (Stream<Path> stores = Files.list(disk)) {
            assertThat(stores.map(path -> path.getFileName().toString()))
                    .as("a URI that is no file location keeps naming the stores, as before")
                    .anyMatch(name -> name.startsWith("terrace_inventory"));
        }
    }

    private URI yaml(String directory, String stack, Path disk, String managerName) throws IOException {
        Path file = work.resolve(directory).resolve("terrace.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(
                file,
                "cache:\n"
                        + "  stack: " + stack + "\n"
                        + "  backends:\n"
                        + "    l2:\n"
                        + "      path: " + disk + "\n"
                        + (managerName == null ? "" : "  coordination:\n    manager_name: " + managerName + "\n"));
        return file.toUri();
    }

    private CacheManager manager(URI uri) {
        return manager(uri, new Properties());
    }

    private CacheManager manager(URI uri, Properties properties) {
        return provider.getCacheManager(uri, SharedNameTest.class.getClassLoader(), properties);
    }

    private static Cache<String, String> cache(CacheManager manager) {
        Cache<String, String> cache = manager.getCache("titles", String.class, String.class);
        return cache != null
                ? cache
                : manager.createCache(
                        "titles", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    }
}
