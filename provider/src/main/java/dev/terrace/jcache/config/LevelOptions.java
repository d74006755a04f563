package dev.terrace.jcache.config;

import dev.terrace.jcache.config.ConfigBuilder.DiskOptions;
import dev.terrace.jcache.config.ConfigBuilder.HeapOptions;
import dev.terrace.jcache.config.ConfigBuilder.RedisOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** Settings that the defaults, a template and a cache have in common. */
abstract class LevelOptions<T extends LevelOptions<T>> {
    final Map<String, Val> node;

    LevelOptions(Map<String, Val> node) {
        this.node = node;
    }

    abstract T self();

    /**
     * The tier stack ({@code stack}).
     *
     * @param stack the tiers an entry passes through
     * @return these options
     */
    public T stack(TierStack stack) {
        node.put("stack", Val.code(Objects.requireNonNull(stack, "stack").id()));
        return self();
    }

    /**
     * The heap tier ({@code backends.l1}).
     *
     * @param options sets the heap tier's keys
     * @return these options
     */
    public T heap(Consumer<HeapOptions> options) {
        options.accept(new HeapOptions(section("backends", "l1")));
        return self();
    }

    /**
     * The disk tier ({@code backends.l2}).
     *
     * @param options sets the disk tier's keys
     * @return these options
     */
    public T disk(Consumer<DiskOptions> options) {
        options.accept(new DiskOptions(section("backends", "l2")));
        return self();
    }

    /**
     * The Redis tier ({@code backends.l3}); a cache or template may only set its time to live.
     *
     * @param options sets the Redis tier's keys
     * @return these options
     */
    public T redis(Consumer<RedisOptions> options) {
        options.accept(new RedisOptions(section("backends", "l3")));
        return self();
    }

    final Map<String, Val> section(String... names) {
        Map<String, Val> current = node;
        for (String name : names) {
            current = subsection(current, name);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Val> subsection(Map<String, Val> parent, String name) {
        Val existing = parent.computeIfAbsent(name, n -> Val.code(new LinkedHashMap<String, Val>()));
        return (Map<String, Val>) existing.value();
    }
}
