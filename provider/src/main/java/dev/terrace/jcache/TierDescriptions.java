package dev.terrace.jcache;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Describes a cache's tiers for the line it logs when it starts, so that an operator sees where its data
 * lives: the heap bound, the disk directory, the Redis deployment. Never includes a credential.
 */
final class TierDescriptions {

    private TierDescriptions() {}

    /** Such as {@code heap(max 10000 entries) > disk(/var/cache/terrace/..., max 256 MB) > redis(single ...)}. */
    static String of(TieredStore<?> store, TerraceSettings settings) {
        List<String> parts = new ArrayList<>();
        for (Tier<?> tier : store.tiers()) {
            if (tier.name().equals("redis") && settings.redis() != null) {
                parts.add("redis(" + redis(settings.redis()) + ")");
            } else {
                parts.add(tier.location());
            }
        }
        return String.join(" > ", parts);
    }

    /** The mode, addresses, database and namespace; whether a password is set, never the password. */
    static String redis(RedisSettings redis) {
        StringBuilder text = new StringBuilder(redis.mode().name().toLowerCase(Locale.ROOT)).append(' ');
        switch (redis.mode()) {
            case SINGLE ->
                text.append(withoutCredentials(redis.address())).append(" db ").append(redis.database());
            case SENTINEL ->
                text.append("master ")
                        .append(redis.masterName())
                        .append(" via ")
                        .append(nodes(redis))
                        .append(" db ")
                        .append(redis.database());
            case CLUSTER -> text.append(nodes(redis));
        }
        text.append(", namespace ").append(redis.namespace());
        text.append(redis.password().isEmpty() ? ", no password" : ", password set");
        return text.toString();
    }

    private static String nodes(RedisSettings redis) {
        List<String> nodes = new ArrayList<>();
        redis.nodes().forEach(node -> nodes.add(withoutCredentials(node)));
        return String.join(",", nodes);
    }

    /** {@code redis://user:secret@host:port} without its user part, which may hold a password. */
    static String withoutCredentials(String address) {
        return address.replaceFirst("//[^/@]*@", "//");
    }
}
