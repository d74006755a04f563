package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.shaded.redisson.Redisson;
import dev.terrace.jcache.internal.shaded.redisson.api.BatchOptions;
import dev.terrace.jcache.internal.shaded.redisson.api.RBatch;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.RedisCommands;
import dev.terrace.jcache.internal.shaded.redisson.command.CommandAsyncExecutor;
import dev.terrace.jcache.internal.tier.DecidedPut;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import javax.cache.event.EventType;

/**
 * The batch operations of a {@link RedisTier}: many entries read with one {@code MGET} per shard (page), or changed
 * with one script call per shard (page), and the calls of every shard sent together (writes as one pipeline per
 * node, {@link RBatch}), so a batch costs one round trip per node instead of one or two per key.
 *
 * <p>A batch of puts or removals that needs nothing but what the authority finds ({@link #putAllDecided}, {@link
 * #removeAllDecided}) reads nothing first: the script decides each entry itself, as {@code redis-write.lua}'s
 * decided put does one.
 *
 * <p>A batch of changes reads the entries, decides each from what it read, and writes them with {@code
 * redis-write-batch.lua}, which fences and decides each change as {@code redis-write.lua} does one, and logs and
 * announces the changes of each call once: one sequence number, one log record (all its keys) and one {@link
 * Announcement} (each change's event, in order), which other processes take apart into the same invalidations and
 * events as the changes made one by one would give them. A
 * change that lost its race (another process changed or locked the entry after it was read) is made again alone,
 * as {@link RedisTier#computeRetrying} makes it: read again, decide again, and take the lock if contended.
 */
final class RedisBatches<K> {

    /** The most entries one script call reads or writes: Lua's {@code unpack} and the server's latency bound it. */
    static final int PAGE = 500;

    private static final String WRITE_SCRIPT = RedisTier.script("redis-write-batch.lua");
    private static final byte[] OPTIMISTIC = {'1'};
    private static final byte[] DECIDED_PUTS = {'p'};
    private static final byte[] DECIDED_REMOVALS = {'r'};
    private static final byte[] NOTHING = new byte[0];
    private static final long LOCKED = -2;

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
        List<byte[]> encoded = new ArrayList<>(keys.size());
        for (K key : keys) {
            encoded.add(codec.encodeKey(key));
        }
        byte[][] stored = read(encoded);
        Map<K, TierEntry> entries = new LinkedHashMap<>(capacity(keys.size()));
        int i = 0;
        for (K key : keys) {
            if (stored[i] != null) {
                entries.put(key, tier.decode(stored[i]));
            }
            i++;
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

    /**
     * Makes each put of {@code puts} as {@link RedisTier#putDecided} makes one, reading nothing first: one call of
     * {@code redis-write-batch.lua} in its decided-put mode per shard page, all in one pipeline, which picks each
     * entry's creation or update by whether it is live at the put's instant, and writes, sequences, logs and
     * announces it. An entry locked by a change that runs user code is put alone afterwards, as {@link
     * RedisTier#putDecided} puts it (waiting for the lock). The puts share one instant and one expiry decision
     * (they are one {@code putAll}); returns what each key held before (left out: nothing).
     */
    Map<K, DecidedPut.Found> putAllDecided(Map<K, DecidedPut> puts) {
        List<K> order = new ArrayList<>(puts.keySet());
        DecidedPut first = puts.get(order.get(0));
        List<byte[]> encoded = new ArrayList<>(order.size());
        List<byte[]> payloads = new ArrayList<>(order.size());
        for (K key : order) {
            DecidedPut put = puts.get(key);
            if (put.now() != first.now()
                    || put.createdExpiresAt() != first.createdExpiresAt()
                    || put.updatedExpiresAt() != first.updatedExpiresAt()
                    || put.bringsValue()) {
                throw new IllegalArgumentException(
                        "the puts of a batch share one instant and one expiry, and bring" + " back no value");
            }
            encoded.add(codec.encodeKey(key));
            payloads.add(codec.encodeValue(put.value()));
        }
        long created = tier.cappedExpiry(first.createdExpiresAt());
        boolean keep = first.updatedExpiresAt() == DecidedPut.KEEP;
        long updated = keep ? 0 : tier.cappedExpiry(first.updatedExpiresAt());
        byte[][] common = {
            ascii(Long.toString(first.now())),
            longBytes(created),
            ascii(Long.toString(RedisTier.reclaimInstant(created))),
            keep ? NOTHING : longBytes(updated),
            ascii(Long.toString(keep ? 0 : RedisTier.reclaimInstant(updated)))
        };
        Object[][] found = decided(
                encoded,
                DECIDED_PUTS,
                shard -> new byte[][] {
                    common[0],
                    common[1],
                    common[2],
                    common[3],
                    common[4],
                    Announcement.changeHead(tier.origin(), shard, EventType.CREATED),
                    Announcement.changeHead(tier.origin(), shard, EventType.UPDATED)
                },
                (args, index) -> {
                    args.add(encoded.get(index));
                    args.add(payloads.get(index));
                    args.add(longBytes(RedisTier.newVersion()));
                });
        Map<K, DecidedPut.Found> results = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            K key = order.get(i);
            if (((Number) found[i][0]).longValue() == LOCKED) {
                DecidedPut.Found before = tier.putDecided(key, puts.get(key));
                if (before != null) {
                    results.put(key, before);
                }
            } else if (found[i][1] instanceof byte[] header && header.length >= 16) {
                results.put(key, new DecidedPut.Found(ByteBuffer.wrap(header).getLong(8), null));
            }
        }
        return results;
    }

