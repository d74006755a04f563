package dev.terrace.examples.spring;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** Looks book titles up in a slow catalogue; the {@code books} cache (a Terrace cache) remembers them. */
@Service
public class BookService {

    private final AtomicInteger catalogueCalls = new AtomicInteger();

    /** The title of the book {@code isbn}; the catalogue is asked only when the cache does not know it. */
    @Cacheable("books")
    public String title(String isbn) {
        catalogueCalls.incrementAndGet();
        return slowCatalogue(isbn);
    }

    /** Forgets what the cache knows of {@code isbn}, e.g. after the catalogue changed it. */
    @CacheEvict("books")
    public void forget(String isbn) {}

    /** How often the catalogue was asked. */
    public int catalogueCalls() {
        return catalogueCalls.get();
    }

    private static String slowCatalogue(String isbn) {
        // Stands in for a remote catalogue's latency: the time a cache hit saves.
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "Effective Java (ISBN " + isbn + ")";
    }
}
