package dev.terrace.jcache;

import java.util.List;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * A listener that records the events it hears, as text, in the list a test reads: {@code CREATED k=v}, {@code
 * UPDATED k=v (was o)}, {@code REMOVED k (was o)}, {@code EXPIRED k (was o)}. The interfaces a listener
 * implements decide which events it is sent (and, across processes, which ones are announced with values), so
 * each set is a class of its own: this one hears creations and updates, {@link WithRemoved} removals too, and
 * {@link WithRemovedAndExpired} expiries as well.
 */
class EventRecorder implements CacheEntryCreatedListener<String, String>, CacheEntryUpdatedListener<String, String> {

    final List<String> heard;

    EventRecorder(List<String> heard) {
        this.heard = heard;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
        events.forEach(e -> heard.add("CREATED " + e.getKey() + "=" + e.getValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
        events.forEach(e -> heard.add("UPDATED " + e.getKey() + "=" + e.getValue() + " (was " + e.getOldValue() + ")"));
    }

    /** Hears removals too. */
    static class WithRemoved extends EventRecorder implements CacheEntryRemovedListener<String, String> {

        WithRemoved(List<String> heard) {
            super(heard);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.add("REMOVED " + e.getKey() + " (was " + e.getOldValue() + ")"));
        }
    }

    /** Hears removals and expiries too. */
    static final class WithRemovedAndExpired extends WithRemoved implements CacheEntryExpiredListener<String, String> {

        WithRemovedAndExpired(List<String> heard) {
            super(heard);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.add("EXPIRED " + e.getKey() + " (was " + e.getOldValue() + ")"));
        }
    }
}
