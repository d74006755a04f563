package dev.terrace.jcache.fault.disk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * One way a disk store's files get damaged while the store is closed. A new kind of damage is one small class
 * implementing this; {@link Faults#all()} lists the kinds the suite and {@code DiskFaultTrials} run.
 */
public interface Fault {

    /** A short name for reports, e.g. {@code flip-byte journal.log}. */
    String name();

    /** Damages the store in {@code store}, which no process has open; {@code random} picks where. */
    void inject(Path store, Random random) throws IOException;

    /** Whether this damage may destroy journal records, so acknowledged writes before it may be lost. */
    boolean damagesJournal();
}
