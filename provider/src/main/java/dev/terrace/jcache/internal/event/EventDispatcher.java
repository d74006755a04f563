package dev.terrace.jcache.internal.event;

import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.event.TerraceEntryEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers entry events to a cache's registered listeners, in order per key and listener.
 *
 * <p>An operation {@link #publish publishes} its events while it holds the key (inside the tier's atomic
 * compute), which fixes their order; it {@link #flush() flushes} them once it has released the key. A flush
 * runs synchronous listeners on the calling thread, after any earlier event of the same key has been
 * delivered to them, so that the operation returns only once they have seen its events; asynchronous
 * listeners run on the executor, chained behind the key's earlier events.
 */
public final class EventDispatcher<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private final Cache<K, V> source;
    private final Executor executor;
    private final List<ListenerRegistration<K, V>> registrations = new CopyOnWriteArrayList<>();
    private final ThreadLocal<List<Pending<K, V>>> pending = ThreadLocal.withInitial(ArrayList::new);
    private Interest interest = (values, oldValues) -> {};

    /** Told what the registered listeners want of changes made in other processes. */
    @FunctionalInterface
    public interface Interest {
        /**
         * @param values whether any listener is registered
         * @param oldValues whether one of them requires old values
         */
        void listeners(boolean values, boolean oldValues);
    }

    public EventDispatcher(Cache<K, V> source, Executor executor) {
        this.source = source;
        this.executor = executor;
    }

    /** Whether any listener is registered; operations skip building events when none is. */
    public boolean hasListeners() {
        return !registrations.isEmpty();
    }

    /**
     * Tells {@code interest} what the listeners want now, and again whenever a registration changes it, before
     * the registration returns (see {@code SharedTier.listeners}).
     */
    public synchronized void reportInterestTo(Interest interest) {
        this.interest = interest;
        if (!registrations.isEmpty()) {
            reportInterest();
        }
    }

    private void reportInterest() {
        boolean oldValues = false;
        for (ListenerRegistration<K, V> registration : registrations) {
            oldValues |= registration.isOldValueRequired();
        }
        interest.listeners(!registrations.isEmpty(), oldValues);
    }

    /**
     * Registers a listener.
     *
     * @throws IllegalArgumentException when an equal configuration is registered already
     */
    public synchronized void register(CacheEntryListenerConfiguration<K, V> configuration) {
        for (ListenerRegistration<K, V> registration : registrations) {
            if (registration.configuration.equals(configuration)) {
                throw new IllegalArgumentException("This cache entry listener configuration is registered already");
            }
        }
        registrations.add(new ListenerRegistration<>(configuration));
        reportInterest();
    }

    /** Removes the listener registered with {@code configuration}, closing it; unknown ones are ignored. */
    public synchronized void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
        for (ListenerRegistration<K, V> registration : registrations) {
            if (registration.configuration.equals(configuration)) {
                registrations.remove(registration);
                registration.close();
                reportInterest();
                return;
            }
        }
    }

    /**
     * Queues an event of {@code type} on the calling thread, to be delivered by its next {@link #flush()}.
     * Call it while holding the key, so that events of one key are queued in the order of the changes.
     *
     * @param value the new value ({@code CREATED}, {@code UPDATED})
     * @param oldValue the previous value ({@code UPDATED}, {@code REMOVED}, {@code EXPIRED}), or {@code null}
     */
    public void publish(EventType type, K key, V value, V oldValue) {
        publish(type, key, value, oldValue, null);
    }

    /**
     * Like {@link #publish(EventType, Object, Object, Object)}, for a change Terrace made on its own for {@code
     * cause} (an invalidation), which listeners can unwrap.
     */
    public void publish(EventType type, K key, V value, V oldValue, InvalidationCause cause) {
        if (registrations.isEmpty()) {
            return;
        }
        List<Pending<K, V>> queue = pending.get();
        for (ListenerRegistration<K, V> registration : registrations) {
            if (registration.handles(type)) {
                queue.add(reserve(registration, type, key, value, oldValue, cause));
            }
        }
    }

    /** How many events the calling thread has queued: a mark for {@link #discardSince}. */
    public int mark() {
        return pending.get().size();
    }

    /**
     * Forgets the events the calling thread queued after {@code mark}, undelivered, as when the change that
     * queued them is tried again. Call it while still holding the key, so each key's order is restored.
     */
    public void discardSince(int mark) {
        List<Pending<K, V>> queue = pending.get();
        while (queue.size() > mark) {
            queue.remove(queue.size() - 1).discard();
        }
    }

    /**
     * Delivers an event that no caller waits for (an expiry the heap tier found on its own, a change another
     * process made), to every listener on the executor. Safe to call while holding the key.
     *
     * <p>An {@code UPDATED}, {@code REMOVED} or {@code EXPIRED} event without its old value is one whose old value
     * another process left out of its announcement (no listener wanted old values when it made the change): it
     * goes only to listeners that do not require old values.
     */
    public void publishDetached(EventType type, K key, V value, V oldValue) {
        boolean oldValueLeftOut = oldValue == null && type != EventType.CREATED;
        for (ListenerRegistration<K, V> registration : registrations) {
            if (registration.handles(type) && !(oldValueLeftOut && registration.isOldValueRequired())) {
                deliverLater(reserve(registration, type, key, value, oldValue, null));
            }
        }
    }

    /**
     * Delivers the events the calling thread queued: synchronous listeners before this method returns,
     * asynchronous ones on the executor.
     *
     * @throws CacheEntryListenerException when a synchronous listener threw; every event is still delivered
     */
    public void flush() {
        List<Pending<K, V>> queue = pending.get();
        if (queue.isEmpty()) {
            return;
        }
        // Listeners may themselves use the cache: their events go to a fresh queue and their own flush.
        pending.set(new ArrayList<>());
        CacheEntryListenerException failure = null;
        for (Pending<K, V> event : queue) {
            if (!event.registration.isSynchronous()) {
                deliverLater(event);
                continue;
            }
            try {
                if (event.previous != null) {
                    event.previous.join();
                }
                event.registration.deliver(event.event);
            } catch (RuntimeException e) {
                CacheEntryListenerException wrapped = e instanceof CacheEntryListenerException listenerException
                        ? listenerException
                        : new CacheEntryListenerException("A cache entry listener threw: " + e, e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            } finally {
                event.finish();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Delivers what the calling thread queued while an operation failed with {@code cause}; never throws. */
    public void flushAfterFailure(RuntimeException cause) {
        try {
            flush();
        } catch (CacheEntryListenerException e) {
            cause.addSuppressed(e);
        }
    }

    /** Closes every listener and filter and forgets them. */
    public synchronized void close() {
        for (ListenerRegistration<K, V> registration : registrations) {
            registration.close();
        }
        boolean had = !registrations.isEmpty();
        registrations.clear();
        if (had) {
            reportInterest();
        }
    }

    private Pending<K, V> reserve(
            ListenerRegistration<K, V> registration,
            EventType type,
            K key,
            V value,
            V oldValue,
            InvalidationCause cause) {
        TerraceEntryEvent<K, V> event =
                new TerraceEntryEvent<>(source, type, key, value, oldValue, registration.isOldValueRequired(), cause);
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = registration.tails.put(key, done);
        return new Pending<>(registration, key, event, previous, done);
    }

    private void deliverLater(Pending<K, V> event) {
        Runnable delivery = () -> {
            try {
                event.registration.deliver(event.event);
            } catch (RuntimeException e) {
                LOG.warn("An asynchronous cache entry listener threw on {}", event.event, e);
            } finally {
                event.finish();
            }
        };
        if (event.previous == null || event.previous.isDone()) {
            executor.execute(delivery);
        } else {
            event.previous.whenCompleteAsync((ignored, error) -> delivery.run(), executor);
        }
    }

    private record Pending<K, V>(
            ListenerRegistration<K, V> registration,
            K key,
            TerraceEntryEvent<K, V> event,
            CompletableFuture<Void> previous,
            CompletableFuture<Void> done) {

        void finish() {
            done.complete(null);
            registration.tails.remove(key, done);
        }

        /** Gives up this event's place in its key's order, handing it back to the event before it. */
        void discard() {
            if (previous == null) {
                registration.tails.remove(key, done);
            } else {
                registration.tails.replace(key, done, previous);
            }
            done.complete(null);
        }
    }
}
