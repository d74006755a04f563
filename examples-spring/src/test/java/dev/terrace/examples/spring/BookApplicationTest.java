package dev.terrace.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.TerraceCachingProvider;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.test.context.ActiveProfiles;

/** Spring's caching annotations, backed by Terrace caches configured by the example's terrace.yaml. */
@SpringBootTest
@ActiveProfiles("test")
class BookApplicationTest {

    @Autowired
    BookService books;

    @Autowired
    CacheManager springCaches;

    @BeforeEach
    void forgetEarlierRuns() {
        // The books cache keeps its entries on disk across runs (target/terrace-data): start from none.
        springCaches.getCache("books").clear();
    }

    @Test
    void aCachedLookupAsksTheCatalogueOnceUntilItIsEvicted() {
        int before = books.catalogueCalls();
        BookService.Book first = books.find("isbn-hit");
        BookService.Book second = books.find("isbn-hit");
        assertThat(second).isEqualTo(first);
        assertThat(books.catalogueCalls() - before)
                .as("the second lookup is a cache hit")
                .isEqualTo(1);
        assertThat(springCaches.getCache("books").get("isbn-hit", BookService.Book.class))
                .isEqualTo(first);

        books.forget("isbn-hit");
        assertThat(springCaches.getCache("books").get("isbn-hit")).as("evicted").isNull();
        assertThat(books.find("isbn-hit")).isEqualTo(first);
        assertThat(books.catalogueCalls() - before)
                .as("after the eviction the catalogue is asked again")
                .isEqualTo(2);
    }

    @Test
    void theCachesAreTerraceCachesWithTheStackOfTheYamlFile() {
        assertThat(springCaches).isInstanceOf(JCacheCacheManager.class);
        javax.cache.CacheManager jcache = ((JCacheCacheManager) springCaches).getCacheManager();
        TerraceCacheManager terrace = jcache.unwrap(TerraceCacheManager.class);
        assertThat(terrace.getURI().toString())
                .as("the URI Spring made of classpath:terrace.yaml")
                .endsWith("/terrace.yaml");
        assertThat(terrace.config().cacheNames()).containsExactly("books", "prices");

        TerraceCache<?, ?> bookCache = jcache.getCache("books").unwrap(TerraceCache.class);
        assertThat(bookCache.tierStatistics())
                .extracting(tier -> tier.getName())
                .containsExactly("heap", "disk");
        TerraceCache<?, ?> priceCache = jcache.getCache("prices").unwrap(TerraceCache.class);
        assertThat(terrace.config().properties("prices"))
                .as("the template's limits")
                .containsEntry("terrace.l1.max-entries", "100")
                .containsEntry("terrace.l1.ttl-seconds", "60");
        assertThat(priceCache.tierStatistics()).hasSize(2);
    }

    @Test
    void terraceIsTheOnlyJCacheProviderOnTheClassPath() {
        List<String> providers = new ArrayList<>();
        for (CachingProvider provider : Caching.getCachingProviders()) {
            providers.add(provider.getClass().getName());
        }
        assertThat(providers).containsExactly(TerraceCachingProvider.class.getName());
    }
}
