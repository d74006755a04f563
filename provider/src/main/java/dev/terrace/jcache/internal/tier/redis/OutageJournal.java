package dev.terrace.jcache.internal.tier.redis;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The keys this process changed in its near tiers while Redis could not be reached, kept in a file beside the
 * near disk tier so that they outlive the process.
 *
 * <p>When Redis is back, each of these keys is deleted from Redis and from the near tiers: every process then
 * loads it afresh. Keeping this process's value instead could overwrite a newer one another process wrote in
 * the meantime, and keeping Redis's value could leave this process's older near copy beside it; dropping both
 * is the one rule that leaves no stale value anywhere.
 */
final class OutageJournal {

    private final Path file;

    /** @param file the journal; it is created on the first change */
    OutageJournal(Path file) {
        this.file = file;
    }

    /** Records that {@code key} changed while Redis was down; returns once the record is with the OS. */
    synchronized void record(byte[] key) {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer record = ByteBuffer.allocate(4 + key.length)
                    .putInt(key.length)
                    .put(key)
                    .flip();
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record a change made while Redis is down in " + file, e);
        }
    }

    /** Whether changes are waiting to be undone. */
    synchronized boolean isEmpty() {
        return !Files.exists(file);
    }

    /**
     * Hands each recorded key (once) to {@code undo}, then forgets them. When {@code undo} fails, the journal
     * is kept whole, to be replayed again.
     */
    synchronized void replay(Consumer<byte[]> undo) {
        if (!Files.exists(file)) {
            return;
        }
        Map<ByteBuffer, byte[]> keys = new LinkedHashMap<>();
        for (byte[] key : read()) {
            keys.putIfAbsent(ByteBuffer.wrap(key), key);
        }
        keys.values().forEach(undo);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot empty the outage journal " + file, e);
        }
    }

    private List<byte[]> read() {
        List<byte[]> keys = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(in)) {
            while (true) {
                int length;
                try {
                    length = data.readInt();
                } catch (EOFException end) {
                    break;
                }
                byte[] key = new byte[length];
                try {
                    data.readFully(key);
                } catch (EOFException torn) {
                    // A record cut short by a crash: its change never completed either.
                    break;
                }
                keys.add(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the outage journal " + file, e);
        }
        return keys;
    }
}
