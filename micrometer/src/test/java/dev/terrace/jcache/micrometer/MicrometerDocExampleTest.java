package dev.terrace.jcache.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** The binding shown in docs/observability.md, as it stands there between the snippet markers. */
class MicrometerDocExampleTest {

    @Test
    void bothWaysOfBindingACacheRegisterItsMetersWithTheirTags() {
        MeterRegistry meterRegistry = new SimpleMeterRegistry();
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(
                        URI.create("terrace:micrometer-doc"), getClass().getClassLoader())) {
            Cache<String, String> cache = manager.createCache(
                    "products", new MutableConfiguration<String, String>().setStatisticsEnabled(true));
            // snippet
            TerraceCacheMetrics.monitor(meterRegistry, cache); // or with extra tags: "app", "shop"
            new TerraceCacheMetrics(cache, Tags.of("app", "shop")).bindTo(meterRegistry);
            // end snippet

            cache.put("teapot", "1");
            cache.get("teapot");
            assertThat(meterRegistry
                            .get("cache.gets")
                            .tags("cache", "products", "cacheManager", "terrace:micrometer-doc", "result", "hit")
                            .functionCounters())
                    .as("one binding without the extra tags, one with them")
                    .hasSize(2)
                    .allSatisfy(hits -> assertThat(hits.count()).isEqualTo(1.0));
            assertThat(meterRegistry
                            .get("terrace.tier.gets")
                            .tags("app", "shop", "tier", "heap", "result", "hit")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
        }
    }
}
