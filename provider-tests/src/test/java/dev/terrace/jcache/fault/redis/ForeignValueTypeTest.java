package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 7: a value of the wrong type in Redis (written by another application's cache of the same name
 * that declares another value type, or planted there) must fail the read with a {@code CacheException}, not
 * reach the caller, whose own code would then throw a {@code ClassCastException}.
 */
class ForeignValueTypeTest {

    private final RedisServer server = RedisServer.start();
    private final CachingProvider provider = Caching.getCachingProvider(TerraceCachingProvider.class.getName());

    @AfterEach
    void stop() {
        server.close();
    }

    private CacheManager manager(String uri) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "heap+redis");
        properties.setProperty("terrace.l3.address", server.address());
        properties.setProperty("terrace.manager-name", "shop");
        return provider.getCacheManager(URI.create(uri), getClass().getClassLoader(), properties);
    }

    @Test
    void aValueOfAnotherTypeFailsTheReadWithACacheException() {
        try (CacheManager texts = manager("terrace:writer-of-texts");
                CacheManager numbers = manager("terrace:reader-of-numbers")) {
            Cache<String, String> written = texts.createCache(
                    "prices", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
            Cache<String, Integer> read = numbers.createCache(
                    "prices", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
            written.put("apple", "three euros");
            read.put("pear", 2);

            assertThatThrownBy(() -> {
                        Integer price = read.get("apple");
                        assertThat(price).isNotNull();
                    })
                    .as("a String where the cache declares Integer")
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("java.lang.String")
                    .hasMessageContaining("java.lang.Integer");
            assertThatThrownBy(() -> {
                        Map<String, Integer> prices = read.getAll(Set.of("apple", "pear"));
                        prices.values().forEach(price -> assertThat(price).isNotNull());
                    })
                    .isInstanceOf(CacheException.class);
            assertThat(read.get("pear"))
                    .as("values of the declared type still read")
                    .isEqualTo(2);
        }
    }
}
