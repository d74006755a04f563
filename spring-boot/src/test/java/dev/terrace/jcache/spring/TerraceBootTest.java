package dev.terrace.jcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.jcache.spring.app.BookApp;
import dev.terrace.jcache.spring.app.BookApp.Book;
import dev.terrace.jcache.spring.app.BookApp.Catalogue;
import dev.terrace.testing.LocalRedis;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * A real Spring Boot application with {@code terrace-spring-boot} on its class path and nothing Terrace-specific
 * in its code, over a real {@code redis-server}: its record values come back from disk and Redis, its cache
 * meters count, and its health follows Redis.
 */
class TerraceBootTest {

    private static final LocalRedis REDIS = LocalRedis.start();

    @TempDir
    Path dir;

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @Test
    void aRecordValueComesBackAfterARestartAndInASecondInstanceWithNoConfiguration() {
        try (ConfigurableApplicationContext first = start("a")) {
            assertThat(first.getBean(Catalogue.class).find("1")).isEqualTo(new Book("1", "Title of 1"));
        }
        try (ConfigurableApplicationContext restarted = start("a");
                ConfigurableApplicationContext second = start("b")) {
            Catalogue again = restarted.getBean(Catalogue.class);
            Catalogue other = second.getBean(Catalogue.class);

            assertThat(again.find("1")).isEqualTo(new Book("1", "Title of 1"));
            assertThat(other.find("1")).isEqualTo(new Book("1", "Title of 1"));
            assertThat(again.lookups())
                    .as("answered from the restarted instance's disk")
                    .isZero();
            assertThat(other.lookups()).as("answered from Redis").isZero();

            other.forget("1");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                again.find("1");
                assertThat(again.lookups())
                        .as("the other instance's eviction reached this one")
                        .isEqualTo(1);
            });
        }
    }

    @Test
    void aClassOutsideTheApplicationsPackagesIsStillRefused() {
        try (ConfigurableApplicationContext app = start("c")) {
            javax.cache.Cache<Object, Object> books =
                    app.getBean(javax.cache.CacheManager.class).getCache("books");
            books.put("planted", new Planted());
        }
        try (ConfigurableApplicationContext app = start("c")) {
            javax.cache.Cache<Object, Object> books =
                    app.getBean(javax.cache.CacheManager.class).getCache("books");

            assertThatThrownBy(() -> books.get("planted"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("value")
                    .hasMessageContaining(Planted.class.getName())
                    .hasMessageContaining("serialization.allow");
        }
    }

    @Test
    void springBootsCacheMetersCountTheCachesOfTheYamlFile() {
        try (ConfigurableApplicationContext app = start("d")) {
            Catalogue catalogue = app.getBean(Catalogue.class);
            catalogue.find("2");
            catalogue.find("2");
            MeterRegistry meters = app.getBean(MeterRegistry.class);

            assertThat(meters.get("cache.gets")
                            .tag("cache", "books")
                            .tag("result", "hit")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(meters.get("cache.puts")
                            .tag("cache", "books")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void healthTurnsDegradedWithin2sOfRedisGoingDownAndUpWithin2sOfItsReturn() {
        try (ConfigurableApplicationContext app = start("e")) {
            HealthEndpoint health = app.getBean(HealthEndpoint.class);
            app.getBean(Catalogue.class).find("3");
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            REDIS.kill();
            try {
                await().atMost(Duration.ofSeconds(2))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> health.health().getStatus().getCode().equals("DEGRADED"));
                assertThat(health.healthForPath("terrace").toString()).contains("unreachable");
            } finally {
                REDIS.restart();
            }
            await().atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> health.health().getStatus().equals(Status.UP));
        }
    }

    @Test
    void actuatorTerraceListsEachCacheWithItsTiersAndHealthOverHttp() throws Exception {
        try (ConfigurableApplicationContext app = startWeb("h")) {
            app.getBean(Catalogue.class).find("4");
            app.getBean(Catalogue.class).find("4");
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");

            Map<String, Object> terrace = getJson(base + "/actuator/terrace");
            Map<String, Object> managers = child(terrace, "cacheManagers");
            assertThat(managers).as("the one Terrace manager, by URI").hasSize(1);
            Map<String, Object> manager =
                    child(managers, managers.keySet().iterator().next());
            assertThat(manager).containsEntry("status", "UP");
            Map<String, Object> books = child(child(manager, "caches"), "books");
            assertThat(books)
                    .as("statistics on (Micrometer is present): one miss then one hit")
                    .containsEntry("statisticsEnabled", true)
                    .containsEntry("hits", 1)
                    .containsEntry("misses", 1)
                    .containsEntry("puts", 1);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> tiers = (List<Map<String, Object>>) books.get("tiers");
            assertThat(tiers).extracting(tier -> tier.get("name")).containsExactly("heap", "disk", "redis");
            assertThat(tiers.get(0)).as("the second read was the heap's").containsEntry("hits", 1);

            assertThat(getJson(base + "/actuator/health")).containsEntry("status", "UP");
        }
    }

    @Test
    void aWrongConfigLocationStopsTheApplicationWithACacheExceptionNamingIt() {
        assertThatThrownBy(() -> start("f", "terrace.config=classpath:no-such-terrace.yaml")
                        .close())
                .hasRootCauseInstanceOf(CacheException.class)
                .rootCause()
                .hasMessageContaining("no-such-terrace.yaml");
        assertThatThrownBy(() -> start("g", "spring.cache.jcache.config=classpath:no-such-terrace.yaml")
                        .close())
                .rootCause()
                .hasMessageContaining("no-such-terrace.yaml");
    }

    private ConfigurableApplicationContext startWeb(String instance) {
        return start(
                WebApplicationType.SERVLET,
                instance,
                "server.port=0",
                "server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=health,terrace");
    }

    private ConfigurableApplicationContext start(String instance, String... more) {
        return start(WebApplicationType.NONE, instance, more);
    }

    private static Map<String, Object> getJson(String uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return new ObjectMapper().readValue(response.body(), new TypeReference<Map<String, Object>>() {});
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String name) {
        assertThat(parent).as("JSON object %s", parent).containsKey(name);
        return (Map<String, Object>) parent.get(name);
    }

    /**
     * Starts the application as one more instance: its own disk directory {@code instance} and its own class
     * loader (so its own cache manager, as in another process), with the Redis everyone shares.
     */
    private ConfigurableApplicationContext start(WebApplicationType web, String instance, String... more) {
        List<String> properties = new ArrayList<>(List.of(
                "terrace.config=classpath:terrace-books.yaml",
                "terrace.stack=heap+disk+redis",
                "terrace.l2.path=" + dir.resolve(instance),
                "terrace.l3.address=" + REDIS.address(),
                "spring.jmx.enabled=true",
                "spring.jmx.unique-names=true",
                "management.endpoints.jmx.exposure.include=health",
                "management.endpoint.health.show-details=always",
                "spring.main.banner-mode=off"));
        properties.addAll(List.of(more));
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return new SpringApplicationBuilder(BookApp.class)
                .web(web)
                .resourceLoader(new DefaultResourceLoader(loader))
                .properties(properties.toArray(String[]::new))
                .run();
    }

    /** A class that is not the application's: nothing allows it. */
    static final class Planted implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }
}
