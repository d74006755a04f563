package dev.terrace.jcache.internal.tier;

import java.util.Objects;

/**
 * A single-key write other than a plain put whose outcome depends on the key's entry only through whether it
 * holds one, and whether that one is live at {@link #now}: the caller has decided every outcome beforehand, so the
 * authority can choose between them and write in one step ({@link Tier#writeDecided}), without a read round trip
 * before the write, as for a {@link DecidedPut}.
 *
 * @param kind which write
 * @param value the value in stored form ({@code null} for a removal)
 * @param now epoch milliseconds at which the key's entry is judged live or expired
 * @param createdExpiresAt the expiry instant of the entry a {@link Kind#PUT_IF_ABSENT} creates (after {@code now})
 * @param updatedExpiresAt the expiry instant of the entry a {@link Kind#REPLACE} leaves, or {@link DecidedPut#KEEP}
 *     to keep the live entry's instant
 * @param bringsValue whether the authority brings back the value of the entry it found
 * @param expected the value in stored form that a {@link Kind#REPLACE_IF_HOLDS} expects, else {@code null}
 */
public record DecidedWrite(
        Kind kind,
        Object value,
        long now,
        long createdExpiresAt,
        long updatedExpiresAt,
        boolean bringsValue,
        Object expected) {

    /** The writes an authority decides in one step besides the put. */
    public enum Kind {
        /** Stores the value only where the key holds no live entry (an expired one is replaced). */
        PUT_IF_ABSENT,
        /** Replaces the live entry with the value; an expired entry is removed, an absent one stays absent. */
        REPLACE,
        /** Removes the entry, live or expired. */
        REMOVE,
        /**
         * As {@link #REPLACE}, only where the live entry holds {@link #expected}, judged by the bytes the authority
         * stores (for values whose bytes are equal exactly where the values are equal); a live entry that holds
         * another value is left as it is.
         */
        REPLACE_IF_HOLDS
    }

    /** What the authority found ({@code null}: nothing), and whether it changed the key. */
    public record Outcome(DecidedPut.Found found, boolean written) {}

    public DecidedWrite {
        boolean createsLive = kind != Kind.PUT_IF_ABSENT || createdExpiresAt > now;
        boolean updatesLive = (kind != Kind.REPLACE && kind != Kind.REPLACE_IF_HOLDS)
                || updatedExpiresAt == DecidedPut.KEEP
                || updatedExpiresAt > now;
        if (!createsLive
                || !updatesLive
                || (kind != Kind.REMOVE && value == null)
                || (kind == Kind.REPLACE_IF_HOLDS) != (expected != null)) {
            throw new IllegalArgumentException("a decided write leaves an entry that is live at its instant");
        }
    }

    /** Whether {@code found} ({@code null}: nothing) is an entry live at {@link #now}. */
    public boolean isLive(DecidedPut.Found found) {
        return found != null && found.expiresAt() > now;
    }

    /**
     * Whether the write changes the key, given the entry the authority found ({@code null}: none) with its value
     * ({@link DecidedPut.Found#value}, which a {@link Kind#REPLACE_IF_HOLDS} compares with {@link #expected}).
     */
    public boolean changes(DecidedPut.Found found) {
        return switch (kind) {
            case PUT_IF_ABSENT -> !isLive(found);
            case REPLACE, REMOVE -> found != null;
            case REPLACE_IF_HOLDS -> found != null && (!isLive(found) || Objects.deepEquals(found.value(), expected));
        };
    }

    /** The entry the write leaves where it {@link #changes} the key ({@code null}: none). */
    public TierEntry result(DecidedPut.Found found) {
        return switch (kind) {
            case PUT_IF_ABSENT -> new TierEntry(value, createdExpiresAt);
            case REPLACE, REPLACE_IF_HOLDS ->
                isLive(found)
                        ? new TierEntry(
                                value, updatedExpiresAt == DecidedPut.KEEP ? found.expiresAt() : updatedExpiresAt)
                        : null;
            case REMOVE -> null;
        };
    }
}
