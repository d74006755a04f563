package dev.terrace.jcache.fault.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Every fault the suite injects: each kind of damage to each file of a store. */
public final class Faults {

    /** The files of a store: the journal, the MapDB index, the shutdown state and the legacy lock file. */
    static final List<String> FILES = List.of("journal.log", "data.mapdb", "state", "lock");

    private static final List<Function<String, Fault>> KINDS =
            List.of(FlipByte::new, OverwriteBlock::new, Truncate::new, ZeroRange::new, DeleteFile::new);

    private Faults() {}

    /** Every kind of damage applied to every file. */
    public static List<Fault> all() {
        List<Fault> faults = new ArrayList<>();
        for (String file : FILES) {
            for (Function<String, Fault> kind : KINDS) {
                faults.add(kind.apply(file));
            }
        }
        return faults;
    }
}
