package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.internal.shaded.redisson.client.RedisAuthRequiredException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisConnectionException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisOutOfMemoryException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisReadonlyException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisRetryException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisTimeoutException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisWrongPasswordException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * What kind of trouble a failed Redis call had, told from the exception Redisson (or its Netty) threw, by type
 * first and, for the error replies Redisson has no type for, by the reply's code anywhere in the message
 * (Redisson wraps and re-words replies, so a message prefix is no test).
 */
enum RedisFailure {
    /** No answer: connection refused or lost, a timeout, a server still loading or failing over. */
    UNREACHABLE("is unreachable"),
    /** The server refused this process's credentials (wrong or missing password or user). */
    AUTHENTICATION("refused this process's credentials (wrong or missing user name or password)"),
    /** The user's ACL forbids a command, key or channel Terrace needs ({@code NOPERM}). */
    PERMISSION("refused a command: the ACL of this process's user does not allow it (NOPERM)"),
    /** {@code maxmemory} is reached and the policy evicts nothing that would make room ({@code OOM}). */
    OUT_OF_MEMORY("is out of memory (maxmemory reached and its policy frees nothing): the change was not applied"),
    /** The node is a read-only replica ({@code READONLY}), as a demoted master is during a failover. */
    READ_ONLY("is a read-only replica (READONLY): the change was not applied"),
    /**
     * The calling thread was interrupted (a container's or executor's timeout or cancel) while it waited for the
     * reply, or before it: Redis is fine, this caller gave up. A change sent may or may not have been applied.
     */
    INTERRUPTED("did not answer before the calling thread was interrupted"),
    /** Any other error reply ({@code ERR}, {@code WRONGTYPE}, …): Redis answered, the call was wrong. */
    ERROR_REPLY("answered with an error"),
    /** Not Redis's: an exception of the caller's own code, passed on as it is. */
    NOT_REDIS("");

    private static final String SHADED = "dev.terrace.jcache.internal.shaded.";
    private static final Pattern AUTH_REPLY = Pattern.compile("\\b(WRONGPASS|NOAUTH)\\b");
    private static final Pattern PERMISSION_REPLY = Pattern.compile("\\bNOPERM\\b");
    private static final Pattern READ_ONLY_REPLY = Pattern.compile("\\bREADONLY\\b");
    private static final Pattern OOM_REPLY = Pattern.compile("\\bOOM\\b|used memory > 'maxmemory'");
    private static final Pattern OTHER_REPLY = Pattern.compile(
            "\\b(ERR|WRONGTYPE|NOSCRIPT|MOVED|ASK|CROSSSLOT|EXECABORT|NOTBUSY|UNKILLABLE|NOREPLICAS)\\b");

    private final String meaning;

    RedisFailure(String meaning) {
        this.meaning = meaning;
    }

    /** How a message says it, after "Redis at <address> ". */
    String meaning() {
        return meaning;
    }

    /** Whether Redis is unusable until it is fixed or back, so that calls should fail at once meanwhile. */
    boolean marksDown() {
        return this == UNREACHABLE || this == AUTHENTICATION;
    }

    /** The kind of {@code failure}, looking through its causes. */
    static RedisFailure of(Throwable failure) {
        while (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure == null || !failure.getClass().getName().startsWith(SHADED)) {
            // Thrown by the caller's own code (a loader, a processor, a nested cache call): not this call's trouble.
            return NOT_REDIS;
        }
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
                // Redisson's wait for the reply was interrupted: no answer, but not for want of Redis.
                return INTERRUPTED;
            }
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof RedisOutOfMemoryException) {
                return OUT_OF_MEMORY;
            }
            if (t instanceof RedisWrongPasswordException || t instanceof RedisAuthRequiredException) {
                return AUTHENTICATION;
            }
            if (t instanceof RedisReadonlyException) {
                return READ_ONLY;
            }
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (AUTH_REPLY.matcher(message).find()) {
                return AUTHENTICATION;
            }
            if (PERMISSION_REPLY.matcher(message).find()) {
                return PERMISSION;
            }
            if (READ_ONLY_REPLY.matcher(message).find()) {
                return READ_ONLY;
            }
            if (OOM_REPLY.matcher(message).find()) {
                return OUT_OF_MEMORY;
            }
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof RedisConnectionException
                    || t instanceof RedisTimeoutException
                    || t instanceof RedisRetryException) {
                return UNREACHABLE;
            }
        }
        String message = failure.getMessage();
        if (failure instanceof RedisException
                && message != null
                && OTHER_REPLY.matcher(message).lookingAt()) {
            return ERROR_REPLY;
        }
        return UNREACHABLE;
    }

    /** The first line of {@code failure}'s message, without the command data Redisson appends (values). */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "no answer";
        }
        // The deepest of Redisson's exceptions says most (the reply), where outer ones only wrap it.
        int depth = 0;
        for (Throwable t = failure.getCause(); t != null && depth < 16; t = t.getCause(), depth++) {
            if (t.getClass().getName().startsWith(SHADED + "redisson.") && t.getMessage() != null) {
                failure = t;
            }
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        int cut = message.indexOf(". channel:");
        if (cut < 0) {
            cut = message.indexOf(" channel:");
        }
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        int line = message.indexOf('\n');
        if (line >= 0) {
            message = message.substring(0, line);
        }
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        return failure.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
