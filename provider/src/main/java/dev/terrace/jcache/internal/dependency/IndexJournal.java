package dev.terrace.jcache.internal.dependency;

import dev.terrace.jcache.internal.copy.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file a {@link LocalIndex} persists to: one checksummed record per change, appended (and handed to the
 * operating system) before the entry it describes is stored, so that a process that dies keeps the
 * dependencies of every entry it stored. A torn or corrupt tail ends the replay; the records before it stand.
 * Rewritten compactly when opened, when it has grown well past the live records, and when closed.
 *
 * <p>Record layout: length (int), CRC32C of the payload (int), payload: the encoded key, then the number of
 * files (-1 for a forgotten key) with each path and fingerprint, then the number of keys depended on with
 * each encoded key.
 */
final class IndexJournal<K> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IndexJournal.class);
    private static final int MAX_RECORD = 64 * 1024 * 1024;

    private final Path file;
    private final Codec codec;
    private OutputStream out;
    private long appended;
    private long live;

    IndexJournal(Path file, Codec codec) {
        this.file = file;
        this.codec = codec;
    }

    /** The records of the file, oldest first, {@code null} standing for a forgotten key. */
    Map<K, DependencyRecord<K>> replay() {
        Map<K, DependencyRecord<K>> records = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    break;
                }
                int checksum = in.readInt();
                if (length < 0 || length > MAX_RECORD) {
                    LOG.warn("Dependency journal {} has a bad record length; replay stops there", file);
                    break;
                }
                byte[] payload = in.readNBytes(length);
                if (payload.length < length || checksum(payload) != checksum) {
                    LOG.warn("Dependency journal {} ends with a torn or corrupt record; replay stops there", file);
                    break;
                }
                decode(payload, records);
            }
        } catch (NoSuchFileException e) {
            return records;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Dependency journal {} could not be read past a point: {}", file, e.toString());
        }
        return records;
    }

    /** Appends what {@code key} now depends on; {@code null} when it is forgotten. */
    synchronized void appendRecord(K key, DependencyRecord<K> record) {
        try {
            write(out, key, record);
            out.flush();
            appended++;
        } catch (IOException e) {
            throw new CacheException("Cannot write the dependency journal " + file + ": " + e, e);
        }
    }

    /** Rewrites the file with {@code records} alone and goes on appending to it. */
    synchronized void compact(Map<K, DependencyRecord<K>> records) {
        try {
            if (out != null) {
                out.close();
            }
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream fresh = new java.io.BufferedOutputStream(Files.newOutputStream(temporary))) {
                for (Map.Entry<K, DependencyRecord<K>> each :
                        Map.copyOf(records).entrySet()) {
                    write(fresh, each.getKey(), each.getValue());
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out = new java.io.BufferedOutputStream(
                    Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
            live = records.size();
            appended = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rewrite the dependency journal " + file, e);
        }
    }

    /** Whether the file has grown enough past the live records to be worth rewriting. */
    synchronized boolean needsCompaction() {
        return appended > 2 * live + 10_000;
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
                out = null;
            }
        } catch (IOException e) {
            LOG.warn("Closing the dependency journal {} failed", file, e);
        }
    }

    private void write(OutputStream target, K key, DependencyRecord<K> record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        DataOutputStream data = new DataOutputStream(bytes);
        writeBytes(data, codec.encodeKey(key));
        if (record == null) {
            data.writeInt(-1);
        } else {
            data.writeInt(record.files().size());
            for (Map.Entry<Path, Fingerprint> each : record.files().entrySet()) {
                data.writeUTF(each.getKey().toString());
                data.writeUTF(each.getValue().encode());
            }
            data.writeInt(record.onKeys().size());
            for (K on : record.onKeys()) {
                writeBytes(data, codec.encodeKey(on));
            }
        }
        data.flush();
        byte[] payload = bytes.toByteArray();
        DataOutputStream framed = new DataOutputStream(target);
        framed.writeInt(payload.length);
        framed.writeInt(checksum(payload));
        framed.write(payload);
    }

    @SuppressWarnings("unchecked")
    private void decode(byte[] payload, Map<K, DependencyRecord<K>> records) throws IOException {
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(payload));
        K key = (K) codec.decodeKey(readBytes(data));
        int files = data.readInt();
        if (files < 0) {
            records.put(key, null);
            return;
        }
        Map<Path, Fingerprint> fingerprints = new HashMap<>();
        for (int i = 0; i < files; i++) {
            fingerprints.put(Path.of(data.readUTF()), Fingerprint.decode(data.readUTF()));
        }
        int keys = data.readInt();
        Set<K> onKeys = new HashSet<>();
        for (int i = 0; i < keys; i++) {
            onKeys.add((K) codec.decodeKey(readBytes(data)));
        }
        records.remove(key);
        records.put(key, new DependencyRecord<>(fingerprints, onKeys));
    }

    private static void writeBytes(DataOutputStream data, byte[] bytes) throws IOException {
        data.writeInt(bytes.length);
        data.write(bytes);
    }

    private static byte[] readBytes(DataInputStream data) throws IOException {
        int length = data.readInt();
        if (length < 0 || length > MAX_RECORD) {
            throw new IOException("bad length " + length);
        }
        return data.readNBytes(length);
    }

    private static int checksum(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }
}
