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

    /** @param filter what values read back from disk or Redis may contain */
    public ValueCopier(JavaSerializer serializer, SerialFilter filter) {
        this.serializer = serializer;
        this.filter = filter;
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
        if (stored instanceof SerializedValue serialized) {
            return (V)
                    (serialized.isFromOutside()
                            ? serializer.deserialize(serialized.bytes(), filter)
                            : serializer.deserialize(serialized.bytes()));
        }
        if (stored instanceof byte[] bytes) {
            return (V) bytes.clone();
        }
        return (V) stored;
    }
}
