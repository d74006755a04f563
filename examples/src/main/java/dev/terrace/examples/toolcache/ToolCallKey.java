package dev.terrace.examples.toolcache;

import dev.terrace.jcache.dependency.DeclaresFiles;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The cache key of a tool call: the tool's name and a hash of its canonical arguments ({@link ToolCall}).
 *
 * <p>Why a hash rather than the arguments themselves: a key is compared, serialized to disk and sent to Redis
 * on every call, and arguments can be long (a pattern, a list of paths, a whole query); 64 hex digits are
 * always short, and a SHA-256 makes two different calls meeting by chance not a practical concern.
 *
 * <p>Why the key also carries the files: Terrace finds an entry's file dependencies from its key, each time
 * it is stored. The files are taken from the call's path-like arguments ({@code path}, {@code dir}, ...) by
 * the standard extractor when the key is made, while the arguments are still at hand, and the key hands them
 * to Terrace by implementing {@link DeclaresFiles}. They are a function of the arguments, so they change
 * nothing about which calls share an entry. A {@code grep} over a directory depends on the directory: any
 * file created, changed or deleted below it invalidates the result.
 *
 * @param tool the tool's name
 * @param argumentsHash SHA-256 of the canonical arguments, in hex
 * @param paths the absolute paths the result was computed from, as text (a {@link Path} is not serializable)
 */
public record ToolCallKey(String tool, String argumentsHash, List<String> paths)
        implements DeclaresFiles, Serializable {

    public ToolCallKey {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(argumentsHash, "argumentsHash");
        paths = List.copyOf(paths);
    }

    @Override
    public Collection<Path> files() {
        return paths.stream().map(Path::of).toList();
    }

    @Override
    public String toString() {
        return tool + "#" + argumentsHash.substring(0, Math.min(12, argumentsHash.length())) + paths;
    }
}
