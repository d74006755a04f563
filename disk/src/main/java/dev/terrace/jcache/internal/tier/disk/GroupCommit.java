package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Coalesces concurrent journal appends into one write (a group commit). Each caller queues its {@link Commit};
 * if no other thread is writing, it becomes the leader: it takes every commit queued so far and hands them to
 * the writer at once, then wakes the others. A caller whose commit a leader took waits until that leader is
 * done with it, so no caller returns before its own records are written (the journal's acknowledged-write
 * guarantee is the same as with one write per append); a caller that finds a leader busy waits, and the first
 * of the waiters left over when it finishes leads the next batch, with everything that queued meanwhile.
 *
 * <p>Nothing waits on purpose to gather a bigger batch: a lone writer leads at once and pays only an
 * uncontended lock, and the batches grow by themselves exactly when writes arrive faster than one write
 * call takes.
 */
final class GroupCommit {

    /**
     * The records of one caller, and how writing them ended. A caller with one record commits the record itself
     * (a {@link Journal.Append} is a commit of one): a put allocates no commit and no array.
     */
    static class Commit {
        /** The records, or {@code null} when this commit is its one record. */
        private final Journal.Append[] appends;
        /** Set by the leader: the failure to hand to this commit's caller. */
        Throwable failure;
        /** Set by the leader: the sequence number of this commit's last record. */
        long lastSeq;
        /** Guarded by the group commit's lock: the leader is done with this commit. */
        private boolean done;

        Commit(Journal.Append[] appends) {
            this.appends = appends;
        }

        /** A commit of one record, the {@link Journal.Append} that extends this. */
        Commit() {
            this.appends = null;
        }

        /** How many records the commit holds. */
        int records() {
            return appends == null ? 1 : appends.length;
        }

        /** The record at {@code i}, in the order they are written. */
        Journal.Append record(int i) {
            return appends == null ? (Journal.Append) this : appends[i];
        }

        /** The last record's sequence number, or the failure the writer recorded for this commit. */
        long result() throws IOException {
            if (failure == null) {
                return lastSeq;
            }
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    /** No writer: the next caller writes. */
    private static final int IDLE = 0;
    /** A lone writer writes its own commit without this group commit's lock, and nobody has queued since. */
    private static final int SOLO = 1;
    /** A leader writes a batch taken under the lock, or a caller queued while a lone writer wrote. */
    private static final int LEADING = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    /**
     * Who writes: {@link #IDLE}, {@link #SOLO} or {@link #LEADING}. Only {@code IDLE} lets a caller become the
     * writer (by a compare-and-set), so one writer at a time. A caller that queues under the lock while a lone
     * writer writes turns {@code SOLO} into {@code LEADING}; the lone writer's compare-and-set back to {@code IDLE}
     * then fails, and it hands over under the lock (so no waiter misses its wake-up).
     */
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** Guarded by the lock. */
    private List<Commit> queue = new ArrayList<>();
    /** Guarded by the lock. */
    private List<Commit> spare = new ArrayList<>();
    /** The lone writer's batch of one: used only by the caller that set {@link #SOLO}. */
    private final List<Commit> solo = new ArrayList<>(1);
    /** Written only by the writer of the moment (one at a time, handed over through {@link #state}). */
    private volatile long batches;
    /** Written only by the writer of the moment, as {@link #batches}. */
    private volatile long commits;

    /**
     * Queues {@code commit} and returns once {@code writer} has handled it, in this thread or another's. The
     * writer must not throw: it records each commit's failure in the commit.
     *
     * <p>A lone writer (no other writer, nobody queued) writes its commit at once without taking this group
     * commit's lock: two compare-and-sets instead of two lock acquisitions and the hand-over. The writer runs
     * in this thread, so the commit is written when this returns, exactly as on the queued path.
     */
    void join(Commit commit, Consumer<List<Commit>> writer) {
        // A record appended again is a commit again (no other thread sees it before it is queued).
        commit.failure = null;
        commit.done = false;
        if (state.compareAndSet(IDLE, SOLO)) {
            solo.add(commit);
            write(solo, writer);
            solo.clear();
            batches++;
            commits++;
            if (!state.compareAndSet(SOLO, IDLE)) {
                // A caller queued meanwhile and waits for the next leader: hand over under the lock.
                handOver();
            }
            return;
        }
        List<Commit> batch;
        lock.lock();
        try {
            queue.add(commit);
            while (true) {
                if (commit.done) {
                    return;
                }
                int now = state.get();
                if (now == IDLE) {
                    if (state.compareAndSet(IDLE, LEADING)) {
                        break;
                    }
                } else if (now == LEADING || state.compareAndSet(SOLO, LEADING)) {
                    // The writer of the moment hands over under this lock, so the wake-up is not missed.
                    written.awaitUninterruptibly();
                }
            }
            batch = queue;
            queue = spare;
            spare = null;
        } finally {
            lock.unlock();
        }
        write(batch, writer);
        batches++;
        commits += batch.size();
        lock.lock();
        try {
            for (Commit taken : batch) {
                taken.done = true;
            }
            batch.clear();
            spare = batch;
            state.set(IDLE);
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void write(List<Commit> batch, Consumer<List<Commit>> writer) {
        try {
            writer.accept(batch);
        } catch (RuntimeException | Error e) {
            // The writer records failures in the commits; anything else it throws still belongs to them all.
            for (Commit taken : batch) {
                if (taken.failure == null) {
                    taken.failure = e;
                }
            }
        }
    }

    /** Ends a lone write that a queued caller waits behind: the first waiter to wake leads the next batch. */
    private void handOver() {
        lock.lock();
        try {
            state.set(IDLE);
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many batches were written so far. */
    long batches() {
        return batches;
    }

    /** How many commits the batches written so far held: over {@link #batches()}, the mean batch. */
    long commits() {
        return commits;
    }

    /** How many commits wait for a leader now. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
