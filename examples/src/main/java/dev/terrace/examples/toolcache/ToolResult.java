package dev.terrace.examples.toolcache;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a tool returned. Tool results travel to disk and to Redis, so they are serializable, and immutable so
 * that a cached result can be handed to every caller. The YAML file allows this package's classes to be read
 * back ({@code serialization.allow}).
 *
 * @param tool the tool that produced it
 * @param output the tool's output, as an agent would receive it
 */
public record ToolResult(String tool, String output) implements Serializable {

    public ToolResult {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(output, "output");
    }

    /** The last line of the output: enough to tell two versions of a file apart in a printed report. */
    public String lastLine() {
        String trimmed = output.strip();
        int newline = trimmed.lastIndexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(newline + 1);
    }
}
