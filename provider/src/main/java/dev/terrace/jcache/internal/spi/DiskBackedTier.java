package dev.terrace.jcache.internal.spi;

import dev.terrace.jcache.internal.tier.Tier;
import java.nio.file.Path;

/** A tier kept in a directory of its own, beside which a cache keeps its other files (dependency index). */
public interface DiskBackedTier<K> extends Tier<K> {

    /** The directory that holds this tier's files. */
    Path directory();
}
