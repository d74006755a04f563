package dev.terrace.jcache.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.spring.TerraceBoot4HealthIndicator;
import dev.terrace.jcache.spring.TerraceEndpoint;
import dev.terrace.jcache.spring.boot4.app.BookApp;
import dev.terrace.jcache.spring.boot4.app.BookApp.Book;
import dev.terrace.jcache.spring.boot4.app.BookApp.Catalogue;
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
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code terrace-spring-boot} artifact in a real Spring Boot 4 application over a real {@code redis-server}:
 * the same behaviour as on Spring Boot 3.5 ({@code TerraceBootTest}), through Boot 4's moved cache and health
 * modules, with {@code /actuator/health} and {@code /actuator/terrace} read over HTTP. The application's only
 * configuration is its {@code application.yaml}; each instance gets its disk directory and Redis address from
 * the variables that file names.
 */
class TerraceBoot4Test {

    private static final LocalRedis REDIS = LocalRedis.start();
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @Test
    void theApplicationRunsOnSpringBoot4WithTheBoot4AutoConfigurations() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
        try (ConfigurableApplicationContext app = start(WebApplicationType.NONE, "a")) {
            assertThat(app.getBeansOfType(TerraceBoot4HealthIndicator.class)).hasSize(1);
            assertThat(app.getBeansOfType(TerraceEndpoint.class)).hasSize(1);
            assertThat(app.getEnvironment().getProperty("spring.cache.jcache.provider"))
                    .as("the Terrace default of the environment post-processor")
                    .isEqualTo("dev.terrace.jcache.TerraceCachingProvider");
            assertThat(app.getBean(javax.cache.CacheManager.class).getProperties())
                    .as("application.yaml's terrace.* properties, a list as one value")
                    .containsEntry("terrace.stack", "heap+disk+redis")
                    .containsEntry("terrace.l3.address", REDIS.address())
                    .containsEntry("terrace.serialization.allow", "com.partner.dto.*");
        }
    }

    @Test
    void aRecordValueComesBackAfterARestartAndInASecondInstanceWithNoConfiguration() {
        try (ConfigurableApplicationContext first = start(WebApplicationType.NONE, "b")) {
            assertThat(first.getBean(Catalogue.class).find("1")).isEqualTo(new Book("1", "Title of 1"));
        }
        try (ConfigurableApplicationContext restarted = start(WebApplicationType.NONE, "b");
                ConfigurableApplicationContext second = start(WebApplicationType.NONE, "c")) {
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
        try (ConfigurableApplicationContext app = start(WebApplicationType.NONE, "d")) {
            books(app).put("planted", new Planted());
        }
        try (ConfigurableApplicationContext app = start(WebApplicationType.NONE, "d")) {
            javax.cache.Cache<Object, Object> books = books(app);

            assertThatThrownBy(() -> books.get("planted"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("value")
                    .hasMessageContaining(Planted.class.getName())
                    .hasMessageContaining("serialization.allow");
        }
    }

    @Test
    void springBootsCacheMetersCountTheCachesOfTheYamlFile() {
        try (ConfigurableApplicationContext app = start(WebApplicationType.NONE, "e")) {
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
    void actuatorHealthTurnsDegradedWithin2sOfRedisGoingDownAndUpWithin2sOfItsReturn() throws Exception {
        try (ConfigurableApplicationContext app = start(WebApplicationType.SERVLET, "f")) {
            String health = base(app) + "/actuator/health";
            app.getBean(Catalogue.class).find("3");
            assertThat(getJson(health)).containsEntry("status", "UP");

            REDIS.kill();
            try {
                await().atMost(TWO_SECONDS)
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> "DEGRADED".equals(getJson(health).get("status")));
                Map<String, Object> terrace = child(child(getJson(health), "components"), "terrace");
                assertThat(terrace).containsEntry("status", "DEGRADED");
                assertThat(terrace.get("details").toString()).contains("unreachable");
            } finally {
                REDIS.restart();
            }
            await().atMost(TWO_SECONDS)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "UP".equals(getJson(health).get("status")));
        }
    }

    @Test
    void actuatorTerraceListsEachCacheWithItsTiersOverHttp() throws Exception {
        try (ConfigurableApplicationContext app = start(WebApplicationType.SERVLET, "g")) {
            app.getBean(Catalogue.class).find("4");
            app.getBean(Catalogue.class).find("4");

            Map<String, Object> managers = child(getJson(base(app) + "/actuator/terrace"), "cacheManagers");
            assertThat(managers).as("the one Terrace manager, by URI").hasSize(1);
            String uri = managers.keySet().iterator().next();
            assertThat(uri).endsWith("terrace-books.yaml");
            Map<String, Object> manager = child(managers, uri);
            assertThat(manager).containsEntry("status", "UP").containsEntry("reasons", List.of());
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
        }
    }

    private static javax.cache.Cache<Object, Object> books(ConfigurableApplicationContext app) {
        return app.getBean(javax.cache.CacheManager.class).getCache("books");
    }

    private static String base(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    private static Map<String, Object> getJson(String uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readValue(response.body(), new TypeReference<Map<String, Object>>() {});
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String name) {
        assertThat(parent).as("JSON object %s", parent).containsKey(name);
        return (Map<String, Object>) parent.get(name);
    }

    /**
     * Starts the application as one more instance: its own disk directory {@code instance} and its own class
     * loader (so its own cache manager, as in another process), with the Redis everyone shares. The two
     * variables are those {@code application.yaml} names.
     */
    private ConfigurableApplicationContext start(WebApplicationType web, String instance) {
        List<String> properties = new ArrayList<>(List.of(
                "TERRACE_DATA_DIR=" + dir.resolve(instance),
                "REDIS_URL=" + REDIS.address(),
                "server.port=0",
                "server.address=127.0.0.1",
                "spring.main.banner-mode=off"));
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
