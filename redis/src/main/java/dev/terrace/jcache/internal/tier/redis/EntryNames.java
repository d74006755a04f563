package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.Redisson;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisClient;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.RedisCommand;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.decoder.ListMultiDecoder2;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.decoder.ListScanResult;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.decoder.ListScanResultReplayDecoder;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.decoder.ObjectListReplayDecoder;
import dev.terrace.jcache.internal.shaded.redisson.command.CommandAsyncExecutor;
import dev.terrace.jcache.internal.shaded.redisson.connection.MasterSlaveEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The names of the Redis keys that may be entries of a cache, as bytes, one {@code SCAN} page at a time over every
 * master in turn. Each page's reply sends the {@code SCAN} of the next at once, so that the caller's read of this
 * page's values ({@code MGET}) and the listing of the next travel together: a walk costs one round trip per page,
 * not two.
 *
 * <p>Names stay bytes ({@link ByteArrayCodec}): nothing decodes them to strings that a read would only encode back.
 * Like {@code SCAN} itself, the walk is weakly consistent: a name present throughout is listed at least once, and
 * a page may list a name another page listed, or one that is gone by the time it is read. Which names are entries
 * of the cache, {@link ShardLayout#shardOfEntry(byte[])} tells. Not thread-safe; a failed call throws what
 * Redisson threw, for {@link RedisHealth#call} to judge.
 */
final class EntryNames implements Iterator<List<byte[]>> {

    /**
     * {@code SCAN}, its cursor as a string and its names as the codec gives them (bytes here); raw, as Redisson's
     * own: its list decoder is typed for any reply.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final RedisCommand<ListScanResult<Object>> SCAN = new RedisCommand(
            "SCAN", new ListMultiDecoder2(new ListScanResultReplayDecoder(), new ObjectListReplayDecoder()));

    private static final String START = "0";

    private final CommandAsyncExecutor executor;
    private final String pattern;
    private final int count;
    private final List<MasterSlaveEntry> masters;
    private int master;
    private RedisClient node;
    /** The {@code SCAN} sent and not yet answered, or {@code null} once the last master's cursor came back. */
    private CompletableFuture<ListScanResult<Object>> pending;

    private List<byte[]> ready;

    /**
     * Starts the walk: the first {@code SCAN} is sent at once.
     *
     * @param pattern the {@code SCAN MATCH} glob ({@link ShardLayout#entryPattern})
     * @param count how many names one {@code SCAN} asks for ({@code COUNT})
     */
    EntryNames(RedissonClient client, String pattern, int count) {
        this.executor = ((Redisson) client).getCommandExecutor();
        this.pattern = pattern;
        this.count = count;
        this.masters = new ArrayList<>(executor.getConnectionManager().getEntrySet());
        if (!masters.isEmpty()) {
            startMaster();
        }
    }

    private void startMaster() {
        MasterSlaveEntry entry = masters.get(master);
        // The cursor is the node's: every page of a master's walk goes to the node that gave its first.
        node = entry.getClient();
        send(entry, START);
    }

    private void send(MasterSlaveEntry entry, String cursor) {
        pending = executor.<ListScanResult<Object>, ListScanResult<Object>>readAsync(
                        node, entry, ByteArrayCodec.INSTANCE, SCAN, cursor, "MATCH", pattern, "COUNT", count)
                .toCompletableFuture();
    }

    @Override
    public boolean hasNext() {
        while (ready == null && pending != null) {
            ListScanResult<Object> page = join(pending);
            pending = null;
            if (!START.equals(page.getPos())) {
                send(masters.get(master), page.getPos());
            } else if (++master < masters.size()) {
                startMaster();
            }
            if (!page.getValues().isEmpty()) {
                ready = names(page.getValues());
            }
        }
        return ready != null;
    }

    /** The next page of names, never empty; the {@code SCAN} of the page after it is already on its way. */
    @Override
    public List<byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<byte[]> names = ready;
        ready = null;
        return names;
    }

    /** The names of a page: with {@link ByteArrayCodec}, every one is a {@code byte[]}. */
    @SuppressWarnings("unchecked")
    private static List<byte[]> names(List<Object> values) {
        return (List<byte[]>) (List<?>) values;
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
