package dev.terrace.jcache.fault.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Flips the bits of one byte somewhere in the file. */
final class FlipByte extends FileFault {

    FlipByte(String file) {
        super("flip-byte", file);
    }

    @Override
    void damage(Path path, Random random) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            if (raf.length() == 0) {
                return;
            }
            long at = (long) (random.nextDouble() * raf.length());
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(~b);
        }
    }
}
