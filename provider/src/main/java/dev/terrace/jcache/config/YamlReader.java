package dev.terrace.jcache.config;

import dev.terrace.jcache.internal.shaded.snakeyaml.LoaderOptions;
import dev.terrace.jcache.internal.shaded.snakeyaml.Yaml;
import dev.terrace.jcache.internal.shaded.snakeyaml.constructor.SafeConstructor;
import dev.terrace.jcache.internal.shaded.snakeyaml.error.MarkedYAMLException;
import dev.terrace.jcache.internal.shaded.snakeyaml.error.YAMLException;
import dev.terrace.jcache.internal.shaded.snakeyaml.nodes.MappingNode;
import dev.terrace.jcache.internal.shaded.snakeyaml.nodes.Node;
import dev.terrace.jcache.internal.shaded.snakeyaml.nodes.NodeTuple;
import dev.terrace.jcache.internal.shaded.snakeyaml.nodes.ScalarNode;
import dev.terrace.jcache.internal.shaded.snakeyaml.nodes.SequenceNode;
import dev.terrace.jcache.internal.shaded.snakeyaml.nodes.Tag;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML text into a {@link Val} tree with line numbers. It uses the SnakeYAML that ships relocated inside
 * Terrace's shaded Redisson jar, so Terrace adds no YAML library to the application's class path and cannot
 * clash with the application's own SnakeYAML. Only the node graph is composed: no Java object is ever
 * constructed from the text, whatever tags it carries.
 */
final class YamlReader {

    private YamlReader() {}

    /** The tree of {@code reader}'s single YAML document; an empty document gives an empty mapping. */
    static Val read(Reader reader, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(4 * 1024 * 1024);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(options)).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new TerraceConfigException(
                    "", where(source, line) + "the file is not valid YAML: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new TerraceConfigException("", where(source, 0) + "the file is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            return new Val(new LinkedHashMap<String, Val>(), 1, true);
        }
        return convert(root, source, "");
    }

    static String where(String source, int line) {
        return "Invalid Terrace configuration in " + source + (line > 0 ? ", line " + line : "") + ": ";
    }

    private static Val convert(Node node, String source, String path) {
        int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
        if (node instanceof MappingNode mapping) {
            Map<String, Val> entries = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)
                        || keyNode.getTag().equals(Tag.MERGE)) {
                    throw new TerraceConfigException(
                            path,
                            where(source, line) + "under " + shown(path)
                                    + " only plain names can be keys (YAML merge keys << and complex keys are not"
                                    + " supported; use a template)");
                }
                String key = keyNode.getValue();
                String childPath = path.isEmpty() ? key : path + "." + key;
                if (entries.containsKey(key)) {
                    int keyLine = keyNode.getStartMark() == null
                            ? line
                            : keyNode.getStartMark().getLine() + 1;
                    throw new TerraceConfigException(
                            childPath, where(source, keyLine) + childPath + " is given twice; give each key once");
                }
                entries.put(key, convert(tuple.getValueNode(), source, childPath));
            }
            return new Val(entries, line, true);
        }
        if (node instanceof SequenceNode sequence) {
            List<Val> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(convert(item, source, path));
            }
            return new Val(items, line, true);
        }
        ScalarNode scalar = (ScalarNode) node;
        return new Val(scalarValue(scalar), line, true);
    }

    private static Object scalarValue(ScalarNode scalar) {
        Tag tag = scalar.getTag();
        String text = scalar.getValue();
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return Boolean.valueOf(
                    text.equalsIgnoreCase("true") || text.equalsIgnoreCase("yes") || text.equalsIgnoreCase("on"));
        }
        if (tag.equals(Tag.INT)) {
            try {
                return Long.valueOf(text.replace("_", ""));
            } catch (NumberFormatException e) {
                // Hex, octal or out of range: kept as text, so the rule for the key reports it.
                return text;
            }
        }
        if (tag.equals(Tag.FLOAT)) {
            try {
                return Double.valueOf(text.replace("_", ""));
            } catch (NumberFormatException e) {
                return text;
            }
        }
        return text;
    }

    private static String shown(String path) {
        return path.isEmpty() ? "the top level" : path;
    }
}