    /**
     * Removes the entry of each of {@code keys}, reading nothing first: one call of {@code redis-write-batch.lua}
     * in its decided-removal mode per shard page, all in one pipeline, which deletes, sequences, logs and announces
     * each entry it finds (as {@code REMOVED} with the old value, or {@code EXPIRED} when it had expired at {@code
     * now}). An entry locked by a change that runs user code is removed alone afterwards, under its lock. Returns
     * what each key held before (left out: nothing), its value not brought back.
     */
    Map<K, DecidedPut.Found> removeAllDecided(Collection<? extends K> keys, long now) {
        List<K> order = new ArrayList<>(keys);
        List<byte[]> encoded = new ArrayList<>(order.size());
        for (K key : order) {
            encoded.add(codec.encodeKey(key));
        }
        byte[] instant = ascii(Long.toString(now));
        Object[][] found = decided(
                encoded,
                DECIDED_REMOVALS,
                shard -> new byte[][] {
                    instant,
                    Announcement.changeHead(tier.origin(), shard, EventType.REMOVED),
                    Announcement.changeHead(tier.origin(), shard, EventType.EXPIRED)
                },
                (args, index) -> args.add(encoded.get(index)));
        Map<K, DecidedPut.Found> results = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            K key = order.get(i);
            if (((Number) found[i][0]).longValue() == LOCKED) {
                DecidedPut.Found[] before = {null};
                tier.compute(key, current -> {
                    before[0] = current == null ? null : new DecidedPut.Found(current.expiresAt(), null);
                    return null;
                });
                if (before[0] != null) {
                    results.put(key, before[0]);
                }
            } else if (found[i][1] instanceof byte[] header && header.length >= 16) {
                results.put(key, new DecidedPut.Found(ByteBuffer.wrap(header).getLong(8), null));
            }
        }
        return results;
    }

    /**
     * Runs {@code redis-write-batch.lua} in a decided {@code mode} for the entries {@code encoded}: one call per
     * shard page, with the arguments {@code pageArgs} gives for the page's shard, then {@code entryArgs} adds for
     * each entry. Returns the script's two items of each entry, in the order of {@code encoded}.
     */
    private Object[][] decided(
            List<byte[]> encoded,
            byte[] mode,
            java.util.function.IntFunction<byte[][]> pageArgs,
            java.util.function.ObjIntConsumer<List<Object>> entryArgs) {
        Map<Integer, List<Integer>> byShard = byShard(encoded.size(), i -> layout.shardOf(encoded.get(i)));
        List<List<Integer>> pages = pages(byShard);
        byte[] logLengthBytes = ascii(Integer.toString(logLength));
        byte[] channel = ascii(layout.channel());
        List<Object> replies = run(pages, page -> {
            int shard = layout.shardOf(encoded.get(page.get(0)));
            String prefix = layout.prefix(shard);
            List<Object> keys = new ArrayList<>(3 + 2 * page.size());
            keys.add(prefix + "seq");
            keys.add(prefix + "log");
            keys.add(prefix + "epoch");
            byte[][] shared = pageArgs.apply(shard);
            List<Object> args = new ArrayList<>(5 + shared.length + 3 * page.size());
            args.add(originBytes);
            args.add(logLengthBytes);
            args.add(RedisTier.newEpochBytes());
            args.add(channel);
            args.add(mode);
            args.addAll(List.of((Object[]) shared));
            for (int index : page) {
                String name = layout.entryName(encoded.get(index));
                keys.add(name);
                // RedisTier.lockOf's name, from the shard's prefix known here (lockOf looks the shard up again).
                keys.add(prefix + "lock:" + name.substring(prefix.length()));
                entryArgs.accept(args, index);
            }
            keys.add(ListenerInterest.name(prefix));
            return new Call(RScript.Mode.READ_WRITE, WRITE_SCRIPT, keys, args);
        });
        Object[][] found = new Object[encoded.size()][];
        for (int p = 0; p < pages.size(); p++) {
            List<?> values = (List<?>) replies.get(p);
            List<Integer> page = pages.get(p);
            if (values == null || values.size() != 2 * page.size()) {
                throw new IllegalStateException("Redis answered a batch of " + page.size() + " changes with "
                        + (values == null ? "nothing" : values.size() + " items") + "; their outcome is unknown");
            }
            for (int i = 0; i < page.size(); i++) {
                found[page.get(i)] = new Object[] {values.get(2 * i), values.get(2 * i + 1)};
            }
        }
        return found;
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    /**
     * The entries stored under {@code names}, names of this cache's entries as {@link EntryNames} lists them: one
     * {@code MGET} per shard among them (each shard's names share one slot; the page's {@code SCAN COUNT} bounds
     * how many), sent at once. Each key maps to its entry, or to {@code null} when the entry was gone by the time
     * it was read; a name that is no entry of this cache is left out. The names are sent as they came, and each
     * key is decoded from its name: no key is encoded again, no name built again.
     */
    Map<K, TierEntry> readEntries(List<byte[]> names) {
        List<byte[]> keys = new ArrayList<>(names.size());
        List<byte[]> ours = new ArrayList<>(names.size());
        int[] shards = new int[names.size()];
        for (byte[] name : names) {
            int shard = layout.shardOfEntry(name);
            byte[] key = shard < 0 ? null : layout.keyOf(name, shard);
            if (key != null) {
                shards[ours.size()] = shard;
                keys.add(key);
                ours.add(name);
            }
        }
        byte[][] stored = mget(ours, readPages(ours.size(), i -> shards[i], Integer.MAX_VALUE));
        Map<K, TierEntry> entries = new LinkedHashMap<>(capacity(ours.size()));
        for (int i = 0; i < ours.size(); i++) {
            @SuppressWarnings("unchecked")
            K key = (K) codec.decodeKey(keys.get(i));
            entries.put(key, stored[i] == null ? null : tier.decode(stored[i]));
        }
        return entries;
    }

    /**
     * The stored bytes of each encoded key, in order ({@code null}: absent): one {@code MGET} per shard page (its
     * keys share one slot), the pages sent at once. A plain {@code MGET}, not a script: a script's reply is converted
     * to Lua and back, which costs the server more than the {@code MGET} itself for a page of values. The
     * connection reads from masters only ({@code ReadMode.MASTER}), as every Terrace read.
     */
    private byte[][] read(List<byte[]> encoded) {
        List<byte[]> names = new ArrayList<>(encoded.size());
        for (byte[] key : encoded) {
            names.add(layout.entryNameBytes(key));
        }
        return mget(names, readPages(encoded.size(), i -> layout.shardOf(encoded.get(i)), PAGE));
    }

    /**
     * The indexes 0..{@code size}-1 grouped by shard, in order within each, and cut into pages of at most {@code
     * limit}; with one shard, no grouping at all.
     */
    private List<int[]> readPages(int size, java.util.function.IntUnaryOperator shardOf, int limit) {
        List<int[]> pages = new ArrayList<>();
        if (layout.count() == 1) {
            for (int from = 0; from < size; from += limit) {
                int[] page = new int[(int) Math.min(size - from, (long) limit)];
                for (int i = 0; i < page.length; i++) {
                    page[i] = from + i;
                }
                pages.add(page);
                if (page.length < limit) {
                    break;
                }
            }
            return pages;
        }
        for (List<Integer> indexes : byShard(size, shardOf).values()) {
            for (int from = 0; from < indexes.size(); from += limit) {
                int to = (int) Math.min(indexes.size(), (long) from + limit);
                pages.add(indexes.subList(from, to).stream()
                        .mapToInt(Integer::intValue)
                        .toArray());
                if (to == indexes.size()) {
                    break;
                }
            }
        }
        return pages;
    }

    /** A hash map's initial capacity that holds {@code size} entries without growing. */
    private static int capacity(int size) {
        return Math.max(16, (int) (size / 0.75f) + 1);
    }

    /**
     * The values stored under {@code names}, in order ({@code null}: absent): one {@code MGET} per page of indexes
     * (each page's names share one slot), all sent before the first reply is awaited. Names go out as bytes and
     * values come back as a list in the names' order, so neither side hashes or encodes a name as a string.
     */
    private byte[][] mget(List<byte[]> names, List<int[]> pages) {
        byte[][] stored = new byte[names.size()][];
        List<CompletableFuture<List<Object>>> replies = new ArrayList<>(pages.size());
        for (int[] page : pages) {
            Object[] pageNames = new Object[page.length];
            for (int i = 0; i < pageNames.length; i++) {
                pageNames[i] = names.get(page[i]);
            }
            replies.add(executor()
                    .<List<Object>, List<Object>>readAsync(
                            (byte[]) pageNames[0], ByteArrayCodec.INSTANCE, RedisCommands.MGET, pageNames)
                    .toCompletableFuture());
        }
        for (int p = 0; p < pages.size(); p++) {
            List<Object> values;
            try {
                values = replies.get(p).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            int[] page = pages.get(p);
            for (int i = 0; i < page.length; i++) {
                stored[page[i]] = (byte[]) values.get(i);
            }
        }
        return stored;
    }

    private CommandAsyncExecutor executor() {
        return ((Redisson) client).getCommandExecutor();
    }

    /**
     * Writes {@code writes}, one write script per shard page; returns each one's sequence number (its call's, which
     * every change of the call shares), or -1 / -2.
     */
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
            args.add(RedisTier.newEpochBytes());
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
