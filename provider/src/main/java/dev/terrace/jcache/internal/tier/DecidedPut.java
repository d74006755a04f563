package dev.terrace.jcache.internal.tier;

/**
 * A put whose outcome depends on the key's entry only through whether it holds one live at {@link #now}: the
 * caller has decided both outcomes beforehand, so the authority can choose between them and write in one step
 * ({@link Tier#putDecided}), without a read round trip before the write.
 *
 * @param value the value in stored form
 * @param now epoch milliseconds at which the key's entry is judged live or expired
 * @param createdExpiresAt the expiry instant of the new entry when the key holds no live entry (after {@code now})
 * @param updatedExpiresAt the expiry instant when it holds one, or {@link #KEEP} to keep that entry's instant
 * @param bringsValue whether the authority brings back the value of the entry it found ({@link Found#value})
 */
public record DecidedPut(Object value, long now, long createdExpiresAt, long updatedExpiresAt, boolean bringsValue) {

    /** {@link #updatedExpiresAt} of an update that keeps the live entry's expiry instant. */
    public static final long KEEP = Long.MIN_VALUE;

    public DecidedPut {
        if (createdExpiresAt <= now || (updatedExpiresAt != KEEP && updatedExpiresAt <= now)) {
            throw new IllegalArgumentException("a decided put leaves an entry that is live at its instant");
        }
    }

    /** The entry the put leaves, given the entry the authority found ({@code null}: none). */
    public TierEntry result(Found found) {
        if (found == null || found.expiresAt() <= now) {
            return new TierEntry(value, createdExpiresAt);
        }
        return new TierEntry(value, updatedExpiresAt == KEEP ? found.expiresAt() : updatedExpiresAt);
    }

    /**
     * What the authority found for the key before the put: an entry expiring at {@code expiresAt} (live or not,
     * at {@link #now}), and its value in stored form where the put {@link #bringsValue}, else {@code null}.
     */
    public record Found(long expiresAt, Object value) {}
}
