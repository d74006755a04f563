package dev.terrace.jcache.fault.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Deletes the file. */
final class DeleteFile extends FileFault {

    DeleteFile(String file) {
        super("delete", file);
    }

    @Override
    void damage(Path path, Random random) throws IOException {
        Files.delete(path);
    }
}
