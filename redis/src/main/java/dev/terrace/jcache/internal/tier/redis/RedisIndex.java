package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.dependency.DependencyIndex;
import dev.terrace.jcache.internal.dependency.DependencyRecord;
import dev.terrace.jcache.internal.dependency.Fingerprint;
import dev.terrace.jcache.internal.shaded.redisson.api.RBatch;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dependency index of a cache kept in Redis, shared by every process that uses the cache, so that a file
 * change one process sees invalidates the entries any process stored.
 *
 * <p>Every Redis key is {@code <namespace>:{<manager>/<cache>}:dep:...}, hash-tagged like the Redis tier's
 * keys so that a cache's index lives in the same cluster slot as its entries:
 *
 * <ul>
 *   <li>{@code dep:file:<path>}: a set of the keys whose entries depend on the file;
 *   <li>{@code dep:rec:<key>}: a hash of what the entry depends on: {@code f:<path>} to the fingerprint,
 *       {@code k:<key>} for each entry it was derived from;
 *   <li>{@code dep:on:<key>}: a set of the keys whose entries were derived from this one;
 *   <li>{@code dep:keys} and {@code dep:files}: every key with a record and every file ever depended on.
 * </ul>
 *
 * Keys appear as the Base64 (URL alphabet) of their codec bytes.
 */
final class RedisIndex<K> implements DependencyIndex<K> {

    private final RedissonClient client;
    private final RedisHealth health;
    private final Codec codec;
    private final String prefix;

    RedisIndex(RedisConnection connection, String managerName, String cacheName, Codec codec) {
        this.client = connection.client();
        this.health = connection.health();
        this.codec = codec;
        this.prefix = connection.settings().namespace() + ":{" + managerName + "/" + cacheName + "}:dep:";
    }

    @Override
    public void record(K key, DependencyRecord<K> record) {
        String id = id(key);
        health.run(() -> {
            Map<String, String> old = client.<String, String>getMap(prefix + "rec:" + id, StringCodec.INSTANCE)
                    .readAllMap();
            RBatch batch = client.createBatch();
            unlinkIn(batch, id, old);
            if (!record.isEmpty()) {
                Map<String, String> fields = new HashMap<>();
                record.files().forEach((file, fingerprint) -> {
                    fields.put("f:" + file, fingerprint.encode());
                    batch.getSet(prefix + "file:" + file, StringCodec.INSTANCE).addAsync(id);
                    batch.getSet(prefix + "files", StringCodec.INSTANCE).addAsync(file.toString());
                });
                for (K on : record.onKeys()) {
                    String onId = id(on);
                    fields.put("k:" + onId, "");
                    batch.getSet(prefix + "on:" + onId, StringCodec.INSTANCE).addAsync(id);
                }
                batch.getMap(prefix + "rec:" + id, StringCodec.INSTANCE).putAllAsync(fields);
                batch.getSet(prefix + "keys", StringCodec.INSTANCE).addAsync(id);
            }
            batch.execute();
        });
    }

    @Override
    public DependencyRecord<K> recordOf(K key) {
        Map<String, String> fields =
                health.call(() -> client.<String, String>getMap(prefix + "rec:" + id(key), StringCodec.INSTANCE)
                        .readAllMap());
        if (fields.isEmpty()) {
            return null;
        }
        Map<Path, Fingerprint> files = new HashMap<>();
        Set<K> onKeys = new HashSet<>();
        fields.forEach((field, value) -> {
            if (field.startsWith("f:")) {
                files.put(Path.of(field.substring(2)), Fingerprint.decode(value));
            } else if (field.startsWith("k:")) {
                onKeys.add(key(field.substring(2)));
            }
        });
        return new DependencyRecord<>(files, onKeys);
    }

    @Override
    public void forget(K key) {
        String id = id(key);
        health.run(() -> {
            Map<String, String> old = client.<String, String>getMap(prefix + "rec:" + id, StringCodec.INSTANCE)
                    .readAllMap();
            if (old.isEmpty()) {
                return;
            }
            RBatch batch = client.createBatch();
            unlinkIn(batch, id, old);
            batch.execute();
        });
    }

    private void unlinkIn(RBatch batch, String id, Map<String, String> old) {
        for (String field : old.keySet()) {
            if (field.startsWith("f:")) {
                batch.getSet(prefix + "file:" + field.substring(2), StringCodec.INSTANCE)
                        .removeAsync(id);
            } else if (field.startsWith("k:")) {
                batch.getSet(prefix + "on:" + field.substring(2), StringCodec.INSTANCE)
                        .removeAsync(id);
            }
        }
        batch.getKeys().deleteAsync(prefix + "rec:" + id);
        batch.getSet(prefix + "keys", StringCodec.INSTANCE).removeAsync(id);
    }

    @Override
    public Set<K> keysOn(Path file) {
        return keys(health.call(() -> client.<String>getSet(prefix + "file:" + file, StringCodec.INSTANCE)
                .readAll()));
    }

    @Override
    public Set<K> keysUnder(Path directory) {
        String below = directory.toString() + directory.getFileSystem().getSeparator();
        return health.call(() -> {
            List<String> names = new ArrayList<>();
            for (String file : client.<String>getSet(prefix + "files", StringCodec.INSTANCE)
                    .readAll()) {
                if (file.startsWith(below)) {
                    names.add(file);
                }
            }
            Set<K> keys = new HashSet<>();
            for (String file : names) {
                keys.addAll(keys(client.<String>getSet(prefix + "file:" + file, StringCodec.INSTANCE)
                        .readAll()));
            }
            return keys;
        });
    }

    @Override
    public Set<K> dependentsOf(K key) {
        return keys(health.call(() -> client.<String>getSet(prefix + "on:" + id(key), StringCodec.INSTANCE)
                .readAll()));
    }

    @Override
    public void forgetDependents(K key) {
        health.run(() -> client.getKeys().delete(prefix + "on:" + id(key)));
    }

    @Override
    public Set<K> keys() {
        return keys(health.call(() ->
                client.<String>getSet(prefix + "keys", StringCodec.INSTANCE).readAll()));
    }

    @Override
    public void close() {
        // The connection belongs to the cache manager.
    }

    private Set<K> keys(Set<String> ids) {
        Set<K> keys = new HashSet<>();
        for (String id : ids) {
            keys.add(key(id));
        }
        return keys;
    }

    private String id(K key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(codec.encodeKey(key));
    }

    @SuppressWarnings("unchecked")
    private K key(String id) {
        return (K) codec.decodeKey(Base64.getUrlDecoder().decode(id));
    }
}
