package dev.terrace.examples.spring;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** Looks books up in a slow catalogue; the {@code books} cache (a Terrace cache) remembers them. */
@Service
public class BookService {

    /**
     * The application's own value class. Nothing allows it anywhere: {@code terrace-spring-boot} allows the
     * application's packages in values read back from disk or Redis.
     */
    public record Book(String isbn, String title) implements Serializable {}

    private final AtomicInteger catalogueCalls = new AtomicInteger();

    /** The book {@code isbn}; the catalogue is asked only when the cache does not know it. */
    @Cacheable("books")
    public Book find(String isbn) {
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

    private static Book slowCatalogue(String isbn) {
        // Stands in for a remote catalogue's latency: the time a cache hit saves.
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Book(isbn, "Effective Java");
    }
}
