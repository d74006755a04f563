package dev.terrace.jcache.redis;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a real {@code redis-server} counted, for tests that prove how many calls an operation costs: its calls per
 * command ({@code INFO commandstats}, the commands scripts run included) and a cache's sequence number.
 */
public final class CommandCounts {

    private static final Pattern CALLS = Pattern.compile("cmdstat_([a-z_|]+):calls=(\\d+)");

    private CommandCounts() {}

    /** Calls per command since the server started. */
    public static Map<String, Long> commandStats(RedisServer server) throws IOException {
        Map<String, Long> calls = new HashMap<>();
        Matcher matcher = CALLS.matcher(server.command("INFO commandstats"));
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return calls;
    }

    /** Calls of {@code command} between two {@link #commandStats} readings. */
    public static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
    }

    /** Script calls (every form of {@code EVAL}) between two {@link #commandStats} readings. */
    public static long scriptCalls(Map<String, Long> before, Map<String, Long> after) {
        return delta(before, after, "evalsha")
                + delta(before, after, "eval")
                + delta(before, after, "evalsha_ro")
                + delta(before, after, "eval_ro");
    }

    /**
     * The sequence number of cache {@code cache}: the manager's part of the key name is derived from its URI, so
     * the one key ending in the cache's name and {@code :seq} is taken.
     */
    public static long sequence(RedisServer server, String cache) throws IOException {
        return Long.parseLong(
                server.command("EVAL \"return redis.call('GET', redis.call('KEYS', '*" + cache + "}:seq')[1])\" 0"));
    }
}
