package dev.terrace.jcache.fault.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Overwrites a 4 KiB block (or the whole of a smaller file) at a random place with random bytes. */
final class OverwriteBlock extends FileFault {

    private static final int BLOCK = 4096;

    OverwriteBlock(String file) {
        super("overwrite-block", file);
    }

    @Override
    void damage(Path path, Random random) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            int length = (int) Math.min(BLOCK, raf.length());
            byte[] garbage = new byte[length];
            random.nextBytes(garbage);
            raf.seek((long) (random.nextDouble() * (raf.length() - length + 1)));
            raf.write(garbage);
        }
    }
}
