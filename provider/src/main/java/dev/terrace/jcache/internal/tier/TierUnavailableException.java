package dev.terrace.jcache.internal.tier;

import javax.cache.CacheException;

/**
 * A tier cannot be reached now (Redis is down or cut off). Reads treat it as a miss of that tier; a change
 * that needed it is not applied anywhere, and the caller is told with this exception.
 */
public class TierUnavailableException extends CacheException {

    private static final long serialVersionUID = 1L;

    public TierUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
