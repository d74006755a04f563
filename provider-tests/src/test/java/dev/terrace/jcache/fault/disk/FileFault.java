package dev.terrace.jcache.fault.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A fault done to one file of the store; subclasses say what is done to its bytes. */
abstract class FileFault implements Fault {

    private final String file;
    private final String kind;

    FileFault(String kind, String file) {
        this.kind = kind;
        this.file = file;
    }

    @Override
    public final String name() {
        return kind + " " + file;
    }

    @Override
    public final void inject(Path store, Random random) throws IOException {
        Path path = store.resolve(file);
        if (Files.exists(path)) {
            damage(path, random);
        }
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean damagesJournal() {
        return file.startsWith("journal");
    }

    /** Damages {@code path}, which exists. */
    abstract void damage(Path path, Random random) throws IOException;
}
