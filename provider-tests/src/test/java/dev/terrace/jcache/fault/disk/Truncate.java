package dev.terrace.jcache.fault.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Cuts the file at a random length. */
final class Truncate extends FileFault {

    Truncate(String file) {
        super("truncate", file);
    }

    @Override
    void damage(Path path, Random random) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength((long) (random.nextDouble() * raf.length()));
        }
    }
}
