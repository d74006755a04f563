package dev.terrace.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deliberately slow function the demo caches: factorizes a number by trial division, then sleeps so that
 * every call costs about {@code cost}, as a remote call or a heavy query would. Counts its calls, so the demo
 * can show how many the cache saved.
 */
public final class Factorizer {

    private final Duration cost;
    private final AtomicLong calls = new AtomicLong();

    public Factorizer(Duration cost) {
        this.cost = cost;
    }

    /** The prime factors of {@code number} (at least 2), after a delay of about {@code cost}. */
    public Factorization factorize(long number) {
        if (number < 2) {
            throw new IllegalArgumentException("Only numbers from 2 up have prime factors, not " + number);
        }
        calls.incrementAndGet();
        long deadline = System.nanoTime() + cost.toNanos();
        List<Long> factors = new ArrayList<>();
        long rest = number;
        for (long divisor = 2; divisor * divisor <= rest; divisor++) {
            while (rest % divisor == 0) {
                factors.add(divisor);
                rest /= divisor;
            }
        }
        if (rest > 1) {
            factors.add(rest);
        }
        sleepUntil(deadline);
        return new Factorization(number, factors);
    }

    /** How many times {@link #factorize} ran. */
    public long calls() {
        return calls.get();
    }

    private static void sleepUntil(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
