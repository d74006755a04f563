package dev.terrace.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The example's demo as {@code mvn -q -pl examples-spring -am package -DskipTests -Prun} runs it, printing the
 * lines docs/spring.md shows: the second lookup answered by the cache, the lookup after the eviction by the
 * catalogue again. Only the times differ from run to run.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoOutputTest {

    @TempDir
    Path data;

    @Test
    void theDemoPrintsTheLinesOfTheDocs(CapturedOutput output) {
        new SpringApplicationBuilder(BookApplication.class)
                .web(WebApplicationType.NONE)
                .properties("terrace.l2.path=" + data)
                .run()
                .close();

        assertThat(output.getOut())
                .containsPattern("lookup 1: Effective Java \\(ISBN 978-0134685991\\) in \\d+ ms"
                        + " \\(catalogue calls so far: 1\\)")
                .containsPattern("lookup 2: Effective Java \\(ISBN 978-0134685991\\) in \\d+ ms"
                        + " \\(catalogue calls so far: 1\\)")
                .contains("after @CacheEvict: catalogue calls 2");
    }
}
