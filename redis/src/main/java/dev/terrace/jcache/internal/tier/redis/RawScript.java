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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
    private static final RedisCommand<Object> EVALSHA_OBJECT = new RedisCommand<>(RedisCommands.EVAL_OBJECT, "EVALSHA");
    private static final RedisCommand<Object> EVAL_OBJECT = new RedisCommand<>(RedisCommands.EVAL_OBJECT, "EVAL");

    private final byte[] source;
    private final byte[] sha;

    RawScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
        this.sha = sha1Hex(this.source);
    }

    /** Runs the script for a number and waits for its reply (see {@link #send}). */
    Long callLong(RedissonClient client, String firstKey, Object[] arguments) {
        return executor(client).get(send(client, firstKey, EVALSHA_LONG, EVAL_LONG, arguments));
    }

    /**
     * Runs the script for a reply of one value, a number ({@code Long}), bytes or none ({@code null}), and waits for
     * it (see {@link #send}).
     */
    Object callObject(RedissonClient client, String firstKey, Object[] arguments) {
        return executor(client).get(send(client, firstKey, EVALSHA_OBJECT, EVAL_OBJECT, arguments));
    }

    /** Runs the script for a list and waits for its reply (see {@link #send}). */
    List<Object> callList(RedissonClient client, String firstKey, Object[] arguments) {
        return executor(client).get(sendList(client, firstKey, arguments));
    }

    /**
     * Sends the script for a list without waiting for its reply, for callers that send several calls before they
     * wait (see {@link #send}). Wait with the executor's {@code get}, as {@code RScript.eval} waits.
     */
    CompletableFuture<List<Object>> sendList(RedissonClient client, String firstKey, Object[] arguments) {
        return send(client, firstKey, EVALSHA_LIST, EVAL_LIST, arguments);
    }

    /**
     * Sends the script by its digest to the node that serves {@code firstKey}'s slot; a {@code NOSCRIPT} answer is
     * answered by sending the call again as {@code EVAL} with the script's text.
     *
     * @param arguments the command's arguments after its name: element 0 is left free for the script's digest or
     *     text, then the number of keys, the keys, and the script's arguments. Byte arrays go out as they are,
     *     strings as UTF-8.
     */
    private <R> CompletableFuture<R> send(
            RedissonClient client, String firstKey, RedisCommand<R> evalsha, RedisCommand<R> eval, Object[] arguments) {
        CommandAsyncExecutor executor = executor(client);
        arguments[0] = sha;
        return executor.<R, R>writeAsync(firstKey, ByteArrayCodec.INSTANCE, evalsha, arguments)
                .toCompletableFuture()
                .handle((reply, failure) -> {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause == null) {
                        return CompletableFuture.completedFuture(reply);
                    }
                    if (!(cause instanceof RedisException)
                            || cause.getMessage() == null
                            || !cause.getMessage().startsWith(NO_SCRIPT)) {
                        return CompletableFuture.<R>failedFuture(cause);
                    }
                    Object[] asEval = arguments.clone();
                    asEval[0] = source;
                    return executor.<R, R>writeAsync(firstKey, ByteArrayCodec.INSTANCE, eval, asEval)
                            .toCompletableFuture();
                })
                .thenCompose(reply -> reply);
    }

    private static CommandAsyncExecutor executor(RedissonClient client) {
        return ((Redisson) client).getCommandExecutor();
    }

    private static byte[] sha1Hex(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(bytes);
            return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
