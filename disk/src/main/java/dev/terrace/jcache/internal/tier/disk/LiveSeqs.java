package dev.terrace.jcache.internal.tier.disk;

import java.util.Arrays;

/**
 * The sequence numbers of the journal records that wrote the values an {@link Index} holds: a set of positive
 * {@code long}s in one array (open addressing, linear probing, deletion by backward shift), 8 to 16 bytes an
 * entry and no object per number.
 *
 * <p>It lets a compaction tell a live record from a dead one by its number alone, where it read every value
 * back out of MapDB to list the numbers (about half of a compaction, amortised over the puts). The index keeps
 * it in step with every change it makes; see {@link Index} for which changes and under which locks. Not
 * thread-safe: its callers never change it concurrently.
 */
final class LiveSeqs {

    private static final int MIN_CAPACITY = 16;

    /** The numbers, 0 for a free slot (sequence numbers start at 1). */
    private long[] slots = new long[MIN_CAPACITY];

    private int size;

    /** Adds {@code seq} (ignored unless positive). */
    void add(long seq) {
        if (seq <= 0) {
            return;
        }
        int mask = slots.length - 1;
        int i = slotOf(seq, mask);
        while (slots[i] != 0) {
            if (slots[i] == seq) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = seq;
        if (++size * 2 > slots.length) {
            resize(slots.length * 2);
        }
    }

    /** Removes {@code seq}, if held. */
    void remove(long seq) {
        if (seq <= 0) {
            return;
        }
        int mask = slots.length - 1;
        int i = slotOf(seq, mask);
        while (slots[i] != seq) {
            if (slots[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        size--;
        // Backward shift: move every later number of the run that probed past the freed slot into it, so a lookup
        // never stops at a hole before its number.
        int free = i;
        for (int j = (i + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int home = slotOf(slots[j], mask);
            // slots[j] may move to free when its home is not cyclically within (free, j].
            if (((j - home) & mask) >= ((j - free) & mask)) {
                slots[free] = slots[j];
                free = j;
            }
        }
        slots[free] = 0;
    }

    /** Replaces {@code old} by {@code seq}: a key's value was overwritten by the record {@code seq}. */
    void replace(long old, long seq) {
        remove(old);
        add(seq);
    }

    boolean contains(long seq) {
        if (seq <= 0) {
            return false;
        }
        int mask = slots.length - 1;
        for (int i = slotOf(seq, mask); slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == seq) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    void clear() {
        slots = new long[MIN_CAPACITY];
        size = 0;
    }

    /** The numbers held, sorted (for tests that compare the set with the index's values). */
    long[] toSortedArray() {
        long[] held = new long[size];
        int n = 0;
        for (long seq : slots) {
            if (seq != 0) {
                held[n++] = seq;
            }
        }
        Arrays.sort(held);
        return held;
    }

    private void resize(int capacity) {
        long[] old = slots;
        slots = new long[capacity];
        int mask = capacity - 1;
        for (long seq : old) {
            if (seq != 0) {
                int i = slotOf(seq, mask);
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = seq;
            }
        }
    }

    /** Consecutive numbers would fill consecutive slots and long runs: spread them (Fibonacci hashing). */
    private static int slotOf(long seq, int mask) {
        long h = seq * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
