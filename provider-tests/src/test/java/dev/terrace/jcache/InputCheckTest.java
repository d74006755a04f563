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

    /** Issue 12, item 9: every method that takes a key checks it against the configured key type. */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aTypedCacheRejectsKeysOfAnotherTypeInEveryMethod() {
        Cache<String, String> cache = manager.createCache(
                "typed-keys", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        cache.put("1", "one");
        Cache raw = cache;
        javax.cache.processor.EntryProcessor<Object, Object, Object> reader = (entry, arguments) -> entry.getValue();

        List<String> accepted = new ArrayList<>();
        Map<String, Runnable> calls = new java.util.LinkedHashMap<>();
        calls.put("get", () -> raw.get(1));
        calls.put("containsKey", () -> raw.containsKey(1));
        calls.put("remove(key)", () -> raw.remove(1));
        calls.put("remove(key, value)", () -> raw.remove(1, "one"));
        calls.put("getAndRemove", () -> raw.getAndRemove(1));
        calls.put("getAndPut", () -> raw.getAndPut(1, "one"));
        calls.put("getAndReplace", () -> raw.getAndReplace(1, "one"));
        calls.put("replace(key, value)", () -> raw.replace(1, "one"));
        calls.put("replace(key, old, new)", () -> raw.replace(1, "one", "uno"));
        calls.put("invoke", () -> raw.invoke(1, reader));
        calls.put("getAll", () -> raw.getAll(java.util.Set.of(1)));
        calls.put("removeAll(keys)", () -> raw.removeAll(java.util.Set.of(1)));
        calls.put("invokeAll", () -> raw.invokeAll(java.util.Set.of(1), reader));
        calls.put("put value", () -> raw.put("1", 1));
        calls.put("replace new value", () -> raw.replace("1", "one", 1));
        calls.forEach((name, call) -> {
            try {
                call.run();
                accepted.add(name);
            } catch (ClassCastException expected) {
                assertThat(expected.getMessage()).contains("typed-keys");
            }
        });

        assertThat(accepted)
                .as("methods that accepted a key or value of the wrong type")
                .isEmpty();
        assertThat(cache.get("1")).isEqualTo("one");
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
