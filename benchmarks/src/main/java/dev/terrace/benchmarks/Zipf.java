package dev.terrace.benchmarks;

import java.util.Arrays;
import java.util.Random;

/**
 * A fixed stream of key ranks drawn from a Zipf distribution (rank {@code r} is drawn with probability
 * proportional to {@code 1 / r^exponent}), the same for a given seed in every run and every process.
 */
final class Zipf {

    private Zipf() {}

    /** {@code count} ranks in {@code [0, keys)}, rank 0 the most popular. */
    static int[] stream(int keys, double exponent, int count, long seed) {
        double[] cumulative = new double[keys];
        double sum = 0;
        for (int rank = 0; rank < keys; rank++) {
            sum += 1.0 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        Random random = new Random(seed);
        int[] stream = new int[count];
        for (int i = 0; i < count; i++) {
            int found = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            stream[i] = Math.min(found >= 0 ? found : -found - 1, keys - 1);
        }
        return stream;
    }

    /** The keys the ranks stand for: {@code "key-" + rank}. */
    static String[] keys(int keys) {
        String[] names = new String[keys];
        for (int i = 0; i < keys; i++) {
            names[i] = "key-" + i;
        }
        return names;
    }
}
