package dev.terrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;

class PlainJCacheExampleTest {

    @Test
    void theExampleDoesWhatItSays() throws Exception {
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(
                        URI.create("terrace:plain-example-test"), getClass().getClassLoader())) {
            PlainJCacheExample.Result result = PlainJCacheExample.run(manager);

            assertThat(result.greeting()).isEqualTo("Hello");
            assertThat(result.missing()).isNull();
            assertThat(result.secondPutIfAbsentWon()).isFalse();
            assertThat(result.replaced()).isEqualTo("Hello, world");
            assertThat(result.tokenOnFirstRead()).isEqualTo("reset-password:alice");
            assertThat(result.tokenOnSecondRead())
                    .as("a token expires once read")
                    .isNull();
            assertThat(result.visits()).isEqualTo(3);
            assertThat(result.events())
                    .containsExactly(
                            "CREATED en=Hello",
                            "UPDATED en=Hello, world (was Hello)",
                            "REMOVED en (was Hello, world)",
                            "CREATED t-1=reset-password:alice",
                            "EXPIRED t-1 (was reset-password:alice)");
            // greetings: get(en) and replace(en, Hello, ...) and putIfAbsent(en) hit; get(fr) misses.
            assertThat(result.hits()).isEqualTo(4);
            assertThat(result.misses()).isEqualTo(1);
            assertThat(result.puts()).isEqualTo(2);
            assertThat(result.removals()).isEqualTo(1);
        }
    }
}
