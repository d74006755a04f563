package dev.terrace.jcache.internal.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.cache.CacheException;
import org.jsr107.ri.annotations.DefaultGeneratedCacheKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the allow-list and the limits let through when bytes come back from disk or Redis. */
public class SerialFilterTest {

    private final JavaSerializer serializer = new JavaSerializer(getClass().getClassLoader());
    private final Codec writer = new Codec(serializer, SerialFilter.of(List.of(Order.class.getName())));

    @Test
    void aRefusedKeyIsReportedAsAKeyAndNamesTheSetting() {
        Codec reader = new Codec(serializer, SerialFilter.builtInOnly());
        byte[] key = writer.encodeKey(new Order("o-1"));

        assertThatThrownBy(() -> reader.decodeKey(key))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("Refused to deserialize a key")
                .hasMessageContaining(Order.class.getName())
                .hasMessageContaining("serialization.allow")
                .hasMessageContaining(SerialFilter.ALLOW);
    }

    @Test
    void aRefusedValueIsReportedAsAValue() {
        Codec reader = new Codec(serializer, SerialFilter.builtInOnly());
        byte[] value = writer.encodeValue(new Order("o-1"));

        assertThatThrownBy(() -> reader.decodeValue(value, 0, value.length))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("Refused to deserialize a value")
                .hasMessageContaining(SerialFilter.ALLOW);
    }

    @Test
    void theApplicationsClassesAnIntegrationNamesAddToTheAllowList() {
        Properties settings = new Properties();
        settings.setProperty(SerialFilter.ALLOW, "java.io.File");
        settings.setProperty(SerialFilter.APPLICATION, getClass().getPackageName() + ".*");
        Codec reader = new Codec(serializer, SerialFilter.from(settings));

        byte[] value = writer.encodeValue(new Order("o-2"));
        byte[] file = writer.encodeValue(new java.io.File("x"));

        assertThat(reader.decodeValue(value, 0, value.length)).isEqualTo(new Order("o-2"));
        assertThat(reader.decodeValue(file, 0, file.length))
                .as("serialization.allow still applies")
                .isEqualTo(new java.io.File("x"));
    }

    @Test
    void theAnnotationsGeneratedKeyIsAllowedButNotWhatItHolds() {
        Codec reader = new Codec(serializer, SerialFilter.builtInOnly());
        byte[] plain = writer.encodeKey(new DefaultGeneratedCacheKey(new Object[] {"isbn", 7}));
        byte[] planted = writer.encodeKey(new DefaultGeneratedCacheKey(new Object[] {new Order("o-3")}));

        assertThat(reader.decodeKey(plain)).isEqualTo(new DefaultGeneratedCacheKey(new Object[] {"isbn", 7}));
        assertThatThrownBy(() -> reader.decodeKey(planted))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(Order.class.getName());
    }

    /** Nested sets whose hash codes take 2^depth steps: 100 levels in a few kilobytes. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNestedHashSetBombIsRefusedInsteadOfRunningForever() {
        byte[] bomb = writer.encodeValue(hashSetBomb(100));
        assertThat(bomb.length).as("a small stream").isLessThan(8 * 1024);
        Codec reader = new Codec(serializer, SerialFilter.builtInOnly());

        assertThatThrownBy(() -> reader.decodeValue(bomb, 0, bomb.length))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("nested objects")
                .hasMessageContaining(SerialFilter.MAX_DEPTH);
    }

    @Test
    void aGraphWithinTheDefaultDepthReadsBack() {
        List<Object> nested = new ArrayList<>();
        List<Object> inner = nested;
        for (int i = 0; i < 10; i++) {
            List<Object> next = new ArrayList<>();
            inner.add(next);
            inner = next;
        }
        byte[] value = writer.encodeValue(nested);

        assertThat(new Codec(serializer, SerialFilter.builtInOnly()).decodeValue(value, 0, value.length))
                .isEqualTo(nested);
    }

    @Test
    void theLimitsAreSettings() {
        byte[] array = writer.encodeValue(new long[1001]);
        List<Integer> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(1000 + i);
        }
        byte[] references = writer.encodeValue(many);
        byte[] bytes = writer.encodeValue(new byte[][] {new byte[3000], new byte[3000], new byte[3000]});

        assertThatThrownBy(() -> reader(SerialFilter.MAX_ARRAY_LENGTH, "1000").decodeValue(array, 0, array.length))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(SerialFilter.MAX_ARRAY_LENGTH);
        assertThatThrownBy(
                        () -> reader(SerialFilter.MAX_REFERENCES, "50").decodeValue(references, 0, references.length))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(SerialFilter.MAX_REFERENCES);
        assertThatThrownBy(() -> reader(SerialFilter.MAX_BYTES, "4096").decodeValue(bytes, 0, bytes.length))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(SerialFilter.MAX_BYTES);
        assertThat(reader(SerialFilter.MAX_BYTES, "8192").decodeValue(bytes, 0, bytes.length))
                .as("within the limit")
                .isInstanceOf(byte[][].class);
    }

    private Codec reader(String setting, String limit) {
        Properties settings = new Properties();
        settings.setProperty(setting, limit);
        return new Codec(serializer, SerialFilter.from(settings));
    }

    @Test
    void aLimitThatIsNotANumberIsAConfigurationError() {
        Properties settings = new Properties();
        settings.setProperty(SerialFilter.MAX_DEPTH, "deep");

        assertThatThrownBy(() -> SerialFilter.from(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SerialFilter.MAX_DEPTH);
    }

    public static Set<Object> hashSetBomb(int levels) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < levels; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("x");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    record Order(String id) implements Serializable {}
}
