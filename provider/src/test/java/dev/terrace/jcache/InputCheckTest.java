package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input gets the exception the spec names, with a clear message, and leaves the cache's data intact. */
class InputCheckTest {

    private final CacheManager manager = Caches.manager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aTypedCacheRejectsValuesOfAnotherTypeAndKeepsItsData() {
        Cache<String, Integer> cache = manager.createCache(
                "typed", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        cache.put("k", 1);
        Cache raw = cache;

        assertThatThrownBy(() -> raw.put("k", "not a number"))
                .isInstanceOf(ClassCastException.class)
                .hasMessageContaining("java.lang.Integer")
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> raw.put(42, 2)).isInstanceOf(ClassCastException.class);

        assertThat(cache.get("k")).isEqualTo(1);
    }

    @Test
    void nullsAreRejectedBeforeAnythingChanges() {
        Cache<String, String> cache = manager.createCache("nulls", new MutableConfiguration<>());
        cache.put("a", "1");
        Map<String, String> withNull = new HashMap<>();
        withNull.put("b", "2");
        withNull.put("c", null);

        assertThatThrownBy(() -> cache.putAll(withNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.put(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class);

        assertThat(cache.containsKey("b"))
                .as("putAll with a null value stored nothing")
                .isFalse();
        assertThat(cache.get("a")).isEqualTo("1");
    }

    @Test
    void aStoreByValueCacheCopiesAndSaysWhenAValueCannotBeCopied() {
        Cache<String, Object> cache = manager.createCache("by-value", new MutableConfiguration<>());
        List<String> list = new ArrayList<>(List.of("a"));
        cache.put("list", list);
        list.add("changed after put");

        assertThat(cache.get("list")).as("the cache kept a copy").isEqualTo(List.of("a"));
        @SuppressWarnings("unchecked")
        List<String> read = (List<String>) cache.get("list");
        read.add("changed after get");
        assertThat(cache.get("list")).isEqualTo(List.of("a"));

        assertThatThrownBy(() -> cache.put("list", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Serializable")
                .hasMessageContaining("setStoreByValue(false)");
        assertThat(cache.get("list")).isEqualTo(List.of("a"));
    }

    @Test
    void aStoreByReferenceCacheSharesTheCallersObjects() {
        Cache<String, Object> cache =
                manager.createCache("by-reference", new MutableConfiguration<String, Object>().setStoreByValue(false));
        Object value = new Object();

        cache.put("k", value);

        assertThat(cache.get("k")).isSameAs(value);
    }

    @Test
    void creatingACacheTwiceFailsNamingIt() {
        manager.createCache("twice", new MutableConfiguration<>());

        assertThatThrownBy(() -> manager.createCache("twice", new MutableConfiguration<>()))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("twice");
    }
}
