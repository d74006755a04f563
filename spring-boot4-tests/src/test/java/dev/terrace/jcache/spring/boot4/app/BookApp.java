package dev.terrace.jcache.spring.boot4.app;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.stereotype.Service;

/**
 * A Spring Boot 4 application as its users write one: a record value, @Cacheable, nothing Terrace-specific in
 * code; {@code application.yaml} and {@code terrace-books.yaml} configure it.
 */
@SpringBootApplication
@EnableCaching
public class BookApp {

    /** The application's own value class. */
    public record Book(String isbn, String title) implements Serializable {}

    @Service
    public static class Catalogue {
        private final AtomicInteger lookups = new AtomicInteger();

        /** How often the catalogue was asked (a method: the bean is a proxy). */
        public int lookups() {
            return lookups.get();
        }

        @Cacheable("books")
        public Book find(String isbn) {
            lookups.incrementAndGet();
            return new Book(isbn, "Title of " + isbn);
        }

        @CacheEvict("books")
        public void forget(String isbn) {}
    }
}
