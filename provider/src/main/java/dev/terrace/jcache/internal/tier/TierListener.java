package dev.terrace.jcache.internal.tier;

/** Told by a tier about entries it dropped on its own, to keep statistics and emit expiry events. */
public interface TierListener<K> {

    /** A listener that ignores everything. */
    static <K> TierListener<K> none() {
        return (tier, key, entry, expired) -> {};
    }

    /**
     * {@code tier} dropped {@code entry} of {@code key}: because it expired when {@code expired}, else to stay
     * within its size bound. Called inside the tier's own bookkeeping: it must not block or call the tier.
     */
    void onDropped(Tier<K> tier, K key, TierEntry entry, boolean expired);
}
