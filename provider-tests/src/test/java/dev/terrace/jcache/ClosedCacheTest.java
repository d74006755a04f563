package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Closeable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClosedCacheTest {

    private final CacheManager manager = Caches.manager();

    static Stream<Consumer<Cache<String, String>>> operations() {
        EntryProcessor<String, String, Object> noOp = (entry, args) -> null;
        return Stream.of(
                cache -> cache.get("k"),
                cache -> cache.getAll(Set.of("k")),
                cache -> cache.containsKey("k"),
                cache -> cache.put("k", "v"),
                cache -> cache.getAndPut("k", "v"),
                cache -> cache.putAll(Map.of("k", "v")),
                cache -> cache.putIfAbsent("k", "v"),
                cache -> cache.remove("k"),
                cache -> cache.remove("k", "v"),
                cache -> cache.getAndRemove("k"),
                cache -> cache.replace("k", "v"),
                cache -> cache.replace("k", "v", "w"),
                cache -> cache.getAndReplace("k", "v"),
                cache -> cache.removeAll(Set.of("k")),
                cache -> cache.removeAll(),
                cache -> cache.clear(),
                cache -> cache.invoke("k", noOp),
                cache -> cache.invokeAll(Set.of("k"), noOp),
                cache -> cache.iterator(),
                cache -> cache.loadAll(Set.of("k"), false, null));
    }

    @ParameterizedTest
    @MethodSource("operations")
    void everyDataOperationOnAClosedCacheThrowsIllegalState(Consumer<Cache<String, String>> operation) {
        Cache<String, String> cache = manager.createCache("closed", new MutableConfiguration<>());
        cache.put("k", "v");
        cache.close();

        assertThatThrownBy(() -> operation.accept(cache))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(cache.isClosed()).isTrue();
        manager.close();
    }

    @Test
    void aClosedCacheIsNoLongerHandedOutAndItsNameCanBeReused() {
        Cache<String, String> cache = manager.createCache("reused", new MutableConfiguration<>());
        cache.close();

        assertThat(manager.getCache("reused")).isNull();
        Cache<String, String> again = manager.createCache("reused", new MutableConfiguration<>());
        assertThat(again.isClosed()).isFalse();
        manager.close();
        assertThat(again.isClosed()).as("closing the manager closes its caches").isTrue();
    }

    @Test
    void closingACacheClosesItsCloseableLoader() {
        AtomicBoolean closed = new AtomicBoolean();
        MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
                .setCacheLoaderFactory(() -> new ClosingLoader(closed))
                .setReadThrough(true);
        Cache<String, String> cache = manager.createCache("loader", configuration);
        assertThat(cache.get("x")).isEqualTo("loaded-x");

        cache.close();

        assertThat(closed).as("the loader was closed with the cache").isTrue();
        manager.close();
    }

    @Test
    void closingACacheClosesItsCloseableWriterEvenWhenItDoesNotWriteThrough() {
        AtomicBoolean closed = new AtomicBoolean();
        MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
                .setCacheWriterFactory(() -> new ClosingWriter(closed))
                .setWriteThrough(false);
        Cache<String, String> cache = manager.createCache("writer", configuration);
        cache.put("k", "v");

        cache.close();

        assertThat(closed).as("the writer the cache created was closed with it").isTrue();
        manager.close();
    }

    @Test
    void aClosedManagerRefusesEverything() {
        manager.close();

        assertThatThrownBy(() -> manager.createCache("c", new MutableConfiguration<>()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> manager.getCache("c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(manager::getCacheNames).isInstanceOf(IllegalStateException.class);
        assertThat(manager.isClosed()).isTrue();
    }

    private static final class ClosingWriter implements javax.cache.integration.CacheWriter<String, String>, Closeable {
        private final AtomicBoolean closed;

        ClosingWriter(AtomicBoolean closed) {
            this.closed = closed;
        }

        @Override
        public void write(Cache.Entry<? extends String, ? extends String> entry) {}

        @Override
        public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> entries) {}

        @Override
        public void delete(Object key) {}

        @Override
        public void deleteAll(java.util.Collection<?> keys) {}

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static final class ClosingLoader implements CacheLoader<String, String>, Closeable {
        private final AtomicBoolean closed;

        ClosingLoader(AtomicBoolean closed) {
            this.closed = closed;
        }

        @Override
        public String load(String key) {
            return "loaded-" + key;
        }

        @Override
        public Map<String, String> loadAll(Iterable<? extends String> keys) {
            throw new UnsupportedOperationException("not used");
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }
}
