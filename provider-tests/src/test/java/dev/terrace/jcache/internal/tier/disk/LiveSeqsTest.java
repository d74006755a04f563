package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the index's set of live sequence numbers is an open-addressing set with deletion by backward shift;
 * a shift that stopped short (or moved a number past its home) would hide a live number from a compaction, which
 * would then drop the entry. Checked against {@link HashSet} under the tier's pattern (mostly increasing numbers,
 * old ones removed) and under random numbers that collide often.
 */
class LiveSeqsTest {

    @Test
    void agreesWithAHashSetUnderIncreasingNumbersWithRemovals() {
        LiveSeqs seqs = new LiveSeqs();
        Set<Long> expected = new HashSet<>();
        Random random = new Random(15);
        long next = 1;
        for (int i = 0; i < 200_000; i++) {
            long seq = next++;
            seqs.add(seq);
            expected.add(seq);
            // An overwrite of an older key: its record's number leaves the set.
            long old = 1 + random.nextInt((int) Math.min(next, 50_000));
            if (random.nextBoolean()) {
                old = next - 1 - random.nextInt((int) Math.min(next - 1, 2_000));
            }
            seqs.remove(old);
            expected.remove(old);
            if (i % 9_973 == 0) {
                assertContainsExactly(seqs, expected, next + 10);
            }
        }
        assertContainsExactly(seqs, expected, next + 10);
    }

    @Test
    void agreesWithAHashSetUnderManyCollisions() {
        LiveSeqs seqs = new LiveSeqs();
        Set<Long> expected = new HashSet<>();
        Random random = new Random(107);
        for (int i = 0; i < 100_000; i++) {
            long seq = 1 + random.nextInt(3_000);
            if (random.nextInt(3) == 0) {
                seqs.remove(seq);
                expected.remove(seq);
            } else {
                seqs.add(seq);
                expected.add(seq);
            }
            assertThat(seqs.contains(seq)).isEqualTo(expected.contains(seq));
        }
        assertContainsExactly(seqs, expected, 3_001);
        seqs.clear();
        assertThat(seqs.size()).isZero();
        assertThat(seqs.contains(1)).isFalse();
    }

    private static void assertContainsExactly(LiveSeqs seqs, Set<Long> expected, long upTo) {
        assertThat(seqs.size()).as("size").isEqualTo(expected.size());
        for (long seq = 1; seq <= upTo; seq++) {
            if (seqs.contains(seq) != expected.contains(seq)) {
                assertThat(seqs.contains(seq))
                        .as("whether %d is held, as a HashSet says", seq)
                        .isEqualTo(expected.contains(seq));
            }
        }
        assertThat(seqs.toSortedArray())
                .containsExactly(
                        expected.stream().mapToLong(Long::longValue).sorted().toArray());
    }
}
