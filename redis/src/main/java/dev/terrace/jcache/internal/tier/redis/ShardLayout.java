package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.config.RedisSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Where a cache's keys live in Redis: its key space split into shards, each under its own hash tag, so that a
 * Redis Cluster spreads one cache over its masters while each shard's entries, sequence, epoch and invalidation
 * log still share one slot (one script changes an entry and logs it atomically).
 *
 * <p>With one shard the tag is {@code {<manager>/<cache>}}, the layout of a cache before sharding. With more,
 * shard {@code n}'s tag is {@code {<manager>/<cache>/s<n>}}, or {@code {<manager>/<cache>/s<n>~<i>}} with the
 * smallest {@code i} that puts the tag's slot in the {@code n}-th of {@code shards} equal ranges of the 16,384
 * slots: a cluster whose masters hold contiguous slot ranges (as {@code redis-cli --cluster create} assigns them)
 * then gets its share of shards, instead of whatever the tags' hashes would give. A key goes to shard {@code
 * CRC-32(key bytes) mod shards}. Keys that are not sharded (the shard count, the channel, the dependency index)
 * keep the cache's own tag.
 */
final class ShardLayout {

    private static final int SLOTS = 16_384;
    /** What follows a shard's prefix in an entry's name, before its encoded key. */
    static final byte[] ENTRY = {'e', ':'};

