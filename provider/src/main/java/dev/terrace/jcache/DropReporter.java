package dev.terrace.jcache;

import dev.terrace.jcache.internal.copy.Copier;
import dev.terrace.jcache.internal.event.EventDispatcher;
import dev.terrace.jcache.internal.management.TerraceStatistics;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import javax.cache.event.EventType;

/**
 * Turns what the authoritative tier drops on its own into JCache terms: an eviction to stay within size is
 * counted in the statistics, and an expired entry reclaimed before anybody read it is published as {@code
 * EXPIRED} to listeners.
 */
final class DropReporter<K, V> implements TierListener<K> {

    private final TerraceStatistics statistics;
    private final EventDispatcher<K, V> events;
    private final Copier copier;

    DropReporter(TerraceStatistics statistics, EventDispatcher<K, V> events, Copier copier) {
        this.statistics = statistics;
        this.events = events;
        this.copier = copier;
    }

    @Override
    public void onDropped(Tier<K> tier, K key, TierEntry entry, boolean expired) {
        if (!expired) {
            statistics.recordEviction();
        } else if (events.hasListeners()) {
            events.publishDetached(EventType.EXPIRED, key, null, copier.fromStored(entry.value()));
        }
    }
}
