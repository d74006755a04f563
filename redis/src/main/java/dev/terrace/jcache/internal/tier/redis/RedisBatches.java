package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.shaded.redisson.api.BatchOptions;
import dev.terrace.jcache.internal.shaded.redisson.api.RBatch;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The batch operations of a {@link RedisTier}: many entries read or changed with one script call per shard
 * (page), and the calls of every shard sent together as one pipeline per node ({@link RBatch}), so a batch costs
 * one round trip per node instead of one or two per key.
 *
 * <p>A batch of changes reads the entries, decides each from what it read, and writes them with {@code
 * redis-write-batch.lua}, which fences, sequences, logs and announces each change exactly as {@code
 * redis-write.lua} does one: other processes cannot tell the batch from the same changes made one by one. A
 * change that lost its race (another process changed or locked the entry after it was read) is made again alone,
 * as {@link RedisTier#computeRetrying} makes it: read again, decide again, and take the lock if contended.
 */
final class RedisBatches<K> {

    /** The most entries one script call reads or writes: Lua's {@code unpack} and the server's latency bound it. */
    static final int PAGE = 500;

    private static final String READ_SCRIPT = RedisTier.script("redis-read-batch.lua");
    private static final String WRITE_SCRIPT = RedisTier.script("redis-write-batch.lua");
    private static final byte[] OPTIMISTIC = {'1'};

    private final RedisTier<K> tier;
    private final RedissonClient client;
    private final ShardLayout layout;
    private final Codec codec;
    private final byte[] originBytes;
    private final int logLength;

    RedisBatches(
            RedisTier<K> tier,
            RedissonClient client,
            ShardLayout layout,
            Codec codec,
            byte[] originBytes,
            int logLength) {
        this.tier = tier;
        this.client = client;
        this.layout = layout;
        this.codec = codec;
        this.originBytes = originBytes;
        this.logLength = logLength;
    }

    /** The entries of those {@code keys} Redis holds. */
    Map<K, TierEntry> getAll(Collection<? extends K> keys) {
        List<K> order = new ArrayList<>(keys.size());
        List<byte[]> encoded = new ArrayList<>(keys.size());
        for (K key : keys) {
            order.add(key);
            encoded.add(codec.encodeKey(key));
        }
        byte[][] stored = read(encoded);
        Map<K, TierEntry> entries = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            if (stored[i] != null) {
                entries.put(order.get(i), tier.decode(stored[i]));
            }
        }
        return entries;
    }

    /**
     * Runs each remapping on its key's entry, deciding optimistically (see {@link RedisTier#computeRetrying}): one
     * read of every entry, one write of every change, each fenced by the version read; a change that lost its race
     * is made again alone. When a remapping throws, the changes decided before it are written and its exception
     * propagates.
     */
    Map<K, TierEntry> computeAll(Map<K, ? extends UnaryOperator<TierEntry>> remappings) {
        List<K> order = new ArrayList<>(remappings.keySet());
        List<byte[]> encoded = new ArrayList<>(order.size());
        for (K key : order) {
            encoded.add(codec.encodeKey(key));
        }
        byte[][] stored = read(encoded);
        Map<K, TierEntry> results = new LinkedHashMap<>();
        List<K> writtenKeys = new ArrayList<>();
        List<EntryWrite> writes = new ArrayList<>();
        try {
            for (int i = 0; i < order.size(); i++) {
                K key = order.get(i);
                TierEntry current = stored[i] == null ? null : tier.decode(stored[i]);
                TierEntry result = remappings.get(key).apply(current);
                results.put(key, result);
                if (result != current) {
                    EntryWrite write = tier.changeOf(encoded.get(i), stored[i], current, result);
                    if (write != null) {
                        writtenKeys.add(key);
                        writes.add(write);
                    }
                }
            }
        } finally {
            // Also when a remapping threw: the changes decided before it stand, as the tier contract says.
            long[] sequences = write(writes);
            for (int i = 0; i < sequences.length; i++) {
                if (sequences[i] < 0) {
                    // Another process changed or locked the entry after it was read: decide it again, alone.
                    K key = writtenKeys.get(i);
                    results.put(key, tier.computeRetrying(key, remappings.get(key)));
                }
            }
        }
        return results;
    }

    /** The stored bytes of each encoded key, in order ({@code null}: absent): one read script per shard page. */
    private byte[][] read(List<byte[]> encoded) {
        byte[][] stored = new byte[encoded.size()][];
        Map<Integer, List<Integer>> byShard = byShard(encoded.size(), i -> layout.shardOf(encoded.get(i)));
        List<List<Integer>> pages = pages(byShard);
        List<Object> replies = run(pages, page -> {
            List<Object> names = new ArrayList<>(page.size());
            for (int index : page) {
                names.add(layout.entryName(encoded.get(index)));
            }
            // READ_WRITE, as every Terrace read: to the master, with EVALSHA, which servers before 7 also know.
            return new Call(RScript.Mode.READ_WRITE, READ_SCRIPT, names, List.of());
        });
        for (int p = 0; p < pages.size(); p++) {
            List<?> values = (List<?>) replies.get(p);
            List<Integer> page = pages.get(p);
            for (int i = 0; i < page.size(); i++) {
                Object value = i < values.size() ? values.get(i) : null;
                stored[page.get(i)] = value instanceof byte[] bytes ? bytes : null;
            }
        }
        return stored;
    }

    /** Writes {@code writes}, one write script per shard page; returns each one's sequence number, or -1 / -2. */
    private long[] write(List<EntryWrite> writes) {
        long[] sequences = new long[writes.size()];
        if (writes.isEmpty()) {
            return sequences;
        }
        Map<Integer, List<Integer>> byShard =
                byShard(writes.size(), i -> writes.get(i).shard());
        List<List<Integer>> pages = pages(byShard);
        byte[] logLengthBytes = ascii(Integer.toString(logLength));
        byte[] channel = ascii(layout.channel());
        List<Object> replies = run(pages, page -> {
            String prefix = layout.prefix(writes.get(page.get(0)).shard());
            List<Object> keys = new ArrayList<>(3 + 2 * page.size());
            keys.add(prefix + "seq");
            keys.add(prefix + "log");
            keys.add(prefix + "epoch");
            List<Object> args = new ArrayList<>(5 + 6 * page.size());
            args.add(originBytes);
            args.add(logLengthBytes);
            args.add(ascii(RedisTier.newEpoch()));
            args.add(channel);
            args.add(OPTIMISTIC);
            for (int index : page) {
                EntryWrite write = writes.get(index);
                keys.add(write.name());
                keys.add(write.lockName());
                args.add(write.version());
                args.add(write.stored());
                args.add(ascii(Long.toString(write.reclaimAt())));
                args.add(write.keyBytes());
                args.add(write.head());
                args.add(write.tail());
            }
            keys.add(ListenerInterest.name(prefix));
            return new Call(RScript.Mode.READ_WRITE, WRITE_SCRIPT, keys, args);
        });
        for (int p = 0; p < pages.size(); p++) {
            List<?> values = (List<?>) replies.get(p);
            List<Integer> page = pages.get(p);
            for (int i = 0; i < page.size(); i++) {
                sequences[page.get(i)] = ((Number) values.get(i)).longValue();
            }
        }
        return sequences;
    }

    /**
     * Runs one script call per page and returns their replies in order: a lone call as it is, several in one
     * pipeline, which Redisson sends to each node at once.
     */
    private List<Object> run(List<List<Integer>> pages, java.util.function.Function<List<Integer>, Call> callOf) {
        if (pages.size() == 1) {
            Call call = callOf.apply(pages.get(0));
            Object reply = client.getScript(ByteArrayCodec.INSTANCE)
                    .eval(
                            (String) call.keys().get(0),
                            call.mode(),
                            call.script(),
                            RScript.ReturnType.LIST,
                            call.keys(),
                            call.args().toArray());
            return List.of(reply);
        }
        RBatch batch = client.createBatch(BatchOptions.defaults());
        for (List<Integer> page : pages) {
            Call call = callOf.apply(page);
            batch.getScript(ByteArrayCodec.INSTANCE)
                    .evalAsync(
                            (String) call.keys().get(0),
                            call.mode(),
                            call.script(),
                            RScript.ReturnType.LIST,
                            call.keys(),
                            call.args().toArray());
        }
        List<Object> replies = new ArrayList<>(batch.execute().getResponses());
        return replies;
    }

    /** The indexes 0..{@code size}-1 grouped by shard, in order within each. */
    private static Map<Integer, List<Integer>> byShard(int size, java.util.function.IntUnaryOperator shardOf) {
        Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            byShard.computeIfAbsent(shardOf.applyAsInt(i), shard -> new ArrayList<>())
                    .add(i);
        }
        return byShard;
    }

    /** Each shard's indexes cut into pages of at most {@link #PAGE}. */
    private static List<List<Integer>> pages(Map<Integer, List<Integer>> byShard) {
        List<List<Integer>> pages = new ArrayList<>();
        for (List<Integer> indexes : byShard.values()) {
            for (int from = 0; from < indexes.size(); from += PAGE) {
                pages.add(indexes.subList(from, Math.min(indexes.size(), from + PAGE)));
            }
        }
        return pages;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** One script call: its mode, script, keys (all of one slot) and arguments. */
    private record Call(RScript.Mode mode, String script, List<Object> keys, List<Object> args) {}
}