    private static final Base64.Encoder KEY_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] TAG_THEN_ENTRY = {'}', ':', 'e', ':'};

    private final String base;
    private final String[] prefixes;
    private final String entryPattern;
    private final Map<String, Integer> shardOfPrefix = new HashMap<>();
    /** Each shard's prefix as Redis holds it (UTF-8), for names handled as bytes. */
    private final byte[][] prefixBytes;

    private final Map<ByteBuffer, Integer> shardOfPrefixBytes = new HashMap<>();

    /** @param shards how many shards, 1 to {@link RedisSettings#MAX_SHARDS} */
    ShardLayout(String namespace, String managerName, String cacheName, int shards) {
        if (shards < 1 || shards > RedisSettings.MAX_SHARDS) {
            throw new IllegalArgumentException(
                    "shards must be between 1 and " + RedisSettings.MAX_SHARDS + ", was " + shards);
        }
        String tag = managerName + "/" + cacheName;
        this.base = namespace + ":{" + tag + "}:";
        this.prefixes = new String[shards];
        if (shards == 1) {
            prefixes[0] = base;
            entryPattern = globEscaped(base) + "e:*";
        } else {
            for (int n = 0; n < shards; n++) {
                prefixes[n] = namespace + ":{" + spreadTag(tag + "/s" + n, n, shards) + "}:";
            }
            entryPattern = globEscaped(namespace + ":{" + tag + "/s") + "*";
        }
        this.prefixBytes = new byte[shards][];
        for (int n = 0; n < shards; n++) {
            shardOfPrefix.put(prefixes[n], n);
            prefixBytes[n] = prefixes[n].getBytes(StandardCharsets.UTF_8);
            shardOfPrefixBytes.put(ByteBuffer.wrap(prefixBytes[n]), n);
        }
    }

    int count() {
        return prefixes.length;
    }

    /** The shard of an encoded key. */
    int shardOf(byte[] keyBytes) {
        if (prefixes.length == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(keyBytes);
        return (int) (crc.getValue() % prefixes.length);
    }

    /** {@code <namespace>:{<tag of shard>}:}, before each of the shard's key names. */
    String prefix(int shard) {
        return prefixes[shard];
    }

    /** The prefix of the cache's keys that are not sharded. */
    String basePrefix() {
        return base;
    }

    /** The Redis key of the entry of an encoded key. */
    String entryName(byte[] keyBytes) {
        return prefixes[shardOf(keyBytes)] + "e:" + KEY_ENCODER.encodeToString(keyBytes);
    }

    /**
     * {@link #entryName} as the bytes Redis holds it under (UTF-8): a read that sends names as bytes encodes no
     * string.
     */
    byte[] entryNameBytes(byte[] keyBytes) {
        return name(prefixBytes[shardOf(keyBytes)], ENTRY, encoded(keyBytes));
    }

    /** An encoded key as entry names hold it after {@link #ENTRY} (URL-safe Base64, no padding). */
    static byte[] encoded(byte[] keyBytes) {
        return KEY_ENCODER.encode(keyBytes);
    }

    /** A key name as bytes: a shard's prefix, the kind of key ({@code e:} for an entry) and the encoded key. */
    static byte[] name(byte[] prefix, byte[] kind, byte[] encoded) {
        byte[] name = new byte[prefix.length + kind.length + encoded.length];
        System.arraycopy(prefix, 0, name, 0, prefix.length);
        System.arraycopy(kind, 0, name, prefix.length, kind.length);
        System.arraycopy(encoded, 0, name, prefix.length + kind.length, encoded.length);
        return name;
    }

    /**
     * A glob ({@code SCAN MATCH}) that matches every entry of the cache, and with more than one shard maybe keys
     * of other caches too: {@link #keyOf} tells them apart.
     */
    String entryPattern() {
        return entryPattern;
    }

    /** The shard whose entry {@code name} is, or -1 when it is no entry of this cache. */
    int shardOfEntry(String name) {
        int end = name.indexOf("}:e:");
        if (end < 0) {
            return -1;
        }
        Integer shard = shardOfPrefix.get(name.substring(0, end + 2));
        return shard == null ? -1 : shard;
    }

    /**
     * {@link #shardOfEntry(String)} of a name as bytes (as {@code SCAN} lists it with a byte codec): the shard whose
     * entry {@code name} is, or -1 when it is no entry of this cache.
     */
    int shardOfEntry(byte[] name) {
        if (prefixBytes.length == 1) {
            byte[] prefix = prefixBytes[0];
            return startsWith(name, prefix, 0) && startsWith(name, ENTRY, prefix.length) ? 0 : -1;
        }
        int end = indexOf(name, TAG_THEN_ENTRY);
        if (end < 0) {
            return -1;
        }
        Integer shard = shardOfPrefixBytes.get(ByteBuffer.wrap(name, 0, end + 2));
        return shard == null ? -1 : shard;
    }

    /**
     * The encoded key of the entry {@code name} of shard {@code shard} ({@link #shardOfEntry(byte[])}), or {@code
     * null} when the rest of the name is no key Terrace encoded.
     */
    byte[] keyOf(byte[] name, int shard) {
        int from = prefixBytes[shard].length + ENTRY.length;
        try {
            return Base64.getUrlDecoder().decode(Arrays.copyOfRange(name, from, name.length));
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

    /** Whether {@code bytes} holds {@code part} at {@code offset}. */
    private static boolean startsWith(byte[] bytes, byte[] part, int offset) {
        if (bytes.length < offset + part.length) {
            return false;
        }
        return Arrays.equals(bytes, offset, offset + part.length, part, 0, part.length);
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The encoded key of entry {@code name}, or {@code null} when it is no entry of this cache. */
    byte[] keyOf(String name) {
        int shard = shardOfEntry(name);
        if (shard < 0) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(name.substring(prefixes[shard].length() + 2));
        } catch (IllegalArgumentException notOurs) {
            // A key under the prefix that Terrace did not name.
            return null;
        }
    }

    /** The channel every shard announces its changes on. */
    String channel() {
        return base + "invalidations";
    }

    /** The key that records how many shards the cache was written with. */
    String shardsName() {
        return base + "shards";
    }

    /** The Redis Cluster slot of {@code key} (CRC-16/XMODEM of its hash tag, or of the whole key). */
    static int slot(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        return crc16(key.getBytes(StandardCharsets.UTF_8)) % SLOTS;
    }

    private static String spreadTag(String tag, int shard, int shards) {
        long from = (long) shard * SLOTS / shards;
        long to = (long) (shard + 1) * SLOTS / shards;
        String candidate = tag;
        for (int i = 1; ; i++) {
            int slot = slot("{" + candidate + "}");
            if (slot >= from && slot < to) {
                return candidate;
            }
            candidate = tag + "~" + i;
        }
    }

    private static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }

    static String globEscaped(String text) {
        return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }
}
