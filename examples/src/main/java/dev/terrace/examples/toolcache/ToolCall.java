package dev.terrace.examples.toolcache;

import dev.terrace.jcache.dependency.DependencyExtractor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One call of a tool with its arguments in canonical form, which is what makes two calls that mean the same
 * thing share one cache entry:
 *
 * <ul>
 *   <li>arguments are sorted by name, so the order a caller listed them in does not matter;
 *   <li>values are text: strings, numbers, booleans and paths as their string form, a collection as a list of
 *       them;
 *   <li>arguments with path-like names ({@link DependencyExtractor#PATH_LIKE_NAMES}: {@code path}, {@code file},
 *       {@code dir}, ...) are resolved against the workspace and normalised, so {@code src/./Main.java} and
 *       the absolute path of that file are the same argument (and the same file dependency).
 * </ul>
 *
 * <p>The tool receives this canonical form, so it reads exactly the files its key depends on.
 */
public final class ToolCall {

    private final String tool;
    private final SortedMap<String, Object> arguments;

    private ToolCall(String tool, SortedMap<String, Object> arguments) {
        this.tool = tool;
        this.arguments = Collections.unmodifiableSortedMap(arguments);
    }

    /**
     * The canonical form of {@code tool} called with {@code arguments}.
     *
     * @throws NullPointerException when the tool, an argument's name or its value is null
     * @throws IllegalArgumentException when the tool name is blank or a value is not text, a number, a boolean,
     *     a path or a collection of those
     */
    public static ToolCall of(String tool, Map<String, ?> arguments, Path workspace) {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(workspace, "workspace");
        if (tool.isBlank()) {
            throw new IllegalArgumentException("A tool needs a name");
        }
        Path root = workspace.toAbsolutePath().normalize();
        SortedMap<String, Object> canonical = new TreeMap<>();
        arguments.forEach((name, value) -> {
            Objects.requireNonNull(name, "argument name");
            Objects.requireNonNull(value, () -> "argument " + name + " of " + tool);
            boolean pathLike = isPathLike(name);
            if (value instanceof Collection<?> values) {
                List<String> texts = new ArrayList<>();
                values.forEach(item -> texts.add(text(tool, name, item, pathLike, root)));
                canonical.put(name, List.copyOf(texts));
            } else {
                canonical.put(name, text(tool, name, value, pathLike, root));
            }
        });
        return new ToolCall(tool, canonical);
    }

    /** The tool's name. */
    public String tool() {
        return tool;
    }

    /** The arguments, sorted by name; each value a string or a list of strings. */
    public SortedMap<String, Object> arguments() {
        return arguments;
    }

    /** The argument {@code name} as text; an {@link IllegalArgumentException} when the call lacks it. */
    public String string(String name) {
        Object value = arguments.get(name);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(tool + " needs the argument " + name + ", got " + arguments.keySet());
        }
        return text;
    }

    /** The argument {@code name} as a path (absolute, for path-like names). */
    public Path path(String name) {
        return Path.of(string(name));
    }

    /**
     * The cache key of this call: the tool's name, a SHA-256 of the canonical arguments, and the files the
     * {@linkplain DependencyExtractor#standard() standard extractor} finds in the arguments.
     */
    public ToolCallKey key() {
        List<String> files = DependencyExtractor.standard().filesOf(arguments).stream()
                .map(Path::toString)
                .distinct()
                .sorted()
                .toList();
        return new ToolCallKey(tool, hash(), files);
    }

    /** SHA-256 over the tool name and each argument, every part length-prefixed so no two calls collide by text. */
    private String hash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, tool);
            arguments.forEach((name, value) -> {
                update(digest, name);
                if (value instanceof List<?> list) {
                    update(digest, "list:" + list.size());
                    list.forEach(item -> update(digest, (String) item));
                } else {
                    update(digest, (String) value);
                }
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    private static boolean isPathLike(String name) {
        return DependencyExtractor.PATH_LIKE_NAMES.contains(
                name.replace("_", "").toLowerCase(Locale.ROOT));
    }

    private static String text(String tool, String name, Object value, boolean pathLike, Path root) {
        Objects.requireNonNull(value, () -> "argument " + name + " of " + tool);
        if (pathLike && (value instanceof String || value instanceof Path || value instanceof File)) {
            Path path = value instanceof File file ? file.toPath() : Path.of(value.toString());
            return root.resolve(path).normalize().toString();
        }
        if (value instanceof String
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Path
                || value instanceof File
                || value instanceof Character
                || value instanceof Enum<?>) {
            return value.toString();
        }
        throw new IllegalArgumentException("Argument " + name + " of " + tool + " is a "
                + value.getClass().getName() + "; allowed: text, numbers, booleans, paths, or collections of them");
    }

    @Override
    public String toString() {
        return tool + arguments;
    }
}
