package dev.terrace.jcache.config;

import dev.terrace.jcache.config.ConfigSchema.Key;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a configuration tree against {@link ConfigSchema} and turns it into a {@link TerraceConfig}: the
 * manager's default properties and each declared cache's properties (defaults, then its template, then its
 * own overrides). The first mistake stops it with a message naming the file, line, key, value and what is
 * allowed.
 */
final class ConfigValidator {

    private static final String TEMPLATES = "templates";
    private static final String CACHES = "caches";
    private static final String TEMPLATE = "template";

    private final String source;
    private final Function<String, String> environment;

    private ConfigValidator(String source, Function<String, String> environment) {
        this.source = source;
        this.environment = environment;
    }

    /** The configuration {@code root} describes; {@code root} holds the single top-level key {@code cache}. */
    static TerraceConfig validate(Val root, String source, Function<String, String> environment) {
        return new ConfigValidator(source, environment).validate(root);
    }

    /** What one level (the defaults, a template or a cache) sets. */
    private static final class Level {
        final Map<String, String> values = new LinkedHashMap<>();
        final Set<String> sections = new LinkedHashSet<>();
        final Map<String, Integer> lines = new LinkedHashMap<>();
        String template;
    }

    private TerraceConfig validate(Val root) {
        if (!root.isMap()) {
            throw error("", root, "the file must be a mapping with the single key cache, was " + root.shown());
        }
        Val cache = null;
        for (Map.Entry<String, Val> entry : root.map().entrySet()) {
            if (!entry.getKey().equals("cache")) {
                throw unknown(entry.getKey(), entry.getValue(), List.of("cache"), "the top level");
            }
            cache = entry.getValue();
        }
        if (cache == null || cache.value() == null) {
            return new TerraceConfig(source, Map.of(), Map.of());
        }
        if (!cache.isMap()) {
            throw error("cache", cache, "cache must be a mapping, was " + cache.shown());
        }
        Level defaults = new Level();
        Map<String, Level> templates = new LinkedHashMap<>();
        Map<String, Level> caches = new LinkedHashMap<>();
        for (Map.Entry<String, Val> entry : cache.map().entrySet()) {
            switch (entry.getKey()) {
                case TEMPLATES -> named(entry.getValue(), "cache." + TEMPLATES, false, templates);
                case CACHES -> named(entry.getValue(), "cache." + CACHES, true, caches);
                default -> walk("", entry.getKey(), entry.getValue(), "cache", false, defaults);
            }
        }
        Map<String, String> defaultProperties = properties(defaults);
        deriveStack(defaults, defaultProperties);
        finishRedis(defaults, defaultProperties);
        Map<String, Map<String, String>> cacheProperties = new LinkedHashMap<>();
        for (Map.Entry<String, Level> entry : caches.entrySet()) {
            String display = "cache." + CACHES + "." + entry.getKey();
            Level level = entry.getValue();
            Map<String, String> merged = new LinkedHashMap<>(defaultProperties);
            Level template = null;
            if (level.template != null) {
                template = templates.get(level.template);
                if (template == null) {
                    throw new TerraceConfigException(
                            display + "." + TEMPLATE,
                            YamlReader.where(source, level.lines.getOrDefault(TEMPLATE, 0)) + display + "." + TEMPLATE
                                    + " is '" + level.template + "'; allowed: a template under cache." + TEMPLATES
                                    + " ("
                                    + (templates.isEmpty() ? "none is defined" : String.join(", ", templates.keySet()))
                                    + ")" + suggestion(level.template, templates.keySet()));
                }
                String templateDisplay = "cache." + TEMPLATES + "." + level.template;
                merged.putAll(properties(template));
                requireTiersInStack(template, templateDisplay, stackOf(merged, level), display);
            }
            merged.putAll(properties(level));
            requireTiersInStack(level, display, stackOf(merged, null), display);
            cacheProperties.put(entry.getKey(), Map.copyOf(merged));
        }
        return new TerraceConfig(source, Map.copyOf(defaultProperties), cacheProperties);
    }

    private void named(Val section, String display, boolean caches, Map<String, Level> into) {
        if (section.value() == null) {
            return;
        }
        if (!section.isMap()) {
            throw error(display, section, display + " must be a mapping of names to settings, was " + section.shown());
        }
        for (Map.Entry<String, Val> entry : section.map().entrySet()) {
            String levelDisplay = display + "." + entry.getKey();
            Level level = new Level();
            Val body = entry.getValue();
            if (body.value() != null && !body.isMap()) {
                throw error(levelDisplay, body, levelDisplay + " must be a mapping of settings, was " + body.shown());
            }
            if (body.isMap()) {
                for (Map.Entry<String, Val> setting : body.map().entrySet()) {
                    if (caches && setting.getKey().equals(TEMPLATE)) {
                        Val name = setting.getValue();
                        if (!(name.value() instanceof String text) || text.isBlank()) {
                            throw error(
                                    levelDisplay + "." + TEMPLATE,
                                    name,
                                    levelDisplay + "." + TEMPLATE + " is " + name.shown()
                                            + "; allowed: the name of a template under cache." + TEMPLATES);
                        }
                        level.template = substitute(text, levelDisplay + "." + TEMPLATE, name);
                        level.lines.put(TEMPLATE, name.line());
                    } else {
                        walk("", setting.getKey(), setting.getValue(), levelDisplay, true, level);
                    }
                }
            }
            into.put(entry.getKey(), level);
        }
    }

