package dev.terrace.jcache.internal.tier.redis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys this process changed in its near tiers while Redis could not be reached, kept in a file beside the
 * near disk tier so that they outlive the process.
 *
 * <p>When Redis is back, each of these keys is deleted from Redis and from the near tiers: every process then
 * loads it afresh. Keeping this process's value instead could overwrite a newer one another process wrote in
 * the meantime, and keeping Redis's value could leave this process's older near copy beside it; dropping both
 * is the one rule that leaves no stale value anywhere.
 *
 * <p>Lock order: this journal's monitor is the innermost lock of the Redis tier. It is held only for file I/O,
 * never while calling out: a writer notes its key while holding the key's stripe, and the recovery takes a
 * {@link #pending() snapshot}, undoes it without the monitor (and without stripes: invalidations take none),
 * and then {@link #forget
 * forgets} exactly that snapshot. No method throws: a journal that cannot be written refuses the deferral, and
 * one that cannot be read says so, so that the caller drops what it cannot prove.
 */
final class OutageJournal {

    /** What the journal held when it was read: the distinct keys, its length then, and whether it was whole. */
    record Pending(List<byte[]> keys, long length, boolean damaged) {
        boolean isEmpty() {
            return keys.isEmpty() && !damaged && length == 0;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(OutageJournal.class);
    private static final Pending NOTHING = new Pending(List.of(), 0, false);

    private final Path file;

    /** @param file the journal; it is created on the first change */
    OutageJournal(Path file) {
        this.file = file;
    }

    /**
     * Records that {@code key} changed while Redis was down.
     *
     * @return whether the record is with the OS; when not, the change must not be taken locally
     */
    synchronized boolean record(byte[] key) {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer record = ByteBuffer.allocate(4 + key.length)
                    .putInt(key.length)
                    .put(key)
                    .flip();
            while (record.hasRemaining()) {
                channel.write(record);
            }
            return true;
        } catch (IOException e) {
            LOG.warn(
                    "Cannot note a change made while Redis is down in {} ({}): the change is refused instead",
                    file,
                    e.toString());
            return false;
        }
    }

    /** Whether changes are waiting to be undone. */
    synchronized boolean isEmpty() {
        return !Files.exists(file);
    }

    /** The keys recorded so far, each once, in the order first recorded. */
    synchronized Pending pending() {
        if (!Files.exists(file)) {
            return NOTHING;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            LOG.warn("Cannot read the outage journal {} ({}): every near copy is dropped instead", file, e.toString());
            return new Pending(List.of(), 0, true);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Map<ByteBuffer, byte[]> keys = new LinkedHashMap<>();
        while (in.remaining() >= 4) {
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                in.position(in.position() - 4);
                break;
            }
            byte[] key = new byte[length];
            in.get(key);
            keys.putIfAbsent(ByteBuffer.wrap(key), key);
        }
        // A record cut short by a crash, or damage: what follows it cannot be trusted to be read right.
        boolean damaged = in.hasRemaining();
        if (damaged) {
            LOG.warn("The outage journal {} is damaged: every near copy is dropped", file);
        }
        return new Pending(new ArrayList<>(keys.values()), bytes.length, damaged);
    }

    /**
     * Forgets what {@code done} held, keeping whatever was recorded after it was read (a change deferred while
     * the recovery was undoing the others waits for the next recovery).
     */
    synchronized void forget(Pending done) {
        if (done.length() == 0 && !done.damaged()) {
            return;
        }
        try {
            long length = Files.exists(file) ? Files.size(file) : 0;
            if (length <= done.length()) {
                Files.deleteIfExists(file);
                return;
            }
            byte[] later;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer rest = ByteBuffer.allocate((int) (length - done.length()));
                channel.position(done.length());
                while (rest.hasRemaining() && channel.read(rest) >= 0) {
                    // reads the records appended since
                }
                later = rest.array();
            }
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, later);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Kept whole: the keys are dropped again at the next recovery, which costs reloads, never a stale value.
            LOG.warn("Cannot empty the outage journal {} ({}): its keys are dropped again later", file, e.toString());
        }
    }
}
