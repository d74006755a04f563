package dev.terrace.examples;

import java.io.Serializable;
import java.util.List;

/**
 * The value the demo caches: a number and its prime factors, smallest first. Immutable, and serializable so
 * that it may also be cached by value (as copies), the JCache default, or in an off-heap tier.
 */
public record Factorization(long number, List<Long> primeFactors) implements Serializable {

    public Factorization {
        primeFactors = List.copyOf(primeFactors);
    }

    /** For example {@code 1000000000 = 2^9 * 5^9}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(number).append(" =");
        int i = 0;
        while (i < primeFactors.size()) {
            long prime = primeFactors.get(i);
            int exponent = 0;
            while (i < primeFactors.size() && primeFactors.get(i) == prime) {
                exponent++;
                i++;
            }
            text.append(text.charAt(text.length() - 1) == '=' ? " " : " * ").append(prime);
            if (exponent > 1) {
                text.append('^').append(exponent);
            }
        }
        return text.toString();
    }
}
