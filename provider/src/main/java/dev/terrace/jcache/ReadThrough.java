package dev.terrace.jcache;

import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loading through a cache's {@link CacheLoader}: read-through of missing keys, loaded once per key in this
 * process however many threads miss it together, and {@code loadAll} in the background.
 *
 * <p>Loaded entries are created with the policy's creation expiry and published as {@code CREATED} (or
 * {@code UPDATED} when {@code loadAll} replaces an entry); they are never written through to the writer.
 */
final class ReadThrough<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(ReadThrough.class);

    private final CacheCore<K, V> core;
    private final CacheLoader<K, V> loader;
    private final Executor executor;
    private final ConcurrentMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
    /** Counts background loads still running; the cache itself is its one permanent party. */
    private final Phaser background = new Phaser(1);

    ReadThrough(CacheCore<K, V> core, CacheLoader<K, V> loader, Executor executor) {
        this.core = core;
        this.loader = loader;
        this.executor = executor;
    }

    /**
     * Loads {@code key}, stores what the loader returned unless another value arrived meanwhile, and returns
     * it; {@code null} when the loader has nothing. Threads that miss the same key while it loads wait for
     * this load instead of calling the loader again.
     */
    V load(K key) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            V value = await(running);
            return value == null ? null : core.copier.fromStored(core.copier.toStored(value));
        }
        try {
            V value = core.store.authority().isShared() ? loadOnceEverywhere(key) : loadAndStore(key);
            mine.complete(value);
            return value;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private V loadAndStore(K key) {
        V value = loadOne(key);
        if (value != null) {
            try {
                storeLoaded(key, value, false);
            } catch (TierUnavailableException e) {
                // The caller still gets what the loader found; the next read loads it again.
                LOG.debug("Cache {}: a loaded value was not cached: {}", core.name, e.getMessage());
            }
        }
        return value;
    }

    /**
     * Loads {@code key} while holding its lock in the shared tier, so that one process loads a missing key
     * while the others wait for its result and then read it.
     */
    private V loadOnceEverywhere(K key) {
        Object[] result = new Object[1];
        boolean[] decided = {false};
        try {
            core.store.compute(core.copier.copyKey(key), current -> {
                decided[0] = false;
                long now = core.clock.millis();
                TierEntry live = core.live(key, current, now);
                if (live != null) {
                    result[0] = core.valueOf(live);
                    decided[0] = true;
                    return live;
                }
                V value = loadOne(key);
                result[0] = value;
                decided[0] = true;
                return value == null ? null : core.created(key, value, core.copier.toStored(value), now);
            });
            core.events.flush();
        } catch (TierUnavailableException e) {
            core.events.flushAfterFailure(e);
            LOG.debug("Cache {}: a value was read or loaded without caching it: {}", core.name, e.getMessage());
            if (!decided[0]) {
                return loadOne(key);
            }
            // The loader ran already, before the shared tier failed: it never runs twice for one read.
        } catch (RuntimeException e) {
            core.events.flushAfterFailure(e);
            throw e;
        }
        @SuppressWarnings("unchecked")
        V value = (V) result[0];
        return value;
    }

    /** The loader's value for {@code key}, without storing it; for entry processors, which store it. */
    V loadOne(K key) {
        try {
            return loader.load(key);
        } catch (RuntimeException e) {
            throw asLoaderException(e);
        }
    }

    /** Loads {@code keys} in one call to the loader and stores what it returned; returns the loaded values. */
    Map<K, V> loadAll(Collection<? extends K> keys) {
        Map<K, V> loaded;
        try {
            loaded = loader.loadAll(keys);
        } catch (RuntimeException e) {
            throw asLoaderException(e);
        }
        if (loaded == null) {
            return Collections.emptyMap();
        }
        for (Map.Entry<K, V> entry : loaded.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
                storeLoaded(entry.getKey(), entry.getValue(), false);
            }
        }
        return loaded;
    }

    /**
     * Loads {@code keys} on the executor, replacing existing entries or only filling missing ones, and then
     * tells {@code listener}.
     */
    void loadAllInBackground(Set<? extends K> keys, boolean replaceExisting, CompletionListener listener) {
        background.register();
        executor.execute(() -> {
            try {
                List<K> toLoad = new ArrayList<>(keys.size());
                for (K key : keys) {
                    if (replaceExisting || !isLive(key)) {
                        toLoad.add(key);
                    }
                }
                if (!toLoad.isEmpty()) {
                    Map<K, V> loaded;
                    try {
                        loaded = loader.loadAll(toLoad);
                    } catch (RuntimeException e) {
                        throw asLoaderException(e);
                    }
                    if (loaded != null) {
                        loaded.forEach((key, value) -> {
                            if (key != null && value != null) {
                                storeLoaded(key, value, replaceExisting);
                            }
                        });
                    }
                }
                if (listener != null) {
                    listener.onCompletion();
                }
            } catch (Exception e) {
                if (listener != null) {
                    listener.onException(e);
                }
            } finally {
                background.arriveAndDeregister();
            }
        });
    }

    /**
     * Waits, at most {@code timeout}, for background loads to finish, so that a closing cache does not close
     * its loader while a load still uses it.
     */
    void awaitBackgroundLoads(Duration timeout) {
        int phase = background.arrive();
        try {
            background.awaitAdvanceInterruptibly(phase, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn(
                    "Cache {}: background loads still running after {}; closing the loader anyway", core.name, timeout);
        }
    }

    private boolean isLive(K key) {
        TierEntry entry = core.store.get(key);
        return entry != null && !entry.isExpired(core.clock.millis());
    }

    private void storeLoaded(K key, V value, boolean replaceExisting) {
        Object stored = core.copier.toStored(value);
        K storedKey = core.copier.copyKey(key);
        try {
            core.store.compute(storedKey, current -> {
                long now = core.clock.millis();
                TierEntry live = core.live(key, current, now);
                if (live == null) {
                    return core.created(key, value, stored, now);
                }
                return replaceExisting ? core.updated(key, live, value, stored, now) : live;
            });
            core.events.flush();
        } catch (RuntimeException e) {
            core.events.flushAfterFailure(e);
            throw e;
        }
    }

    private static <V> V await(CompletableFuture<V> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CacheLoaderException("Loading failed: " + cause, cause);
        }
    }

    static CacheLoaderException asLoaderException(Exception e) {
        return e instanceof CacheLoaderException loaderException
                ? loaderException
                : new CacheLoaderException("The cache loader failed: " + e, e);
    }
}
