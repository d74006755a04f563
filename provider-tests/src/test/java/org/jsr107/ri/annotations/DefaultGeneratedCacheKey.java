package org.jsr107.ri.annotations;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A stand-in, under the same name, for the key class the JSR-107 annotations RI generates for
 * {@code @CacheResult} methods (the RI itself is not on the test class path): a serializable holder of the
 * method's parameters.
 */
public final class DefaultGeneratedCacheKey implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Object[] parameters;

    public DefaultGeneratedCacheKey(Object[] parameters) {
        this.parameters = parameters.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DefaultGeneratedCacheKey key && Arrays.deepEquals(parameters, key.parameters);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(parameters);
    }
}
