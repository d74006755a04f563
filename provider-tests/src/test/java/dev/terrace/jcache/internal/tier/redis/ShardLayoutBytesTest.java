package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The names of entries handled as bytes, as the iterator and {@code getAll} send and receive them: they are the
 * UTF-8 bytes of the names {@link ShardLayout} builds as strings, and tell the same shard and key, with one shard or
 * many, for a cache whose name is not ASCII, and for names of other caches or that Terrace did not make.
 */
class ShardLayoutBytesTest {

    private static final String[] KEYS = {"k", "key-17", "ключ", "", "a/b}:e:c"};

    @Test
    void oneShard() {
        agreeWithTheStringForms(new ShardLayout("terrace", "manager", "cache", 1));
        agreeWithTheStringForms(new ShardLayout("ns", "mänager", "caché {x}", 1));
    }

    @Test
    void manyShards() {
        agreeWithTheStringForms(new ShardLayout("terrace", "manager", "cache", 16));
        agreeWithTheStringForms(new ShardLayout("ns", "mänager", "caché", 3));
    }

    private static void agreeWithTheStringForms(ShardLayout layout) {
        for (String key : KEYS) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            String name = layout.entryName(keyBytes);
            byte[] nameBytes = layout.entryNameBytes(keyBytes);
            assertThat(nameBytes).as("the name of %s as bytes", key).isEqualTo(name.getBytes(StandardCharsets.UTF_8));
            int shard = layout.shardOfEntry(nameBytes);
            assertThat(shard).as("the shard of %s", key).isEqualTo(layout.shardOfEntry(name));
            assertThat(shard).isEqualTo(layout.shardOf(keyBytes));
            assertThat(layout.keyOf(nameBytes, shard)).as("the key of %s", key).isEqualTo(keyBytes);
        }
        ShardLayout other = new ShardLayout("terrace", "manager", "other", layout.count());
        for (String foreign : new String[] {
            other.entryName("k".getBytes(StandardCharsets.UTF_8)),
            layout.prefix(0) + "seq",
            layout.prefix(0) + "lock:e:x",
            "unrelated",
            ""
        }) {
            assertThat(layout.shardOfEntry(foreign.getBytes(StandardCharsets.UTF_8)))
                    .as("%s is no entry of this cache", foreign)
                    .isEqualTo(layout.shardOfEntry(foreign))
                    .isEqualTo(-1);
        }
        byte[] notBase64 = (layout.prefix(0) + "e:*!").getBytes(StandardCharsets.UTF_8);
        assertThat(layout.keyOf(notBase64, layout.shardOfEntry(notBase64)))
                .as("a name under the prefix that Terrace did not make")
                .isNull();
    }
}
