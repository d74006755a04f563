package dev.terrace.jcache.internal.copy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;
import javax.cache.CacheException;

/**
 * Store-by-value: keys and values are copied by serialization, except instances of JDK types that are
 * immutable, which are shared since no caller can change them, and byte arrays, which are copied as arrays.
 */
public final class ValueCopier implements Copier {

    private static final Set<Class<?>> IMMUTABLE = Set.of(
            String.class,
            Boolean.class,
            Byte.class,
            Short.class,
            Character.class,
            Integer.class,
            Long.class,
            Float.class,
            Double.class,
            BigInteger.class,
            BigDecimal.class,
            UUID.class,
            URI.class,
            URL.class,
            Instant.class,
            Duration.class,
            LocalDate.class,
            LocalTime.class,
            LocalDateTime.class,
            OffsetDateTime.class,
            ZonedDateTime.class,
            Class.class);

    private final JavaSerializer serializer;
    private final SerialFilter filter;
    private final Class<?> valueType;

    /** @param filter what values read back from disk or Redis may contain */
    public ValueCopier(JavaSerializer serializer, SerialFilter filter) {
        this(serializer, filter, Object.class);
    }

    /**
     * @param filter what values read back from disk or Redis may contain
     * @param valueType the cache's declared value type: a stored value of another type (written by a process
     *     whose cache declares another type, or planted in Redis) fails the read with a {@code CacheException}
     *     instead of reaching the caller, whose own code would throw a {@code ClassCastException}
     */
    public ValueCopier(JavaSerializer serializer, SerialFilter filter, Class<?> valueType) {
        this.serializer = serializer;
        this.filter = filter;
        this.valueType = valueType;
    }

    /** Whether instances of {@code type} can be shared instead of copied. */
    static boolean isImmutable(Class<?> type) {
        return IMMUTABLE.contains(type) || type.isEnum();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K> K copyKey(K key) {
        if (isImmutable(key.getClass())) {
            return key;
        }
        return (K) serializer.deserialize(serializer.serialize(key));
    }

    @Override
    public Object toStored(Object value) {
        if (isImmutable(value.getClass())) {
            return value;
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        return new SerializedValue(serializer.serialize(value));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V fromStored(Object stored) {
        Object value;
        if (stored instanceof SerializedValue serialized) {
            value = serialized.isFromOutside()
                    ? serializer.deserialize(serialized.bytes(), filter)
                    : serializer.deserialize(serialized.bytes());
        } else if (stored instanceof byte[] bytes) {
            value = bytes.clone();
        } else {
            value = stored;
        }
        if (valueType != Object.class && value != null && !valueType.isInstance(value)) {
            throw new CacheException("A stored value is a " + value.getClass().getName() + ", not the "
                    + valueType.getName() + " this cache declares: it was written by a cache of the same name that"
                    + " declares another value type, or put there from outside; the read fails instead of handing it"
                    + " out");
        }
        return (V) value;
    }
}
