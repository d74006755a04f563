package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

    /** The records of one caller, and how writing them ended. */
    static final class Commit {
        final Journal.Append[] appends;
        /** Set by the leader: the failure to hand to this commit's caller. */
        Throwable failure;
        /** Set by the leader: the sequence number of this commit's last record. */
        long lastSeq;
        /** Guarded by the group commit's lock: the leader is done with this commit. */
        private boolean done;

        Commit(Journal.Append[] appends) {
            this.appends = appends;
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

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private List<Commit> queue = new ArrayList<>();
    private List<Commit> spare = new ArrayList<>();
    private boolean leading;
    private long batches;
    private long commits;

    /**
     * Queues {@code commit} and returns once {@code writer} has handled it, in this thread or another's. The
     * writer must not throw: it records each commit's failure in the commit.
     */
    void join(Commit commit, Consumer<List<Commit>> writer) {
        List<Commit> batch;
        lock.lock();
        try {
            queue.add(commit);
            while (leading && !commit.done) {
                written.awaitUninterruptibly();
            }
            if (commit.done) {
                return;
            }
            leading = true;
            batch = queue;
            queue = spare;
            spare = null;
        } finally {
            lock.unlock();
        }
        try {
            writer.accept(batch);
        } catch (RuntimeException | Error e) {
            // The writer records failures in the commits; anything else it throws still belongs to them all.
            for (Commit taken : batch) {
                if (taken.failure == null) {
                    taken.failure = e;
                }
            }
        } finally {
            lock.lock();
            try {
                for (Commit taken : batch) {
                    taken.done = true;
                }
                batches++;
                commits += batch.size();
                batch.clear();
                spare = batch;
                leading = false;
                written.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** How many batches were written so far. */
    long batches() {
        lock.lock();
        try {
            return batches;
        } finally {
            lock.unlock();
        }
    }

    /** How many commits the batches written so far held: over {@link #batches()}, the mean batch. */
    long commits() {
        lock.lock();
        try {
            return commits;
        } finally {
            lock.unlock();
        }
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
