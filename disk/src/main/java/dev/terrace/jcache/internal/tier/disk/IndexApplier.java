package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * Applies the journal's changes to the disk tier's {@link Index} on a thread of its own, so that a put returns
 * once its record is in the journal and does not wait for MapDB (about half of a put's time).
 *
 * <p>Why this is safe: the index is rebuilt from the journal at every start, and a write is acknowledged once
 * its record is in the journal; what the index holds never decides what survives the process. What it must keep
 * exact is what this process reads. Each change whose record was written is therefore held in {@link #pending}
 * (key to its newest change) until it is applied, and every read of a key looks there first ({@link
 * #pendingFor}). Whatever lists or counts the index (iteration, size, compaction, close) first applies the
 * backlog ({@link #drain}), so it sees every change acknowledged before it began.
 *
 * <p>Order: changes are queued by the journal's index updates, which run one at a time, in the journal's
 * order, under the journal's lock; they are applied in that order, one at a time under {@link #applying}, by
 * this applier's thread or by a caller that drains. A change leaves {@link #pending} only after it is in the
 * index, and only if it is still the key's newest change (compared by identity), so a read that finds no
 * pending change finds the key's newest value in the index.
 *
 * <p>The backlog is bounded: past {@value #BOUND} changes, or past a bound on their bytes (the memory they hold,
 * and how far the tier's count of live bytes may lag), the putting thread applies changes itself until it is
 * back to half of that ({@link #keepBounded}). The thread sleeps while fewer than {@value #WAKE} changes
 * wait, so a put pays no wake-up call; what waits is applied by the next batch, by the next drain, or when
 * the thread looks again shortly after it last applied something.
 *
 * <p>When the index fails while a change is applied (MapDB throws, a full device), the applier stops applying,
 * leaves the change and every later one pending (reads still see them), and reports the failure to the tier,
 * which rebuilds the index from the journal at its next operation and then calls {@link #replace}.
 */
final class IndexApplier {

    /** The most changes that may wait before the putting thread applies some itself. */
    static final int BOUND = 4096;

    /** The most bytes of changes (keys, values, an entry's overhead) any store lets wait. */
    static final long MAX_BYTES_BOUND = 1 << 20;

    /** How many changes must wait before a put wakes the applier's thread. */
    static final int WAKE = 64;

    /**
     * How long the thread waits, after it applied something, before it looks again without being woken: the
     * changes fewer than {@link #WAKE} puts left are applied this long after the writes stop, and then the thread
     * sleeps until woken (an idle store costs no wake-ups).
     */
    private static final long LINGER_NANOS = 10_000_000;

    private static final byte[] NO_BYTES = new byte[0];

    /** A key's bytes as a hash map key. */
    static final class Key {
        private final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && hash == key.hash && Arrays.equals(bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * One change's journal record, its place in the queue of changes to apply, and, until applied, the key's
     * pending value: a put's stored value (its header sealed once the record has its sequence number), or a
     * removal. One object per change, made by the caller before it appends.
     */
    final class Change extends Journal.Append {
        private final Key pendingKey;
        /** The next change to apply, in the journal's order; written once, by the journal's index update. */
        private volatile Change next;

        Change(byte type, long expiresAt, byte[] key, byte[] value, int valueOffset) {
            super(type, expiresAt, key, value, valueOffset, null);
            this.pendingKey = new Key(key);
        }

        /** The stored value this change leaves for its key, or {@code null} for a removal. */
        byte[] stored() {
            return type == Journal.PUT ? value : null;
        }

        /** Runs under the journal's lock, in the journal's order, once the record {@code seq} is written. */
        @Override
        void indexed(long seq) {
            if (type == Journal.PUT) {
                StoredValue.seal(key, value, seq, expiresAt);
            }
            enqueue(this);
        }
    }

    private final AtomicLong liveBytes;
    /** The bytes of changes that may wait: the memory they hold, and how far the live count may lag. */
    private final long bytesBound;
    /** Told of a failure of the index while a change was applied: the tier marks it for a rebuild. */
    private final BiConsumer<Index, Index.Failure> failed;

    private final Thread thread;
    /** Held while a change is applied, and while the index is replaced or closed. */
    private final ReentrantLock applying = new ReentrantLock();
    /** Each key's newest change not yet applied. */
    private final ConcurrentHashMap<Key, Change> pending = new ConcurrentHashMap<>();

    /**
     * The last change applied (or a placeholder): the queue runs from its {@link Change#next}. Under {@link
     * #applying}.
     */
    private Change head;
    /** The last change queued; only the journal's index updates (one at a time) and {@link #replace} touch it. */
    private Change tail;
    /** Changes queued so far; written only where {@link #tail} is. */
    private volatile long queued;
    /** Changes applied (or dropped by {@link #replace}) so far; written only under {@link #applying}. */
    private volatile long applied;
    /** The bytes ({@link #weight}) of the changes queued so far; written only where {@link #queued} is. */
    private volatile long queuedBytes;
    /** The bytes of the changes applied or dropped so far; written only where {@link #applied} is. */
    private volatile long appliedBytes;

    /** The index changes go to. Under {@link #applying}. */
    private Index index;
    /** Set when applying a change failed; cleared by {@link #replace}. */
    private volatile Index.Failure failure;

    /** For tests: the next change applied fails as if MapDB threw, the index left open. */
    private volatile boolean failNext;

    private volatile boolean sleeping;
    private volatile boolean paused;
    private volatile boolean stopped;

    /**
     * An applier of changes to {@code index} that keeps {@code liveBytes} (the tier's count) as the index changes,
     * reports a failure of the index to {@code failed}, and lets at most {@code bytesBound} bytes of changes wait
     * (capped at {@value #MAX_BYTES_BOUND}; the tier passes a fraction of its budget for live data, so that a
     * compaction is late by no more than that). Its thread is named {@code name}.
     */
    IndexApplier(
            Index index, AtomicLong liveBytes, long bytesBound, BiConsumer<Index, Index.Failure> failed, String name) {
        this.index = index;
        this.liveBytes = liveBytes;
        this.bytesBound = Math.min(MAX_BYTES_BOUND, bytesBound);
        this.failed = failed;
        this.head = placeholder();
        this.tail = head;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A put of the stored value {@code unsealed} (its header left free) for {@code key}, to append. */
    Change put(byte[] key, long expiresAt, byte[] unsealed) {
        return new Change(Journal.PUT, expiresAt, key, unsealed, StoredValue.HEADER);
    }

    /** A removal of {@code key}, to append. */
    Change remove(byte[] key) {
        return new Change(Journal.REMOVE, 0, key, NO_BYTES, 0);
    }

    /**
     * The newest change of {@code key} acknowledged and not yet in the index ({@link Change#stored()} {@code null}:
     * removed), or {@code null} when the index holds the key's newest value.
     */
    Change pendingFor(byte[] key) {
        // Read in this order: a change acknowledged before this call was queued before queued was read, so it is
        // counted in applied only once it is in the index and out of pending.
        long queuedNow = queued;
        if (applied == queuedNow) {
            return null;
        }
        return pending.get(new Key(key));
    }

    /** How many changes wait to be applied. */
    long backlog() {
        return queued - applied;
    }

    /**
     * The bytes of the changes that wait (keys, values and an entry's overhead each): at most what the tier's count
     * of live bytes lacks while they wait.
     */
    long backlogBytes() {
        return queuedBytes - appliedBytes;
    }

    /**
     * Applies every change queued before this call (in this thread, unless the applier's thread is at it), so
     * that the index holds every change acknowledged so far.
     *
     * @throws Index.Failure when the index failed (now or earlier) while a change was applied: the tier rebuilds it
     */
    void drain() {
        long target = queued;
        if (applied >= target && failure == null) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        applying.lock();
        try {
            while (true) {
                Index.Failure failed = failure;
                if (failed != null) {
                    throw failed;
                }
                if (applied >= target || !applyNext()) {
                    return;
                }
            }
        } finally {
            applying.unlock();
            restore(interrupted);
        }
    }

    /**
     * Called by a putting thread after its append: when more than {@link #BOUND} changes wait, applies changes
     * until half as many do, so the backlog (and the memory it holds) stays bounded whatever the applier's thread
     * gets of the processor. A failure is the applier's to report: the put it follows was acknowledged.
     */
    void keepBounded() {
        if (queued - applied <= BOUND && queuedBytes - appliedBytes <= bytesBound) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        applying.lock();
        try {
            while (failure == null
                    && (queued - applied > BOUND / 2 || queuedBytes - appliedBytes > bytesBound / 2)
                    && applyNext()) {
                // Applying.
            }
        } catch (Index.Failure e) {
            // Recorded and reported by applyNext: the tier rebuilds the index at its next operation.
        } finally {
            applying.unlock();
            restore(interrupted);
        }
    }

    /**
     * Replaces the index: runs {@code replacement} with no change being applied, then drops every change queued
     * (a rebuild read them all back from the journal; a clear emptied it) and applies later changes to the index
     * it returns. Call only while no append can run (the tier's compaction lock held for writing). When {@code
     * replacement} throws, the changes are dropped all the same: the tier's index stays marked broken and every
     * operation rebuilds it before it reads or writes.
     */
    Index replace(IndexReplacement replacement) throws IOException {
        applying.lock();
        try {
            Index next = replacement.replace();
            index = next;
            return next;
        } finally {
            pending.clear();
            Change placeholder = placeholder();
            head = placeholder;
            tail = placeholder;
            applied = queued;
            appliedBytes = queuedBytes;
            failure = null;
            applying.unlock();
        }
    }

    /** What {@link #replace} runs: closes or clears the old index and returns the index to use from now on. */
    interface IndexReplacement {
        Index replace() throws IOException;
    }

    /**
     * Applies what waits (unless the index failed) and stops the applier's thread; the tier closes the index
     * after. Call only while no append can run.
     */
    void stop() {
        boolean interrupted = Thread.interrupted();
        applying.lock();
        try {
            while (failure == null && applyNext()) {
                // Applying: the index is rebuilt at the next start anyway, but a closed store's files are whole.
            }
        } catch (Index.Failure e) {
            // Reported by applyNext; the next start rebuilds the index from the journal.
        } finally {
            stopped = true;
            applying.unlock();
            restore(interrupted);
        }
        LockSupport.unpark(thread);
    }

    /** For tests: the applier's thread applies nothing until {@link #resume} (drains still apply). */
    void pause() {
        paused = true;
    }

    /** For tests: undoes {@link #pause} and wakes the thread. */
    void resume() {
        paused = false;
        LockSupport.unpark(thread);
    }

    /** For tests: the next change applied fails as MapDB failing would make it, with the index left open. */
    void failNextChange() {
        failNext = true;
    }

    /** Whether applying a change failed and the index was not replaced since, for tests. */
    boolean hasFailed() {
        return failure != null;
    }

    /** The applier's thread, for tests and benchmarks that watch it. */
    Thread thread() {
        return thread;
    }

    /** Queues {@code change}: under the journal's lock, in the journal's order. */
    private void enqueue(Change change) {
        // In pending before it can be applied, so that the applier's removal finds it.
        pending.put(change.pendingKey, change);
        tail.next = change;
        tail = change;
        queuedBytes += weight(change);
        long waiting = ++queued - applied;
        if (waiting >= WAKE && sleeping) {
            sleeping = false;
            LockSupport.unpark(thread);
        }
    }

    /**
     * Applies the next queued change, if any; under {@link #applying}. On a failure of the index, records and
     * reports it and leaves the change queued and pending.
     */
    private boolean applyNext() {
        Change change = head.next;
        if (change == null) {
            return false;
        }
        Index target = index;
        byte[] stored = change.stored();
        byte[] replaced;
        try {
            if (failNext) {
                failNext = false;
                throw new Index.Failure(target.file(), new IllegalStateException("a failure injected by a test"));
            }
            replaced = stored != null ? target.put(change.key, stored) : target.remove(change.key);
        } catch (Index.Failure e) {
            failure = e;
            failed.accept(target, e);
            throw e;
        }
        liveBytes.addAndGet(StoredValue.footprint(change.key, stored) - StoredValue.footprint(change.key, replaced));
        // Out of pending only now that the index holds it, and only if no newer change of the key came since.
        pending.remove(change.pendingKey, change);
        head = change;
        appliedBytes += weight(change);
        applied++;
        return true;
    }

    private void run() {
        boolean lately = false;
        while (true) {
            boolean worked = false;
            applying.lock();
            try {
                if (stopped) {
                    return;
                }
                if (!paused && failure == null) {
                    // A bounded batch, then the lock is let go, so a drain or a replacement waits little.
                    for (int n = 0; n < 256 && applyNext(); n++) {
                        worked = true;
                    }
                }
            } catch (Index.Failure e) {
                // Recorded and reported by applyNext: nothing is applied until the tier replaced the index.
            } catch (RuntimeException | Error e) {
                // Nothing else is expected here; the thread must not die, and the tier rebuilds on a failure.
                Index target = index;
                Index.Failure wrapped = new Index.Failure(target.file(), e);
                failure = wrapped;
                failed.accept(target, wrapped);
            } finally {
                applying.unlock();
            }
            if (worked) {
                lately = true;
                continue;
            }
            sleeping = true;
            if (stopped || (!paused && failure == null && queued != applied)) {
                sleeping = false;
                continue;
            }
            if (lately) {
                LockSupport.parkNanos(this, LINGER_NANOS);
            } else {
                LockSupport.park(this);
            }
            lately = false;
            sleeping = false;
        }
    }

    /** What a waiting change counts for: its key and value, and an entry's overhead, as the live count counts them. */
    private static long weight(Change change) {
        return StoredValue.footprint(change.key, change.value);
    }

    private Change placeholder() {
        return new Change(Journal.REMOVE, 0, NO_BYTES, NO_BYTES, 0);
    }

    private static void restore(boolean interrupted) {
        // MapDB maps more of its file as it grows, and the JDK closes a file channel an interrupted thread maps or
        // writes with: a caller applies without its interrupt status, which it gets back after.
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
