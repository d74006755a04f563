package dev.terrace.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example as docs/spring.md runs it twice: the second run answers from the disk the first one filled, with
 * the application's own record read back and no serialization setting anywhere.
 */
class RestartTest {

    @TempDir
    Path data;

    @Test
    void theSecondRunReadsTheRecordBackFromDisk() {
        BookService.Book first;
        try (ConfigurableApplicationContext run = start()) {
            first = run.getBean(BookService.class).find("978-0134685991");
        }
        try (ConfigurableApplicationContext run = start()) {
            BookService books = run.getBean(BookService.class);

            assertThat(books.find("978-0134685991")).isEqualTo(first);
            assertThat(books.catalogueCalls()).as("answered from disk").isZero();
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(BookApplication.class)
                .web(WebApplicationType.NONE)
                .profiles("test")
                .properties("terrace.l2.path=" + data)
                .run();
    }
}
