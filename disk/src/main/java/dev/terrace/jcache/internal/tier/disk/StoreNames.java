package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each cache's disk store lives: {@code <root>/<manager>/<cache>}, each part the name's readable characters
 * and 128 bits of its SHA-256, so two names never share a directory (the 32-bit hash used before made {@code
 * x!!} and {@code x @} collide). Each store also records whose it is ({@link StoreDirectory} checks it on open),
 * so a directory that belongs to another cache is never served even if names did collide.
 *
 * <p>A store left by a version that named directories by the 32-bit hash is moved to its new name the first time
 * its cache opens it, so existing stores stay readable.
 */
public final class StoreNames {

    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    private static final int READABLE = 60;

    private StoreNames() {}

    /** The directory of the store of cache {@code cacheName} of the manager {@code managerName} under {@code root}. */
    public static Path directory(Path root, String managerName, String cacheName) {
        Path directory = root.resolve(part(managerName)).resolve(part(cacheName));
        Path legacy = root.resolve(legacyPart(managerName)).resolve(legacyPart(cacheName));
        if (!Files.exists(directory) && Files.isDirectory(legacy)) {
            try {
                Files.createDirectories(directory.getParent());
                Files.move(legacy, directory);
                LOG.warn(
                        "Disk store {} of cache {} moved to {}: store directories are now named by a 128-bit hash",
                        legacy.toAbsolutePath(),
                        cacheName,
                        directory.toAbsolutePath());
            } catch (IOException e) {
                throw new CacheException(
                        "Cannot move the disk store " + legacy.toAbsolutePath() + " to " + directory.toAbsolutePath()
                                + ": " + e,
                        e);
            }
        }
        return directory;
    }

    /** The owner a store records: the manager's URI and the cache's name. */
    public static String owner(String managerName, String cacheName) {
        return managerName + "\n" + cacheName;
    }

    /** A directory name for {@code name}: its safe characters, then 128 bits of its SHA-256. */
    static String part(String name) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        return readable(name, READABLE) + "-" + HexFormat.of().formatHex(digest, 0, 16);
    }

    /** The directory name earlier versions used: 80 safe characters and a 32-bit hash. */
    static String legacyPart(String name) {
        int hash = 0;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = 31 * hash + b;
        }
        return readable(name, 80) + "-" + Integer.toHexString(hash);
    }

    private static String readable(String name, int length) {
        String readable = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return readable.length() > length ? readable.substring(0, length) : readable;
    }
}
