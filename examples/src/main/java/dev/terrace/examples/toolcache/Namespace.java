package dev.terrace.examples.toolcache;

import java.util.Locale;

/**
 * How long, and for whom, a tool result stays valid. Each namespace is its own JCache cache, declared in {@code
 * tool-result-cache.yaml} with its own time to live, so that a result cached for one request never outlives
 * the request while a result cached for everyone lives for a day, and clearing one scope leaves the others.
 */
public enum Namespace {
    /** Results any session may reuse (a file's contents are the same for every agent): long-lived. */
    GLOBAL,
    /** Results of one agent session: live about as long as a session. */
    SESSION,
    /** Results valid for one request only: gone seconds later. */
    REQUEST,
    /** Results a tool keeps for itself (an index it built, say): a lifetime of their own. */
    TOOL;

    /** The name of the cache that holds this namespace's results, as the YAML file declares it. */
    public String cacheName() {
        return "tool-results-" + name().toLowerCase(Locale.ROOT);
    }
}