    private void walk(String prefix, String name, Val value, String display, boolean cacheScope, Level level) {
        String path = prefix.isEmpty() ? name : prefix + "." + name;
        String shownKey = display + "." + path;
        Key key = ConfigSchema.KEYS.get(path);
        if (key != null) {
            if (cacheScope && key.scope() == ConfigSchema.Scope.MANAGER) {
                throw error(
                        shownKey,
                        value,
                        shownKey + " belongs to the whole cache manager and cannot differ per"
                                + " cache; set it under cache." + path);
            }
            Object prepared = prepare(value, shownKey);
            try {
                if (prepared instanceof Map) {
                    throw new IllegalArgumentException();
                }
                level.values.put(path, key.rule().normalize(prepared));
                level.lines.put(path, value.line());
            } catch (IllegalArgumentException e) {
                String shown = key.secret() ? "(hidden)" : value.shown();
                String resolved = !key.secret() && prepared instanceof String text && !text.equals(value.value())
                        ? " (resolved to '" + text + "')"
                        : "";
                throw error(
                        shownKey,
                        value,
                        shownKey + " is " + shown + resolved + "; allowed: "
                                + key.rule().allowed() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            }
            return;
        }
        String unsupported = ConfigSchema.UNSUPPORTED.get(path);
        if (unsupported != null) {
            throw error(shownKey, value, shownKey + " is not supported: " + unsupported + "; remove it");
        }
        if (ConfigSchema.isSection(path)) {
            List<String> names = ConfigSchema.namesBelow(path, cacheScope);
            if (names.isEmpty()) {
                throw error(
                        shownKey,
                        value,
                        shownKey + " belongs to the whole cache manager and cannot differ per"
                                + " cache; set it under cache." + path);
            }
            level.sections.add(path);
            if (value.value() == null) {
                return;
            }
            if (!value.isMap()) {
                throw error(
                        shownKey,
                        value,
                        shownKey + " must be a mapping with the keys " + String.join(", ", names) + ", was "
                                + value.shown());
            }
            for (Map.Entry<String, Val> child : value.map().entrySet()) {
                walk(path, child.getKey(), child.getValue(), display, cacheScope, level);
            }
            return;
        }
        List<String> allowed = new ArrayList<>(ConfigSchema.namesBelow(prefix, cacheScope));
        if (prefix.isEmpty()) {
            if (display.equals("cache")) {
                allowed.add(TEMPLATES);
                allowed.add(CACHES);
            } else if (display.startsWith("cache." + CACHES + ".")) {
                allowed.add(TEMPLATE);
            }
        }
        throw unknown(shownKey, value, allowed, prefix.isEmpty() ? display : display + "." + prefix);
    }

    /** The value with environment references substituted (YAML strings only), lists as lists of strings. */
    private Object prepare(Val value, String shownKey) {
        if (value.value() instanceof String text && value.fromYaml()) {
            return substitute(text, shownKey, value);
        }
        if (value.isList()) {
            List<String> items = new ArrayList<>();
            for (Val item : value.list()) {
                Object prepared = prepare(item, shownKey);
                if (prepared == null || prepared instanceof List || prepared instanceof Map) {
                    throw error(shownKey, item, shownKey + " holds " + item.shown() + "; allowed: plain values");
                }
                items.add(prepared.toString());
            }
            return items;
        }
        return value.value();
    }

    private String substitute(String text, String shownKey, Val value) {
        return Substitution.apply(text, environment, shownKey, YamlReader.where(source, value.line()));
    }

    private static Map<String, String> properties(Level level) {
        Map<String, String> properties = new LinkedHashMap<>();
        level.values.forEach((path, value) -> {
            String property = ConfigSchema.KEYS.get(path).property();
            if (property != null) {
                properties.put(property, value);
            }
        });
        return properties;
    }

    /** Without an explicit stack, the tiers the defaults configure make the stack. */
    private void deriveStack(Level defaults, Map<String, String> properties) {
        if (properties.containsKey(TerraceSettings.STACK)) {
            return;
        }
        boolean l1 = defaults.sections.contains("backends.l1");
        boolean l2 = defaults.sections.contains("backends.l2");
        boolean l3 = defaults.sections.contains("backends.l3");
        String stack = (l1 ? "+heap" : "") + (l2 ? "+disk" : "") + (l3 ? "+redis" : "");
        if (stack.isEmpty()) {
            return;
        }
        stack = stack.substring(1);
        try {
            properties.put(TerraceSettings.STACK, TierStack.parse(stack).id());
        } catch (IllegalArgumentException e) {
            throw new TerraceConfigException(
                    "cache.stack",
                    YamlReader.where(source, 0) + "cache.backends configures the tiers " + stack
                            + ", which make no stack; add backends.l1 (heap+disk+redis) or set cache.stack to one of "
                            + ConfigSchema.KEYS.get("stack").rule().allowed());
        }
    }

    /** Host, port, TLS, Sentinel and Cluster become the Redis address, mode and nodes. */
    private void finishRedis(Level defaults, Map<String, String> properties) {
        String host = properties.remove(ConfigSchema.L3_HOST);
        String port = properties.remove(ConfigSchema.L3_PORT);
        boolean tls = Boolean.parseBoolean(properties.remove(ConfigSchema.L3_TLS));
        String scheme = tls ? "rediss://" : "redis://";
        String masterName = properties.remove(ConfigSchema.L3_SENTINEL_MASTER);
        String sentinelNodes = properties.remove(ConfigSchema.L3_SENTINEL_NODES);
        String clusterNodes = properties.remove(ConfigSchema.L3_CLUSTER_NODES);
        boolean sentinel = sentinelNodes != null && !sentinelNodes.isEmpty();
        boolean cluster = clusterNodes != null && !clusterNodes.isEmpty();
        int line = defaults.lines.getOrDefault("backends.l3.cluster.nodes", 0);
        if (sentinel && cluster) {
            throw new TerraceConfigException(
                    "cache.backends.l3",
                    YamlReader.where(source, line) + "cache.backends.l3 lists both sentinel.nodes and cluster.nodes;"
                            + " allowed: one of them (or neither, for a single server at host:port)");
        }
        if (sentinel) {
            if (masterName == null || masterName.isBlank()) {
                throw new TerraceConfigException(
                        "cache.backends.l3.sentinel.master_name",
                        YamlReader.where(source, defaults.lines.getOrDefault("backends.l3.sentinel.nodes", 0))
                                + "cache.backends.l3.sentinel.master_name is empty; allowed: the name of the master"
                                + " the Sentinels monitor (required with sentinel.nodes)");
            }
            properties.put("terrace.l3.mode", "sentinel");
            properties.put("terrace.l3.master-name", masterName);
            properties.put("terrace.l3.nodes", withScheme(scheme, sentinelNodes));
        } else if (cluster) {
            properties.put("terrace.l3.mode", "cluster");
            properties.put("terrace.l3.nodes", withScheme(scheme, clusterNodes));
        } else if (masterName != null && !masterName.isBlank()) {
            throw new TerraceConfigException(
                    "cache.backends.l3.sentinel.master_name",
                    YamlReader.where(source, defaults.lines.getOrDefault("backends.l3.sentinel.master_name", 0))
                            + "cache.backends.l3.sentinel.master_name is set but sentinel.nodes is empty; allowed:"
                            + " list the Sentinels under sentinel.nodes, or remove master_name");
        }
        if (host != null || port != null || tls) {
            String shownHost = host == null ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
            properties.put("terrace.l3.address", scheme + shownHost + ":" + (port == null ? "6379" : port));
        }
    }

    private static String withScheme(String scheme, String nodes) {
        List<String> out = new ArrayList<>();
        for (String node : nodes.split(",")) {
            out.add(scheme + node);
        }
        return String.join(",", out);
    }

    private static TierStack stackOf(Map<String, String> properties, Level override) {
        String stack = override != null && override.values.containsKey("stack")
                ? override.values.get("stack")
                : properties.getOrDefault(TerraceSettings.STACK, TierStack.HEAP.id());
        return TierStack.parse(stack);
    }

    private void requireTiersInStack(Level level, String display, TierStack stack, String cacheDisplay) {
        Map<String, Boolean> tiers = Map.of(
                "backends.l1", stack.id().startsWith("heap"),
                "backends.l2", stack.hasDisk(),
                "backends.l3", stack.hasRedis());
        for (String section : level.sections) {
            if (Boolean.FALSE.equals(tiers.get(section))) {
                int line = level.lines.entrySet().stream()
                        .filter(entry -> entry.getKey().startsWith(section + "."))
                        .mapToInt(Map.Entry::getValue)
                        .findFirst()
                        .orElse(0);
                throw new TerraceConfigException(
                        display + "." + section,
                        YamlReader.where(source, line) + display + "." + section + " is set, but the stack of "
                                + cacheDisplay + " is " + stack.id() + ", which has no such tier; allowed: set "
                                + cacheDisplay + ".stack to a stack with that tier, or remove the section");
            }
        }
    }

    private TerraceConfigException error(String key, Val at, String message) {
        return new TerraceConfigException(key, YamlReader.where(source, at.line()) + message);
    }

    private TerraceConfigException unknown(String key, Val at, List<String> allowed, String under) {
        String name = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
        String value = at.isMap() || at.isList() ? "" : " (value " + at.shown() + ")";
        return error(
                key,
                at,
                "unknown key " + key + value + suggestion(name, allowed) + "; allowed under " + under + ": "
                        + String.join(", ", allowed));
    }

    /** A "did you mean" for a name a letter or two away from an allowed one. */
    static String suggestion(String name, Iterable<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int distance = distance(name.toLowerCase(java.util.Locale.ROOT), candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 4) ? "; did you mean " + best + "?" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
