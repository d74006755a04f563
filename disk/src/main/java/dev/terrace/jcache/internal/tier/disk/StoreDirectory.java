package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.cache.CacheException;

/**
 * The directory of one disk store: its files, the claim that gives one cache of this process exclusive use of
 * it, and the state file that tells whether the last shutdown was clean.
 *
 * <p>Between processes the store is protected by the lock the {@link Journal} holds on its own file. The
 * {@code lock} file is still locked too, so that older versions of Terrace, which only know that one, stay out;
 * deleting it (a temporary-file cleaner) no longer lets a second process in.
 */
final class StoreDirectory implements AutoCloseable {

    /** The directories this process has open, so a second cache never opens (and then closes) their files. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    /** What the state file recorded at the last clean shutdown. */
    record CleanState(long seq, long liveBytes, long journalBytes) {}

    private final Path directory;
    private final Path claim;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StoreDirectory(Path directory, Path claim, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.claim = claim;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Takes exclusive use of {@code directory}, creating it if needed.
     *
     * @throws CacheException naming the directory when another process, or another cache of this one, uses it
     */
    static StoreDirectory acquire(Path directory) {
        Path claim = null;
        try {
            Files.createDirectories(directory);
            claim = directory.toRealPath();
            if (!OPEN.add(claim)) {
                claim = null;
                throw new StoreInUseException(directory, true);
            }
            FileChannel channel = UninterruptibleChannel.openFile(
                    directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException | IOException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StoreInUseException(directory, false);
            }
            return new StoreDirectory(directory, claim, channel, lock);
        } catch (IOException e) {
            if (claim != null) {
                OPEN.remove(claim);
            }
            throw new CacheException("Cannot open the disk store " + directory.toAbsolutePath() + ": " + e, e);
        } catch (RuntimeException e) {
            if (claim != null) {
                OPEN.remove(claim);
            }
            throw e;
        }
    }

    Path directory() {
        return directory;
    }

    /**
     * Records that the store belongs to {@code owner}, or checks that it does when it already records an owner;
     * {@code null} checks nothing.
     *
     * @throws CacheException naming the directory and its owner when it records another
     */
    void claimFor(String owner) {
        if (owner == null) {
            return;
        }
        Path file = directory.resolve("owner");
        try {
            if (Files.exists(file)) {
                String recorded = Files.readString(file, StandardCharsets.UTF_8);
                if (!recorded.equals(owner)) {
                    throw new CacheException("The disk store " + directory.toAbsolutePath() + " belongs to "
                            + recorded.replace('\n', ' ') + ", not to " + owner.replace('\n', ' ')
                            + "; it is not opened. Move it away or give the cache another terrace.l2.path");
                }
                return;
            }
            Path temporary = directory.resolve("owner.new");
            Files.writeString(temporary, owner, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CacheException(
                    "Cannot record the owner of the disk store " + directory.toAbsolutePath() + ": " + e, e);
        }
    }

    Path dataFile() {
        return directory.resolve("data.mapdb");
    }

    Path journalFile() {
        return directory.resolve("journal.log");
    }

    /** The state of the last clean shutdown, or {@code null} when the store was not shut down cleanly. */
    CleanState lastCleanShutdown() throws IOException {
        Path state = directory.resolve("state");
        if (!Files.exists(state)) {
            // A new store is clean; a store whose state file vanished is not.
            return Files.exists(journalFile()) ? null : new CleanState(0, 0, -1);
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(state)) {
            properties.load(in);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!"true".equals(properties.getProperty("clean"))) {
            return null;
        }
        try {
            return new CleanState(
                    Long.parseLong(properties.getProperty("seq")),
                    Long.parseLong(properties.getProperty("liveBytes")),
                    Long.parseLong(properties.getProperty("journalBytes", "-1")));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Records that the store is in use, so that a crash is recognised at the next start. */
    void markInUse() throws IOException {
        Properties properties = new Properties();
        properties.setProperty("clean", "false");
        properties.setProperty("openedAt", Instant.now().toString());
        writeState(properties);
    }

    /** Records a clean shutdown, with what the next start needs to trust the files as they are. */
    void markClean(long seq, long liveBytes, long journalBytes) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("clean", "true");
        properties.setProperty("journalBytes", Long.toString(journalBytes));
        properties.setProperty("seq", Long.toString(seq));
        properties.setProperty("liveBytes", Long.toString(liveBytes));
        properties.setProperty("closedAt", Instant.now().toString());
        writeState(properties);
    }

    /** Moves {@code file} aside, keeping it for inspection; returns where it went. */
    Path moveAside(Path file) throws IOException {
        Path aside = asideName(file);
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    /** A name, next to {@code file} and not taken, to keep a damaged copy of it under. */
    Path asideName(Path file) {
        long now = System.currentTimeMillis();
        Path aside = file.resolveSibling(file.getFileName() + ".broken-" + now);
        for (int i = 1; Files.exists(aside); i++) {
            aside = file.resolveSibling(file.getFileName() + ".broken-" + now + "-" + i);
        }
        return aside;
    }

    /** The bytes the store's files take on disk. */
    long diskBytes() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().contains(".broken-"))
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes every file of the store but the lock. */
    void deleteContents() throws IOException {
        try (Stream<Path> paths = Files.list(directory)) {
            for (Path path : paths.toList()) {
                String name = path.getFileName().toString();
                if (!name.equals("lock") && !name.equals("owner")) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** Deletes the directory and everything in it; the store must be closed. */
    void delete() throws IOException {
        close();
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lockChannel.isOpen()) {
                if (lock.isValid()) {
                    lock.release();
                }
                lockChannel.close();
            }
        } finally {
            OPEN.remove(claim);
        }
    }

    private void writeState(Properties properties) throws IOException {
        Path temporary = directory.resolve("state.new");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            properties.store(out, "Terrace disk store state");
        }
        try (FileChannel channel = UninterruptibleChannel.openFile(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(
                temporary,
                directory.resolve("state"),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
