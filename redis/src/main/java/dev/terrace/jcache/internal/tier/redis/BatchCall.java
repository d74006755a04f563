package dev.terrace.jcache.internal.tier.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One call of {@code redis-write-batch.lua} being built for a page of one shard's entries ({@link RedisBatches}):
 * its keys in the script's order (the shard's sequence, log and epoch; every entry's name; every entry's lock's
 * name, in the same order; the shard's listener interest and no-interest marker) and its arguments. Entry and lock
 * names are made as the bytes Redis holds them under, from the encoded key's Base64 form made once for both, so
 * that no name is built as a string and encoded again.
 */
final class BatchCall {

    /** {@code RedisTier.lockName}'s: the shard's prefix, {@code lock:}, then the rest of the entry's name. */
    private static final byte[] LOCK = {'l', 'o', 'c', 'k', ':', 'e', ':'};

    private final String prefix;
    private final byte[] prefixBytes;
    private final int entries;
    private final Object[] keys;
    private final List<Object> args;
    private int added;

    /**
     * @param prefix the shard's prefix ({@link ShardLayout#prefix})
     * @param prefixBytes the same as Redis holds it (UTF-8)
     * @param entries how many entries the call changes
     * @param args the call's arguments, which its caller adds
     */
    BatchCall(String prefix, byte[] prefixBytes, int entries, List<Object> args) {
        this.prefix = prefix;
        this.prefixBytes = prefixBytes;
        this.entries = entries;
        this.keys = new Object[5 + 2 * entries];
        this.args = args;
        keys[0] = prefix + "seq";
        keys[1] = prefix + "log";
        keys[2] = prefix + "epoch";
        keys[keys.length - 2] = ListenerInterest.name(prefix);
        keys[keys.length - 1] = ListenerInterest.markerName(prefix);
    }

    /** Adds the next entry, of the encoded key {@code keyBytes}: its name and its lock's. */
    void entry(byte[] keyBytes) {
        byte[] encoded = ShardLayout.encoded(keyBytes);
        keys[3 + added] = named(ShardLayout.ENTRY, encoded);
        keys[3 + entries + added] = named(LOCK, encoded);
        added++;
    }

    private byte[] named(byte[] kind, byte[] encoded) {
        return ShardLayout.name(prefixBytes, kind, encoded);
    }

    /** The key Redisson routes the call by: the shard's sequence (every key of the call shares its slot). */
    String routing() {
        return (String) keys[0];
    }

    /**
     * The call's arguments as {@link RawScript} takes them, once every entry was added: a free slot for the script,
     * the number of keys, the keys, then the arguments.
     */
    Object[] arguments() {
        if (added != entries) {
            throw new IllegalStateException("a call of " + entries + " entries was given " + added);
        }
        Object[] arguments = new Object[2 + keys.length + args.size()];
        arguments[1] = Integer.toString(keys.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(keys, 0, arguments, 2, keys.length);
        int at = 2 + keys.length;
        for (Object arg : args) {
            arguments[at++] = arg;
        }
        return arguments;
    }
}
