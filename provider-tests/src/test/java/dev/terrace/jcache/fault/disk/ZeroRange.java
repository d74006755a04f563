package dev.terrace.jcache.fault.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Zeroes the file from a random place to its end, as a lost write-back of its last pages leaves it. */
final class ZeroRange extends FileFault {

    ZeroRange(String file) {
        super("zero", file);
    }

    @Override
    void damage(Path path, Random random) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            long from = (long) (random.nextDouble() * raf.length());
            raf.seek(from);
            raf.write(new byte[(int) (raf.length() - from)]);
        }
    }
}
