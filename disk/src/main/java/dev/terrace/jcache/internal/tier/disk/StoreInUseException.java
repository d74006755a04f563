package dev.terrace.jcache.internal.tier.disk;

import java.nio.file.Path;
import javax.cache.CacheException;

/** Thrown when a disk store's directory is in use by another process, or by another cache of this one. */
public final class StoreInUseException extends CacheException {

    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final boolean inThisProcess;

    StoreInUseException(Path directory, boolean inThisProcess) {
        super("The disk store " + directory.toAbsolutePath() + " is in use by "
                + (inThisProcess ? "another cache manager of this process" : "another process")
                + ". Give each process its own terrace.l2.path, or set terrace.l2.per-process-path=true");
        this.directory = directory;
        this.inThisProcess = inThisProcess;
    }

    /** The directory in use. */
    public Path directory() {
        return directory;
    }

    /** Whether this process itself holds the store (another manager with the same URI and cache name). */
    public boolean inThisProcess() {
        return inThisProcess;
    }
}
