package dev.terrace.jcache.hibernate;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.util.UUID;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.cache.spi.support.AbstractReadWriteAccess.Item;
import org.hibernate.cache.spi.support.AbstractReadWriteAccess.Lockable;
import org.hibernate.cache.spi.support.AbstractReadWriteAccess.SoftLockImpl;

/**
 * Hibernate's read-write steps (AbstractReadWriteAccess and its subclasses), each as one entry processor: the
 * read of the entry and its replacement happen together, once, for every process. The soft lock and item
 * classes are Hibernate's own, so that Hibernate's reads ({@code get}, {@code putFromLoad}) understand them;
 * their constructors are not public, and are reached by reflection.
 */
final class SoftLocks {

    /** What an unlock or an after-update found. */
    enum Outcome {
        /** The lock was there and was released (or replaced by the new state). */
        DONE,
        /** The lock had been locked again meanwhile: released once, the state not cached. */
        CONCURRENT,
        /** The lock was gone (expired or replaced): Hibernate's {@code HHH90001005} case. */
        EXPIRED
    }

    private static final Constructor<SoftLockImpl> NEW_LOCK;
    private static final Constructor<Item> NEW_ITEM;
    private static final java.lang.reflect.Field ITEM_VERSION;

    /** Versions are numbers or timestamps: their natural order (Hibernate's comparators agree with it). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final java.util.Comparator<Object> NATURAL = (a, b) -> ((Comparable) a).compareTo(b);

    static {
        try {
            NEW_LOCK = SoftLockImpl.class.getDeclaredConstructor(long.class, UUID.class, long.class, Object.class);
            NEW_LOCK.setAccessible(true);
            NEW_ITEM = Item.class.getDeclaredConstructor(Object.class, Object.class, long.class);
            NEW_ITEM.setAccessible(true);
            ITEM_VERSION = Item.class.getDeclaredField("version");
            ITEM_VERSION.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("This Hibernate version's AbstractReadWriteAccess differs from "
                    + "the one terrace-hibernate was built for (7.4): " + e);
        }
    }

    private SoftLocks() {}

    static SoftLockImpl newLock(long timeout, UUID source, long lockId, Object version) {
        try {
            return NEW_LOCK.newInstance(timeout, source, lockId, version);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Item newItem(Object value, Object version, long timestamp) {
        try {
            return NEW_ITEM.newInstance(value, version, timestamp);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object versionOf(Item item) {
        try {
            return ITEM_VERSION.get(item);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code putFromLoad}: Hibernate checked that the entry was writable, then puts; this checks again and puts in
     * one step, so that a lock another process took in between is never overwritten.
     */
    record PutFromLoad(Item item, long txTimestamp) implements EntryProcessor<Object, Object, Boolean>, Serializable {
        @Override
        public Boolean process(MutableEntry<Object, Object> entry, Object... arguments) {
            Object current = entry.getValue();
            if (current == null
                    || (current instanceof Lockable lockable
                            && lockable.isWriteable(txTimestamp, versionOf(item), NATURAL))) {
                entry.setValue(item);
                return true;
            }
            return false;
        }
    }

    /** {@code AbstractReadWriteAccess.lockItem}: locks the entry, whatever it holds. */
    record Lock(long timeout, UUID source, long lockId, Object version)
            implements EntryProcessor<Object, Object, SoftLockImpl>, Serializable {
        @Override
        public SoftLockImpl process(MutableEntry<Object, Object> entry, Object... arguments) {
            Lockable item = entry.getValue() instanceof Lockable lockable ? lockable : null;
            SoftLockImpl lock =
                    item == null ? newLock(timeout, source, lockId, version) : item.lock(timeout, source, lockId);
            entry.setValue(lock);
            return lock;
        }
    }

    /**
     * {@code AbstractReadWriteAccess.unlockItem}: releases {@code lock} if the entry still holds it; else (the
     * lock expired or was replaced) leaves a lock that has already timed out, as Hibernate does.
     */
    record Unlock(SoftLock lock, long now, long expiredTimeout, UUID source, long expiredLockId)
            implements EntryProcessor<Object, Object, Outcome>, Serializable {
        @Override
        public Outcome process(MutableEntry<Object, Object> entry, Object... arguments) {
            Object current = entry.getValue();
            if (current instanceof Lockable item && item.isUnlockable(lock)) {
                SoftLockImpl held = (SoftLockImpl) item;
                held.unlock(now);
                entry.setValue(held);
                return Outcome.DONE;
            }
            entry.setValue(expired(expiredTimeout, source, expiredLockId));
            return Outcome.EXPIRED;
        }
    }

    /**
     * {@code afterUpdate}: replaces {@code lock} with the new state when the entry still holds it and nobody
     * locked it concurrently; releases it once when somebody did.
     */
    record AfterUpdate(SoftLock lock, Item item, long now, long expiredTimeout, UUID source, long expiredLockId)
            implements EntryProcessor<Object, Object, Outcome>, Serializable {
        @Override
        public Outcome process(MutableEntry<Object, Object> entry, Object... arguments) {
            Object current = entry.getValue();
            if (current instanceof Lockable held && held.isUnlockable(lock)) {
                SoftLockImpl softLock = (SoftLockImpl) held;
                if (softLock.wasLockedConcurrently()) {
                    softLock.unlock(now);
                    entry.setValue(softLock);
                    return Outcome.CONCURRENT;
                }
                entry.setValue(item);
                return Outcome.DONE;
            }
            entry.setValue(expired(expiredTimeout, source, expiredLockId));
            return Outcome.EXPIRED;
        }
    }

    /** {@code afterInsert}: caches the new state if the entry is empty. */
    record AfterInsert(Item item) implements EntryProcessor<Object, Object, Boolean>, Serializable {
        @Override
        public Boolean process(MutableEntry<Object, Object> entry, Object... arguments) {
            if (entry.exists()) {
                return false;
            }
            entry.setValue(item);
            return true;
        }
    }

    /** Hibernate's {@code handleLockExpiry}: a lock that times out at once keeps stale state out for now. */
    private static SoftLockImpl expired(long timeout, UUID source, long lockId) {
        SoftLockImpl lock = newLock(timeout, source, lockId, null);
        lock.unlock(timeout);
        return lock;
    }
}
