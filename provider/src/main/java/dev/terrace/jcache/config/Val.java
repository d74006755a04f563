package dev.terrace.jcache.config;

import java.util.List;
import java.util.Map;

/**
 * One node of a configuration tree, read from YAML or set by a {@link ConfigBuilder}: a {@code Map<String, Val>},
 * a {@code List<Val>}, a {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code null}, with the
 * line it came from (0 when it came from code). Strings from YAML still hold their {@code ${VAR}} references.
 */
record Val(Object value, int line, boolean fromYaml) {

    static Val code(Object value) {
        return new Val(value, 0, false);
    }

    boolean isMap() {
        return value instanceof Map;
    }

    boolean isList() {
        return value instanceof List;
    }

    @SuppressWarnings("unchecked")
    Map<String, Val> map() {
        return (Map<String, Val>) value;
    }

    @SuppressWarnings("unchecked")
    List<Val> list() {
        return (List<Val>) value;
    }

    /** The value as a person would have typed it, for messages. */
    String shown() {
        if (value == null) {
            return "(empty)";
        }
        if (value instanceof String text) {
            return "'" + text + "'";
        }
        if (isMap()) {
            return "a mapping";
        }
        if (isList()) {
            return "a list";
        }
        return value.toString();
    }
}
