package dev.terrace.jcache.config;

import javax.cache.CacheException;

/**
 * A Terrace configuration (a YAML file or a {@link ConfigBuilder}) that cannot be used. Thrown when the cache
 * manager starts, so that a mistake stops the application at once instead of surfacing as odd caching later.
 * The message names the file and line where known, the key, the value and what is allowed.
 */
public final class TerraceConfigException extends CacheException {

    private static final long serialVersionUID = 1L;

    /** The key at fault in YAML form; empty if none. */
    private final String key;

    TerraceConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    TerraceConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /**
     * The key at fault, so that tools can point at it.
     *
     * @return the key in YAML form such as {@code cache.backends.l2.max_size_mb}; empty if none
     */
    public String key() {
        return key;
    }
}
