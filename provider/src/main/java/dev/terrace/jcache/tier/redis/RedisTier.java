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
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import javax.cache.event.EventType;

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

        /**
         * Another process changed {@code key}: {@code type} is {@code CREATED}, {@code UPDATED}, {@code REMOVED}
         * or {@code EXPIRED}; the values are in stored form, {@code null} where there is none.
         */
        default void event(EventType type, K key, Object newValue, Object oldValue) {}
    }

    static final long RECLAIM_GRACE_MILLIS = 1_000;
    private static final byte CHANGED = 1;
    private static final byte CLEARED = 2;
    private static final byte NO_EVENT = 0;
    private static final String SET_SCRIPT = script("redis-set.lua");

    private final RedissonClient client;
    private final RedisHealth health;
    private final Clock clock;
    private final Codec codec;
    private final UUID origin;
    private final String prefix;
    private final RTopic channel;
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();
    private int messageListener = -1;
    private int statusListener = -1;

    public RedisTier(RedisConnection connection, String managerName, String cacheName, Codec codec) {
        this(connection, managerName, cacheName, codec, Clock.systemUTC());
    }

    /** @param clock tells whether an entry a change removes had expired (reported as such to other processes) */
    public RedisTier(RedisConnection connection, String managerName, String cacheName, Codec codec, Clock clock) {
        this.clock = clock;
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
            byte eventType = buffer.get();
            K key = (K) codec.decodeKey(bytes(buffer));
            invalidations.changed(key);
            if (eventType != NO_EVENT) {
                byte[] newValue = bytes(buffer);
                byte[] oldValue = bytes(buffer);
                invalidations.event(
                        EventType.values()[eventType - 1],
                        key,
                        newValue == null ? null : codec.decodeValue(newValue, 0, newValue.length),
                        oldValue == null ? null : codec.decodeValue(oldValue, 0, oldValue.length));
            }
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
                byte[] oldPayload = stored == null ? null : Arrays.copyOfRange(stored, 8, stored.length);
                if (result == null) {
                    if (stored != null) {
                        bucket.delete();
                        EventType type = current.isExpired(clock.millis()) ? EventType.EXPIRED : EventType.REMOVED;
                        publishChange(keyBytes, type, null, oldPayload);
                    }
                } else {
                    byte[] payload = write(name, result);
                    // A change of expiry alone (an access) is no event, but other copies must learn the expiry.
                    EventType type = current == null
                            ? EventType.CREATED
                            : result.value() == current.value() ? null : EventType.UPDATED;
                    publishChange(keyBytes, type, payload, oldPayload);
                }
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code entry} under {@code name}; returns the encoded value. */
    private byte[] write(String name, TierEntry entry) {
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
        return payload;
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

    /** Tells other processes that {@code keyBytes} changed, with the event when {@code type} is not null. */
    private void publishChange(byte[] keyBytes, EventType type, byte[] newPayload, byte[] oldPayload) {
        int size = 16 + 2 + 4 + keyBytes.length + 8 + length(newPayload) + length(oldPayload);
        ByteBuffer message = ByteBuffer.allocate(size);
        message.putLong(origin.getMostSignificantBits()).putLong(origin.getLeastSignificantBits());
        message.put(CHANGED).put(type == null ? NO_EVENT : (byte) (type.ordinal() + 1));
        putBytes(message, keyBytes);
        putBytes(message, type == null ? null : newPayload);
        putBytes(message, type == null ? null : oldPayload);
        channel.publish(Arrays.copyOf(message.array(), message.position()));
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer buffer, byte[] bytes) {
        if (bytes == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(bytes.length).put(bytes);
        }
    }

    /** The next length-prefixed byte array of {@code buffer}, {@code null} for length -1. */
    private static byte[] bytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
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
