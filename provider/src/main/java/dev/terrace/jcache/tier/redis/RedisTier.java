package dev.terrace.jcache.tier.redis;

import dev.terrace.jcache.copy.Codec;
import dev.terrace.jcache.internal.shaded.redisson.api.RBucket;
import dev.terrace.jcache.internal.shaded.redisson.api.RLock;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RTopic;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.api.listener.StatusListener;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.tier.Tier;
import dev.terrace.jcache.tier.TierEntry;
import dev.terrace.jcache.tier.TierUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * The Redis tier (L3): every entry of a cache as one Redis string, shared by every process that uses the
 * cache, and authoritative whenever it is configured.
 *
 * <p>An entry's Redis key is {@code <namespace>:{<cache>}:e:<key>}; the braces make every key of a cache
 * hash to one slot, so one cache lives on one node of a cluster and its keys can be handled together. The
 * value is the expiry instant followed by the encoded value; Redis drops the key a grace period after that
 * instant ({@code PXAT}), so the cache layer is the one that observes the expiry and reports it.
 *
 * <p>{@link #compute} holds a Redisson lock on the key while it reads, decides and writes, so that it is
 * atomic across processes. After each change the tier publishes an invalidation on the cache's channel;
 * every other process drops its near copies of that key.
 */
public final class RedisTier<K> implements Tier<K> {

    /** Told about keys that changed in other processes. */
    public interface Invalidations<K> {
        /** {@code key} changed elsewhere: drop near copies. */
        void changed(K key);

        /** Anything may have changed elsewhere (a clear, or messages that may have been missed). */
        void unknown();
    }

    static final long RECLAIM_GRACE_MILLIS = 1_000;
    private static final byte CHANGED = 1;
    private static final byte CLEARED = 2;
    private static final String SET_SCRIPT = script("redis-set.lua");

    private final RedissonClient client;
    private final RedisHealth health;
    private final Codec codec;
    private final UUID origin;
    private final String prefix;
    private final RTopic channel;
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();
    private int messageListener = -1;
    private int statusListener = -1;

    public RedisTier(RedisConnection connection, String managerName, String cacheName, Codec codec) {
        this.client = connection.client();
        this.health = connection.health();
        this.codec = codec;
        this.origin = connection.origin();
        this.prefix = connection.settings().namespace() + ":{" + managerName + "/" + cacheName + "}:";
        this.channel = client.getTopic(prefix + "invalidations", ByteArrayCodec.INSTANCE);
    }

    /** Starts delivering changes made by other processes to {@code invalidations}. */
    public void subscribe(Invalidations<K> invalidations) {
        health.onRecovery(() -> {
            invalidations.unknown();
            if (messageListener < 0) {
                trySubscribe(invalidations);
            }
        });
        trySubscribe(invalidations);
    }

    private void trySubscribe(Invalidations<K> invalidations) {
        try {
            health.run(() -> listen(invalidations));
        } catch (TierUnavailableException e) {
            // Subscribed again when Redis is back (see subscribe).
        }
    }

    @SuppressWarnings("unchecked")
    private synchronized void listen(Invalidations<K> invalidations) {
        if (messageListener >= 0) {
            return;
        }
        messageListener = channel.addListener(byte[].class, (topic, message) -> {
            ByteBuffer buffer = ByteBuffer.wrap(message);
            UUID from = new UUID(buffer.getLong(), buffer.getLong());
            if (from.equals(origin)) {
                return;
            }
            if (buffer.get() == CLEARED) {
                invalidations.unknown();
                return;
            }
            byte[] key = new byte[buffer.remaining()];
            buffer.get(key);
            invalidations.changed((K) codec.decodeKey(key));
        });
        statusListener = channel.addListener(new StatusListener() {
            @Override
            public void onSubscribe(String name) {
                // A re-subscription means messages may have been missed while the connection was down.
                if (!subscribedOnce.compareAndSet(false, true)) {
                    invalidations.unknown();
                }
            }

            @Override
            public void onUnsubscribe(String name) {}
        });
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public TierEntry get(K key) {
        RBucket<byte[]> bucket = bucket(codec.encodeKey(key));
        byte[] stored = health.call(bucket::get);
        return stored == null ? null : decode(stored);
    }

    @Override
    public void put(K key, TierEntry entry) {
        compute(key, current -> entry);
    }

    @Override
    public void remove(K key) {
        compute(key, current -> null);
    }

    @Override
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        return health.call(() -> computeLocked(key, remapping));
    }

    private TierEntry computeLocked(K key, UnaryOperator<TierEntry> remapping) {
        byte[] keyBytes = codec.encodeKey(key);
        String name = entryName(keyBytes);
        RLock lock = client.getLock(prefix + "lock:" + name.substring(prefix.length()));
        lock.lock();
        try {
            RBucket<byte[]> bucket = client.getBucket(name, ByteArrayCodec.INSTANCE);
            byte[] stored = bucket.get();
            TierEntry current = stored == null ? null : decode(stored);
            TierEntry result = remapping.apply(current);
            if (result != current) {
                if (result == null) {
                    if (stored != null) {
                        bucket.delete();
                        publish(CHANGED, keyBytes);
                    }
                } else {
                    write(name, result);
                    publish(CHANGED, keyBytes);
                }
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    private void write(String name, TierEntry entry) {
        byte[] payload = codec.encodeValue(entry.value());
        byte[] stored = ByteBuffer.allocate(8 + payload.length)
                .putLong(entry.expiresAt())
                .put(payload)
                .array();
        long reclaimAt = entry.expiresAt() >= TierEntry.ETERNAL - RECLAIM_GRACE_MILLIS
                ? 0
                : entry.expiresAt() + RECLAIM_GRACE_MILLIS;
        client.getScript(ByteArrayCodec.INSTANCE)
                .eval(
                        name,
                        RScript.Mode.READ_WRITE,
                        SET_SCRIPT,
                        RScript.ReturnType.LONG,
                        List.of(name),
                        stored,
                        Long.toString(reclaimAt).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public Iterator<K> keys() {
        Iterator<String> names =
                client.getKeys().getKeysByPattern(prefix + "e:*").iterator();
        int start = (prefix + "e:").length();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return names.hasNext();
            }

            @Override
            @SuppressWarnings("unchecked")
            public K next() {
                return (K) codec.decodeKey(
                        Base64.getUrlDecoder().decode(names.next().substring(start)));
            }
        };
    }

    @Override
    public long size() {
        return health.call(this::count);
    }

    private long count() {
        long count = 0;
        for (Iterator<String> names =
                        client.getKeys().getKeysByPattern(prefix + "e:*").iterator();
                names.hasNext(); ) {
            names.next();
            count++;
        }
        return count;
    }

    @Override
    public void clear() {
        health.run(() -> {
            client.getKeys().deleteByPattern(prefix + "e:*");
            publish(CLEARED, new byte[0]);
        });
    }

    @Override
    public void close() {
        if (messageListener >= 0 && !health.isDown()) {
            try {
                channel.removeListener(messageListener, statusListener);
            } catch (RuntimeException e) {
                // The connection goes with the manager anyway.
            }
        }
    }

    @Override
    public void destroy() {
        clear();
        close();
    }

    private RBucket<byte[]> bucket(byte[] keyBytes) {
        return client.getBucket(entryName(keyBytes), ByteArrayCodec.INSTANCE);
    }

    private String entryName(byte[] keyBytes) {
        return prefix + "e:" + Base64.getUrlEncoder().withoutPadding().encodeToString(keyBytes);
    }

    private TierEntry decode(byte[] stored) {
        long expiresAt = ByteBuffer.wrap(stored).getLong(0);
        return new TierEntry(codec.decodeValue(stored, 8, stored.length - 8), expiresAt);
    }

    private void publish(byte type, byte[] keyBytes) {
        ByteBuffer message = ByteBuffer.allocate(17 + keyBytes.length);
        message.putLong(origin.getMostSignificantBits()).putLong(origin.getLeastSignificantBits());
        message.put(type).put(keyBytes);
        channel.publish(message.array());
    }

    private static String script(String resource) {
        try (InputStream in = RedisTier.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing Lua script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
