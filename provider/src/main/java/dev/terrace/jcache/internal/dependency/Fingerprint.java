package dev.terrace.jcache.internal.dependency;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a file looked like when an entry derived from it was stored: whether it existed, its size and
 * modification time and, in content-hash mode, a SHA-256 of its content. For a directory: how many files its
 * tree holds, the latest modification time and a digest of every file's relative path, size and modification
 * time (never their content), so that any change below it shows.
 *
 * @param kind {@code F} a regular file, {@code D} a directory, {@code A} absent (or unreadable)
 * @param size the size in bytes (files) or the number of files (directories); -1 when absent
 * @param modified the modification time in nanoseconds since the epoch; 0 when absent
 * @param hash the hex digest, or empty when not computed
 */
public record Fingerprint(char kind, long size, long modified, String hash) {

    static final Fingerprint ABSENT = new Fingerprint('A', -1, 0, "");

    /** The path in the form every dependency is known by: absolute and normalised. */
    static Path normalise(Path path) {
        return path.toAbsolutePath().normalize();
    }

    /** The fingerprint of {@code path} now. */
    static Fingerprint of(Path path, boolean contentHash) {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                // The target is what the entry was derived from.
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            }
            if (attributes.isDirectory()) {
                return ofDirectory(path);
            }
            long modified = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            String hash = contentHash ? contentHash(path) : "";
            return new Fingerprint('F', attributes.size(), modified, hash);
        } catch (NoSuchFileException e) {
            return ABSENT;
        } catch (IOException | RuntimeException e) {
            // Unreadable counts as absent: an entry derived from it is not trusted either way.
            return ABSENT;
        }
    }

    /**
     * Whether the file still is what this fingerprint recorded. In content-hash mode a regular file that has
     * the same size and content is unchanged whatever its modification time says.
     */
    boolean matches(Fingerprint now) {
        if (kind != now.kind || size != now.size) {
            return false;
        }
        if (kind == 'F' && !hash.isEmpty() && !now.hash.isEmpty()) {
            return hash.equals(now.hash);
        }
        return modified == now.modified && hash.equals(now.hash);
    }

    /** A compact text form, for the journal and Redis. */
    public String encode() {
        return kind + ":" + size + ":" + modified + ":" + hash;
    }

    public static Fingerprint decode(String text) {
        String[] parts = text.split(":", 4);
        if (parts.length != 4 || parts[0].length() != 1) {
            throw new IllegalArgumentException("not a fingerprint: " + text);
        }
        return new Fingerprint(parts[0].charAt(0), Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]);
    }

    private static Fingerprint ofDirectory(Path directory) throws IOException {
        MessageDigest digest = sha256();
        List<String> lines = new ArrayList<>();
        long latest = 0;
        try (Stream<Path> tree = Files.walk(directory)) {
            for (Path each : (Iterable<Path>) tree::iterator) {
                if (each.equals(directory)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(each, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                }
                long modified = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
                latest = Math.max(latest, modified);
                lines.add(directory.relativize(each) + "|" + (attributes.isDirectory() ? "d" : attributes.size()) + "|"
                        + modified);
            }
        }
        lines.sort(null);
        for (String line : lines) {
            digest.update(line.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return new Fingerprint('D', lines.size(), latest, HexFormat.of().formatHex(digest.digest()));
    }

    private static String contentHash(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
