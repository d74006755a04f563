package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.shaded.redisson.Redisson;
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
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.ObjIntConsumer;
import java.util.function.UnaryOperator;
import javax.cache.event.EventType;

/**
 * The batch operations of a {@link RedisTier}: many entries read with one {@code MGET} per shard (page), or changed
 * with one script call per shard (page), and the calls of every shard sent together (all written before the first
 * reply is awaited), so a batch costs one round trip per node instead of one or two per key.
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

    private static final RawScript WRITE_SCRIPT = new RawScript(RedisTier.script("redis-write-batch.lua"));
    private static final byte[] OPTIMISTIC = {'1'};
    private static final byte[] DECIDED_PUTS = {'p'};
    private static final byte[] DECIDED_REMOVALS = {'r'};
    private static final byte[] NOTHING = new byte[0];
    /** A stored entry's header before its payload: version, then expiry instant (see {@link RedisTier}). */
    private static final int HEADER = 16;
    /** What a decided call reports of each entry: a status byte, then the expiry instant found. */
    private static final int FOUND = 9;
    /** No entry was found (a put created it, a removal changed nothing). */
    private static final byte FOUND_NONE = 0;
    /** An entry was found, live or not, and changed. */
    private static final byte FOUND_ENTRY = 1;
    /** The entry is locked by a change that runs user code: left as it is. */
    private static final byte FOUND_LOCKED = 2;

    private final RedisTier<K> tier;
    private final RedissonClient client;
    private final ShardLayout layout;
    private final Codec codec;
    private final byte[] originBytes;
    private final byte[] logLengthBytes;
    private final byte[] channelBytes;
    /** Each shard's prefix as Redis holds it (UTF-8). */
    private final byte[][] prefixBytes;

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
        this.logLengthBytes = ascii(Integer.toString(logLength));
        this.channelBytes = ascii(layout.channel());
        this.prefixBytes = new byte[layout.count()][];
        for (int shard = 0; shard < prefixBytes.length; shard++) {
            prefixBytes[shard] = layout.prefix(shard).getBytes(StandardCharsets.UTF_8);
        }
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
     * {@code redis-write-batch.lua} in its decided-put mode per shard page, the pages sent at once, which picks each
     * entry's creation or update by whether it is live at the put's instant, and writes, sequences, logs and
     * announces it. An entry locked by a change that runs user code is put alone afterwards, as {@link
     * RedisTier#putDecided} puts it (waiting for the lock). The puts share one instant and one expiry decision
     * (they are one {@code putAll}); returns what each key held before (left out: nothing).
     *
     * <p>The keys travel packed in one argument per call ({@link #packedKeys}), and each entry as one: the
     * creation's stored bytes (new version, creation's expiry instant, payload), which the script stores as they
     * are, or takes the update's apart from.
     */
    Map<K, DecidedPut.Found> putAllDecided(Map<K, DecidedPut> puts) {
        List<K> order = new ArrayList<>(puts.keySet());
        DecidedPut first = puts.get(order.get(0));
        long created = tier.cappedExpiry(first.createdExpiresAt());
        boolean keep = first.updatedExpiresAt() == DecidedPut.KEEP;
        long updated = keep ? 0 : tier.cappedExpiry(first.updatedExpiresAt());
        List<byte[]> encoded = new ArrayList<>(order.size());
        List<byte[]> creations = new ArrayList<>(order.size());
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
            byte[] payload = codec.encodeValue(put.value());
            byte[] creation = new byte[HEADER + payload.length];
            putLong(creation, 0, RedisTier.newVersion());
            putLong(creation, 8, created);
            System.arraycopy(payload, 0, creation, HEADER, payload.length);
            creations.add(creation);
        }
        byte[][] common = {
            ascii(Long.toString(first.now())),
            longBytes(created),
            ascii(Long.toString(RedisTier.reclaimInstant(created))),
            keep ? NOTHING : longBytes(updated),
            ascii(Long.toString(keep ? 0 : RedisTier.reclaimInstant(updated)))
        };
        byte[] found = decided(
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
                (args, index) -> args.add(creations.get(index)));
        Map<K, DecidedPut.Found> results = new LinkedHashMap<>(capacity(order.size()));
        for (int i = 0; i < order.size(); i++) {
            K key = order.get(i);
            if (found[FOUND * i] == FOUND_LOCKED) {
                DecidedPut.Found before = tier.putDecided(key, puts.get(key));
                if (before != null) {
                    results.put(key, before);
                }
            } else if (found[FOUND * i] == FOUND_ENTRY) {
                results.put(key, new DecidedPut.Found(expiryFound(found, i), null));
            }
        }
        return results;
    }

    /**
     * Removes the entry of each of {@code keys}, reading nothing first: one call of {@code redis-write-batch.lua}
     * in its decided-removal mode per shard page, the pages sent at once, which deletes, sequences, logs and
     * announces each entry it finds (as {@code REMOVED} with the old value, or {@code EXPIRED} when it had expired
     * at {@code now}). An entry locked by a change that runs user code is removed alone afterwards, under its lock.
     * Returns what each key held before (left out: nothing), its value not brought back.
     */
    Map<K, DecidedPut.Found> removeAllDecided(Collection<? extends K> keys, long now) {
        List<K> order = new ArrayList<>(keys);
        List<byte[]> encoded = new ArrayList<>(order.size());
        for (K key : order) {
            encoded.add(codec.encodeKey(key));
        }
        byte[] instant = ascii(Long.toString(now));
        byte[] found = decided(
                encoded,
                DECIDED_REMOVALS,
                shard -> new byte[][] {
                    instant,
                    Announcement.changeHead(tier.origin(), shard, EventType.REMOVED),
                    Announcement.changeHead(tier.origin(), shard, EventType.EXPIRED)
                },
                (args, index) -> {});
        Map<K, DecidedPut.Found> results = new LinkedHashMap<>(capacity(order.size()));
        for (int i = 0; i < order.size(); i++) {
            K key = order.get(i);
            if (found[FOUND * i] == FOUND_LOCKED) {
                DecidedPut.Found[] before = {null};
                tier.compute(key, current -> {
                    before[0] = current == null ? null : new DecidedPut.Found(current.expiresAt(), null);
                    return null;
                });
                if (before[0] != null) {
                    results.put(key, before[0]);
                }
            } else if (found[FOUND * i] == FOUND_ENTRY) {
                results.put(key, new DecidedPut.Found(expiryFound(found, i), null));
            }
        }
        return results;
    }

    /**
     * Runs {@code redis-write-batch.lua} in a decided {@code mode} for the entries {@code encoded}: one call per
     * shard page, with the arguments {@code pageArgs} gives for the page's shard, then {@code entryArgs} adds for
     * each entry. Returns what the script found of each entry, {@value #FOUND} bytes each in the order of {@code
     * encoded}: a status ({@link #FOUND_NONE}, {@link #FOUND_ENTRY}, {@link #FOUND_LOCKED}), then the expiry
     * instant of the entry found.
     */
    private byte[] decided(
            List<byte[]> encoded, byte[] mode, IntFunction<byte[][]> pageArgs, ObjIntConsumer<List<Object>> entryArgs) {
        int[] shards = new int[encoded.size()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = layout.shardOf(encoded.get(i));
        }
        List<List<Integer>> pages = pages(byShard(encoded.size(), i -> shards[i]));
        List<Object> replies = run(pages, page -> {
            int shard = shards[page.get(0)];
            byte[][] shared = pageArgs.apply(shard);
            List<Object> args = new ArrayList<>(6 + shared.length + page.size());
            BatchCall call = call(shard, page.size(), mode, args);
            args.addAll(List.of((Object[]) shared));
            args.add(packedKeys(encoded, page));
            for (int index : page) {
                call.entry(encoded.get(index));
                entryArgs.accept(args, index);
            }
            return call;
        });
        byte[] found = new byte[FOUND * encoded.size()];
        for (int p = 0; p < pages.size(); p++) {
            List<Integer> page = pages.get(p);
            List<?> values = (List<?>) replies.get(p);
            if (values == null
                    || values.size() != 2
                    || !(values.get(1) instanceof byte[] pageFound)
                    || pageFound.length != FOUND * page.size()) {
                throw new IllegalStateException("Redis answered a batch of " + page.size() + " changes with "
                        + (values == null ? "nothing" : values.size() + " items") + "; their outcome is unknown");
            }
            for (int i = 0; i < page.size(); i++) {
                System.arraycopy(pageFound, FOUND * i, found, FOUND * page.get(i), FOUND);
            }
        }
        return found;
    }

    /** The expiry instant of entry {@code i} of what {@link #decided} found (8 bytes, big-endian). */
    private static long expiryFound(byte[] found, int i) {
        long expiry = 0;
        for (int at = FOUND * i + 1; at < FOUND * (i + 1); at++) {
            expiry = (expiry << 8) | (found[at] & 0xff);
        }
        return expiry;
    }

    /**
     * The encoded keys of {@code page}, in order, each after its length (4 bytes, big-endian): the log record's
     * field {@code m} as the script writes it when it changes every entry, and each change's key in its
     * announcement. One argument for the page, not one per entry: fewer arguments to encode here and to parse on
     * the server.
     */
    private static byte[] packedKeys(List<byte[]> encoded, List<Integer> page) {
        int length = 0;
        for (int index : page) {
            length += 4 + encoded.get(index).length;
        }
        ByteBuffer packed = ByteBuffer.allocate(length);
        for (int index : page) {
            byte[] key = encoded.get(index);
            packed.putInt(key.length).put(key);
        }
        return packed.array();
    }

    /** Writes {@code value} into {@code bytes} at {@code offset}, big-endian. */
    private static void putLong(byte[] bytes, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
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
    private List<int[]> readPages(int size, IntUnaryOperator shardOf, int limit) {
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
        List<List<Integer>> pages =
                pages(byShard(writes.size(), i -> writes.get(i).shard()));
        List<Object> replies = run(pages, page -> {
            List<Object> args = new ArrayList<>(5 + 5 * page.size());
            BatchCall call = call(writes.get(page.get(0)).shard(), page.size(), OPTIMISTIC, args);
            for (int index : page) {
                EntryWrite write = writes.get(index);
                call.entry(write.keyBytes());
                args.add(write.version());
                args.add(write.stored());
                args.add(ascii(Long.toString(write.reclaimAt())));
                args.add(write.head());
                args.add(write.tail());
            }
            return call;
        });
        for (int p = 0; p < pages.size(); p++) {
            List<?> values = (List<?>) replies.get(p);
            List<Integer> page = pages.get(p);
            if (values == null || values.size() != page.size()) {
                throw new IllegalStateException("Redis answered a batch of " + page.size() + " changes with "
                        + (values == null ? "nothing" : values.size() + " items") + "; their outcome is unknown");
            }
            for (int i = 0; i < page.size(); i++) {
                sequences[page.get(i)] = ((Number) values.get(i)).longValue();
            }
        }
        return sequences;
    }

    /**
     * Starts the call of {@code redis-write-batch.lua} for {@code entries} entries of {@code shard} in {@code mode}:
     * the shard's control keys and the arguments every mode takes, added to {@code args}.
     */
    private BatchCall call(int shard, int entries, byte[] mode, List<Object> args) {
        args.add(originBytes);
        args.add(logLengthBytes);
        args.add(RedisTier.newEpochBytes());
        args.add(channelBytes);
        args.add(mode);
        return new BatchCall(layout.prefix(shard), prefixBytes[shard], entries, args);
    }

    /**
     * Sends one script call per page, all before the first reply is awaited (Redisson writes each node's calls
     * on its connection at once), and returns their replies in order. Each call is sent by the script's digest
     * straight through Redisson's command executor ({@link RawScript}), its arguments the byte arrays they are:
     * {@code RScript} would wrap each in a buffer and copy it once more for its own retry after {@code NOSCRIPT},
     * which {@link RawScript} answers by sending the call again as {@code EVAL}.
     */
    private List<Object> run(List<List<Integer>> pages, Function<List<Integer>, BatchCall> callOf) {
        List<CompletableFuture<List<Object>>> sent = new ArrayList<>(pages.size());
        for (List<Integer> page : pages) {
            BatchCall call = callOf.apply(page);
            sent.add(WRITE_SCRIPT.sendList(client, call.routing(), call.arguments()));
        }
        List<Object> replies = new ArrayList<>(sent.size());
        for (CompletableFuture<List<Object>> reply : sent) {
            replies.add(executor().get(reply));
        }
        return replies;
    }

    /** The indexes 0..{@code size}-1 grouped by shard, in order within each. */
    private static Map<Integer, List<Integer>> byShard(int size, IntUnaryOperator shardOf) {
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
}
