package dev.terrace.jcache.fault.disk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCachingProvider;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 9: what a value's own {@code writeObject} or {@code readObject} throws (a runtime exception or
 * an {@code Error}) reaches the caller as a {@link CacheException} naming the value's class, never raw.
 */
class ThrowingSerializationTest {

    @TempDir
    Path root;

    /** A value whose serialization throws what it is told to. */
    static final class Hostile implements Serializable {
        private static final long serialVersionUID = 1L;
        private final boolean failOnWrite;
        private final boolean error;

        Hostile(boolean failOnWrite, boolean error) {
            this.failOnWrite = failOnWrite;
            this.error = error;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            if (failOnWrite) {
                fail();
            }
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (!failOnWrite) {
                fail();
            }
        }

        private void fail() {
            if (error) {
                throw new AssertionError("hostile value");
            }
            throw new IllegalStateException("hostile value");
        }
    }

    private CacheManager manager(String stack) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", stack);
        properties.setProperty("terrace.l2.path", root.toString());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(
                        URI.create("terrace:hostile-" + stack), getClass().getClassLoader(), properties);
    }

    @Test
    void aRuntimeExceptionOrErrorFromWriteObjectBecomesACacheExceptionNamingTheClass() {
        try (CacheManager manager = manager("heap")) {
            Cache<String, Hostile> cache =
                    manager.createCache("write", new MutableConfiguration<String, Hostile>().setStoreByValue(true));
            for (boolean error : new boolean[] {false, true}) {
                assertThatThrownBy(() -> cache.put("k", new Hostile(true, error)))
                        .isInstanceOf(CacheException.class)
                        .hasMessageContaining(Hostile.class.getName());
            }
        }
    }

    @Test
    void aRuntimeExceptionOrErrorFromReadObjectBecomesACacheException() {
        try (CacheManager manager = manager("heap")) {
            Cache<String, Hostile> cache =
                    manager.createCache("read", new MutableConfiguration<String, Hostile>().setStoreByValue(true));
            for (boolean error : new boolean[] {false, true}) {
                cache.put("k", new Hostile(false, error));
                assertThatThrownBy(() -> cache.get("k"))
                        .isInstanceOf(CacheException.class)
                        .hasMessageContaining(Hostile.class.getName());
            }
        }
    }
}
