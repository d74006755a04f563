package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.Redisson;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisException;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.ByteArrayCodec;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.RedisCommand;
import dev.terrace.jcache.internal.shaded.redisson.client.protocol.RedisCommands;
import dev.terrace.jcache.internal.shaded.redisson.command.CommandAsyncExecutor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A Lua script called with {@code EVALSHA} straight through Redisson's command executor, its arguments sent as the
 * byte arrays they are. {@code RScript.eval} with a byte-array codec wraps every argument in a buffer and copies
 * it once more (to resend it after a {@code NOSCRIPT}), so a write script's twenty-odd arguments cost as many
 * buffers and copies per call; here the encoder writes each array to the connection's buffer directly.
 *
 * <p>The call is routed by the slot of its first key, as {@code RScript.eval} routes it (a Cluster's {@code MOVED}
 * and {@code ASK} are followed by Redisson's executor). A server that lost its script cache (restarted, failed
 * over, {@code SCRIPT FLUSH}) answers {@code NOSCRIPT}: the call is then sent again as {@code EVAL} with the
 * script's text, which also caches it there, as Redisson does.
 */
final class RawScript {

    private static final String NO_SCRIPT = "NOSCRIPT";
    private static final RedisCommand<Long> EVALSHA_LONG = new RedisCommand<>(RedisCommands.EVAL_LONG, "EVALSHA");
    private static final RedisCommand<Long> EVAL_LONG = new RedisCommand<>(RedisCommands.EVAL_LONG, "EVAL");
    private static final RedisCommand<List<Object>> EVALSHA_LIST =
            new RedisCommand<>(RedisCommands.EVAL_LIST, "EVALSHA");
    private static final RedisCommand<List<Object>> EVAL_LIST = new RedisCommand<>(RedisCommands.EVAL_LIST, "EVAL");

    private final byte[] source;
    private final byte[] sha;

    RawScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
        this.sha = sha1Hex(this.source);
    }

    /** Runs the script for a number (see {@link #call}). */
    Long callLong(RedissonClient client, String firstKey, Object[] arguments) {
        return call(client, firstKey, EVALSHA_LONG, EVAL_LONG, arguments);
    }

    /** Runs the script for a list (see {@link #call}). */
    List<Object> callList(RedissonClient client, String firstKey, Object[] arguments) {
        return call(client, firstKey, EVALSHA_LIST, EVAL_LIST, arguments);
    }

    /**
     * Runs the script on the node that serves {@code firstKey}'s slot and waits for its reply, as {@code
     * RScript.eval} waits (the same interruption and failure handling).
     *
     * @param arguments the command's arguments after its name: element 0 is left free for the script's digest or
     *     text, then the number of keys, the keys, and the script's arguments. Byte arrays go out as they are,
     *     strings as UTF-8.
     */
    private <R> R call(
            RedissonClient client, String firstKey, RedisCommand<R> evalsha, RedisCommand<R> eval, Object[] arguments) {
        CommandAsyncExecutor executor = ((Redisson) client).getCommandExecutor();
        arguments[0] = sha;
        try {
            return executor.get(executor.<R, R>writeAsync(firstKey, ByteArrayCodec.INSTANCE, evalsha, arguments));
        } catch (RedisException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith(NO_SCRIPT)) {
                throw e;
            }
        }
        arguments[0] = source;
        return executor.get(executor.<R, R>writeAsync(firstKey, ByteArrayCodec.INSTANCE, eval, arguments));
    }

    /**
     * Sends the script for a list without waiting for its reply, for callers that send several calls before they
     * wait (see {@link #call} for the arguments); {@code NOSCRIPT} is answered, as there, by sending the call again
     * as {@code EVAL}. Wait with the executor's {@code get}, as {@code RScript.eval} waits.
     */
    java.util.concurrent.CompletableFuture<List<Object>> sendList(
            RedissonClient client, String firstKey, Object[] arguments) {
        CommandAsyncExecutor executor = ((Redisson) client).getCommandExecutor();
        arguments[0] = sha;
        return executor.<List<Object>, List<Object>>writeAsync(
                        firstKey, ByteArrayCodec.INSTANCE, EVALSHA_LIST, arguments)
                .toCompletableFuture()
                .handle((reply, failure) -> {
                    Throwable cause =
                            failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                    if (cause == null) {
                        return java.util.concurrent.CompletableFuture.completedFuture(reply);
                    }
                    if (!(cause instanceof RedisException)
                            || cause.getMessage() == null
                            || !cause.getMessage().startsWith(NO_SCRIPT)) {
                        return java.util.concurrent.CompletableFuture.<List<Object>>failedFuture(cause);
                    }
                    Object[] asEval = arguments.clone();
                    asEval[0] = source;
                    return executor.<List<Object>, List<Object>>writeAsync(
                                    firstKey, ByteArrayCodec.INSTANCE, EVAL_LIST, asEval)
                            .toCompletableFuture();
                })
                .thenCompose(reply -> reply);
    }

    private static byte[] sha1Hex(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(bytes);
            byte[] hex = new byte[digest.length * 2];
            byte[] digits = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < digest.length; i++) {
                hex[2 * i] = digits[(digest[i] >> 4) & 0xf];
                hex[2 * i + 1] = digits[digest[i] & 0xf];
            }
            return hex;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
