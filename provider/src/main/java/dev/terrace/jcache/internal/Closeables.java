package dev.terrace.jcache.internal;

import java.io.Closeable;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the user customizations a cache created from factories (loader, writer, expiry policy, listeners,
 * filters): the spec has the cache close those that are {@link Closeable}, and a failure to close one must not
 * stop the cache from closing the rest.
 */
public final class Closeables {

    private static final Logger LOG = LoggerFactory.getLogger(Closeables.class);

    private Closeables() {}

    /** Closes {@code resource} if it is {@link Closeable}, logging a failure; {@code what} names it in the log. */
    public static void closeQuietly(Object resource, String what) {
        if (resource instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Closing {} ({}) failed", what, resource.getClass().getName(), e);
            }
        }
    }
}
