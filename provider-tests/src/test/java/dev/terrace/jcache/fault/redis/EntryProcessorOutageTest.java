package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 6: while Redis is down, an entry processor is not run on a near copy whose change recovery
 * would undo without its caller ever knowing (a lost counter increment): it fails with a {@code
 * CacheException}, and the processor does not run. A plain put is still taken by the near disk tier.
 */
class EntryProcessorOutageTest {

    @TempDir
    Path disk;

    @Test
    void anEntryProcessorFailsDuringAnOutageInsteadOfRunningOnANearCopy() {
        try (RedisServer server = RedisServer.start()) {
            Properties settings = new Properties();
            settings.setProperty("terrace.stack", "heap+disk+redis");
            settings.setProperty("terrace.l3.address", server.address());
            settings.setProperty("terrace.l3.timeout-ms", "500");
            settings.setProperty("terrace.l3.connect-timeout-ms", "500");
            settings.setProperty("terrace.l2.path", disk.toString());
            try (CacheManager manager = Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                    .getCacheManager(URI.create("terrace:ep-outage"), getClass().getClassLoader(), settings)) {
                Cache<String, Integer> cache = manager.createCache("counters", new MutableConfiguration<>());
                cache.put("n", 1);

                server.kill();

                AtomicInteger runs = new AtomicInteger();
                assertThatThrownBy(() -> cache.invoke("n", (entry, arguments) -> {
                            runs.incrementAndGet();
                            entry.setValue(entry.getValue() + 1);
                            return null;
                        }))
                        .isInstanceOf(CacheException.class)
                        .hasMessageContaining(String.valueOf(server.port()));
                assertThat(runs).as("the processor did not run on a near copy").hasValue(0);

                cache.put("p", 7);
                assertThat(cache.get("p"))
                        .as("a plain put is still taken by the near tiers")
                        .isEqualTo(7);
            }
        }
    }
}
