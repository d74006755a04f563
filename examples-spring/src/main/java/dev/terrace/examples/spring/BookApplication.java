package dev.terrace.examples.spring;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;

/**
 * A Spring Boot application whose caches are Terrace caches: {@code application.yaml} points Spring's JCache
 * support at Terrace's provider and at {@code terrace.yaml}, which declares the caches and their tiers.
 */
@SpringBootApplication
@EnableCaching
public class BookApplication {

    public static void main(String[] args) {
        SpringApplication.run(BookApplication.class, args).close();
    }

    /** Looks a book up twice, evicts it and looks it up again, printing what the cache saved. */
    @Bean
    @Profile("!test")
    CommandLineRunner demo(BookService books) {
        return args -> {
            for (int round = 1; round <= 2; round++) {
                long start = System.nanoTime();
                BookService.Book book = books.find("978-0134685991");
                System.out.printf(
                        "lookup %d: %s (ISBN %s) in %d ms (catalogue calls so far: %d)%n",
                        round,
                        book.title(),
                        book.isbn(),
                        (System.nanoTime() - start) / 1_000_000,
                        books.catalogueCalls());
            }
            books.forget("978-0134685991");
            books.find("978-0134685991");
            System.out.printf("after @CacheEvict: catalogue calls %d%n", books.catalogueCalls());
        };
    }
}
