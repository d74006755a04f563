package dev.terrace.jcache;

import dev.terrace.jcache.internal.processor.ProcessorEntry;
import dev.terrace.jcache.internal.tier.Remapping;
import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * Runs entry processors atomically on their key in the authoritative tier, then applies their net effect:
 * writing through, choosing the expiry, publishing the event and counting statistics.
 */
final class Invoker<K, V> {

    private final CacheCore<K, V> core;
    /** Loads a missing value when a processor reads it, or {@code null} when the cache does not read through. */
    private final Function<K, V> loader;

    Invoker(CacheCore<K, V> core, Function<K, V> loader) {
        this.core = core;
        this.loader = loader;
    }

    /** Runs {@code processor} on the entry of {@code key} and returns its result. */
    <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        // One object runs the processor under the key and brings back what it did: no other allocation per call
        // but the processor's entry.
        Outcome<T> outcome = new Outcome<>() {
            @Override
            protected TierEntry remap(TierEntry current) {
                long now = core.now(current);
                TierEntry live = core.live(key, current, now);
                V original = live == null ? null : core.valueOf(live);
                ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, original, loader);
                existed = live != null;
                result = process(processor, entry, arguments);
                return Invoker.this.apply(key, live, entry, now, this);
            }
        };
        try {
            core.store.compute(core.copier.copyKey(key), outcome);
        } catch (RuntimeException e) {
            core.events.flushAfterFailure(e);
            throw e;
        }
        if (outcome.existed) {
            core.statistics.recordHits(1);
        } else {
            core.statistics.recordMisses(1);
        }
        if (outcome.put) {
            core.statistics.recordPuts(1);
        }
        if (outcome.removed) {
            core.statistics.recordRemovals(1);
        }
        core.events.flush();
        return outcome.result;
    }

    /**
     * Runs {@code processor} on each of {@code keys} in turn. A failure on one key does not stop the others: it
     * becomes that key's result, thrown when the caller asks for it, as JCache requires.
     */
    <T> Map<K, EntryProcessorResult<T>> invokeAll(
            Set<? extends K> keys, EntryProcessor<K, V, T> processor, Object... arguments) {
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T result = invoke(key, processor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (RuntimeException e) {
                EntryProcessorException failure = e instanceof EntryProcessorException processorException
                        ? processorException
                        : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw failure;
                });
            }
        }
        return results;
    }

    private TierEntry apply(K key, TierEntry live, ProcessorEntry<K, V> entry, long now, Outcome<?> outcome) {
        switch (entry.action()) {
            case NONE:
                return (live != null && entry.wasAccessed()) ? core.accessed(live, now) : live;
            case LOADED:
                return core.created(key, entry.value(), core.copier.toStored(entry.value()), now);
            case CREATED: {
                core.writeThrough(key, entry.value());
                TierEntry created = core.created(key, entry.value(), core.copier.toStored(entry.value()), now);
                outcome.put = created != null;
                return created;
            }
            case UPDATED:
                core.writeThrough(key, entry.value());
                outcome.put = true;
                return core.updated(key, live, entry.value(), core.copier.toStored(entry.value()), now);
            case REMOVED:
                core.deleteThrough(key);
                if (live != null) {
                    core.removed(key, live);
                    outcome.removed = true;
                }
                return null;
            default:
                throw new IllegalStateException("Unknown entry processor action " + entry.action());
        }
    }

    private static <K, V, T> T process(
            EntryProcessor<K, V, T> processor, ProcessorEntry<K, V> entry, Object... arguments) {
        try {
            return processor.process(entry, arguments);
        } catch (EntryProcessorException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EntryProcessorException("The entry processor threw: " + e, e);
        }
    }

    /** The run of a processor on its key, as the store's remapping, and what it did. */
    private abstract static class Outcome<T> extends Remapping {
        T result;
        boolean existed;
        boolean put;
        boolean removed;
    }
}
