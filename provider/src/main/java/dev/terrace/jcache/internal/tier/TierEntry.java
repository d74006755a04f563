package dev.terrace.jcache.internal.tier;

/**
 * What a tier holds for one key: the value in the cache's stored form and the absolute instant (epoch
 * milliseconds) at which it expires.
 *
 * <p>The stored form is opaque to tiers: it is whatever the cache's copier produced (the value itself for
 * store-by-reference and immutable values, serialized bytes otherwise). Tiers that need bytes turn it into
 * bytes with their codec. Expiry travels with the entry through every tier, so an entry that expired while a
 * process was down, or in another tier, is never served.
 *
 * @param value the value in stored form, never {@code null}
 * @param expiresAt epoch milliseconds at which the entry expires; {@link #ETERNAL} for never
 */
public record TierEntry(Object value, long expiresAt) {

    /** The expiry instant of an entry that never expires. */
    public static final long ETERNAL = Long.MAX_VALUE;

    public TierEntry {
        if (value == null) {
            throw new NullPointerException("a tier entry needs a value");
        }
    }

    /** Whether the entry has expired at {@code nowMillis}. */
    public boolean isExpired(long nowMillis) {
        return nowMillis >= expiresAt;
    }

    /**
     * The packed form of {@code entry}, in which a tier may hold it and hand it out ({@link Tier#getPacked}):
     * an entry that never expires as its bare stored value, which saves the entry object; any other entry as it
     * is; {@code null} for none. A stored value that is itself a {@code TierEntry} (a value cached by reference)
     * stays wrapped, so that {@link #unpack} never mistakes it for an entry.
     */
    public static Object pack(TierEntry entry) {
        if (entry == null) {
            return null;
        }
        return entry.expiresAt == ETERNAL && !(entry.value instanceof TierEntry) ? entry.value : entry;
    }

    /** The entry that {@code packed} (see {@link #pack}) stands for; {@code null} for none. */
    public static TierEntry unpack(Object packed) {
        if (packed == null || packed instanceof TierEntry) {
            return (TierEntry) packed;
        }
        return new TierEntry(packed, ETERNAL);
    }

    /** The stored value of the entry that {@code packed} (see {@link #pack}, not {@code null}) stands for. */
    public static Object storedValue(Object packed) {
        return packed instanceof TierEntry entry ? entry.value : packed;
    }

    /** The expiry instant of the entry that {@code packed} (see {@link #pack}, not {@code null}) stands for. */
    public static long expiresAt(Object packed) {
        return packed instanceof TierEntry entry ? entry.expiresAt : ETERNAL;
    }

    /** The same value with another expiry instant. */
    public TierEntry withExpiresAt(long newExpiresAt) {
        return newExpiresAt == expiresAt ? this : new TierEntry(value, newExpiresAt);
    }
}
