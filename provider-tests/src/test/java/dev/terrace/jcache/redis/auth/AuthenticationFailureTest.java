package dev.terrace.jcache.redis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis refuses the credentials: cache creation fails and says so (authentication, not "unreachable", and never
 * the password), unless the operator chose to degrade, which logs an ERROR that says why and runs on the near
 * tiers. Issue 13, item 8.
 */
class AuthenticationFailureTest {

    private static final String RIGHT = "right-horse-battery";
    private static final String WRONG = "wrong-staple-9431";

    @TempDir
    Path directory;

    private SecureRedis server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private CacheManager manager(String... extra) {
        String[] settings = new String[extra.length + 6];
        settings[0] = "terrace.stack";
        settings[1] = "heap+disk+redis";
        settings[2] = "terrace.l2.path";
        settings[3] = directory.resolve("disk").toString();
        settings[4] = "terrace.l3.address";
        settings[5] = server.address();
        System.arraycopy(extra, 0, settings, 6, extra.length);
        return Managers.manager(settings);
    }

    @Test
    void aWrongPasswordFailsCacheCreationSayingAuthenticationFailed() {
        server = SecureRedis.plain(directory, "--requirepass", RIGHT);
        try (CacheManager manager = manager("terrace.l3.password", WRONG)) {
            assertThatThrownBy(() -> manager.createCache("orders", new MutableConfiguration<String, String>()))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContaining("authentication failed")
                    .hasMessageContaining("wrong password")
                    .hasMessageNotContaining("unreachable")
                    .hasMessageNotContaining(WRONG)
                    .hasMessageNotContaining(RIGHT);
        }
    }

    @Test
    void aPasswordInTheAddressIsNotRepeatedInTheMessage() {
        server = SecureRedis.plain(directory, "--requirepass", RIGHT);
        String address = "redis://:" + WRONG + "@127.0.0.1:" + server.port();
        try (CacheManager manager = manager("terrace.l3.address", address)) {
            assertThatThrownBy(() -> manager.createCache("orders", new MutableConfiguration<String, String>()))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("redis://127.0.0.1:" + server.port())
                    .hasMessageContaining("authentication failed")
                    .hasMessageNotContaining(WRONG);
        }
    }

    @Test
    void aMissingPasswordFailsCacheCreationSayingNoneWasGiven() {
        server = SecureRedis.plain(directory, "--requirepass", RIGHT);
        try (CacheManager manager = manager()) {
            assertThatThrownBy(() -> manager.createCache("orders", new MutableConfiguration<String, String>()))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContaining("authentication failed (no password was given")
                    .hasMessageNotContaining(RIGHT);
        }
    }

    @Test
    void withDegradeARefusedPasswordIsLoggedAtErrorAndTheCacheRunsOnItsNearTiers() {
        server = SecureRedis.plain(directory, "--requirepass", RIGHT);
        try (Managers.LogLines log = new Managers.LogLines();
                CacheManager manager = manager("terrace.l3.password", WRONG, "terrace.l3.on-auth-failure", "degrade")) {
            Cache<String, String> cache = manager.createCache("orders", new MutableConfiguration<>());

            assertThat(log.at(Level.ERROR))
                    .as("one ERROR that says why the cache runs without Redis")
                    .anySatisfy(line -> assertThat(line)
                            .contains("127.0.0.1:" + server.port())
                            .contains("authentication failed")
                            .contains("on-auth-failure is degrade"));
            assertThat(String.join("\n", log.at(Level.ERROR)) + String.join("\n", log.at(Level.WARN)))
                    .doesNotContain(WRONG, RIGHT);
            cache.put("k", "v");
            assertThat(cache.get("k")).as("served by the near tiers alone").isEqualTo("v");
        }
    }

    @Test
    void theRightPasswordWorksAndLogsNoDeprecationWarning() {
        server = SecureRedis.plain(directory, "--requirepass", RIGHT);
        try (Managers.LogLines log = new Managers.LogLines();
                CacheManager manager = manager("terrace.l3.password", RIGHT)) {
            Cache<String, String> cache = manager.createCache("orders", new MutableConfiguration<>());
            cache.put("k", "v");
            assertThat(cache.get("k")).isEqualTo("v");
            assertThat(log.at(Level.WARN))
                    .as("no WARN at start, least of all Redisson's deprecation of per-server passwords")
                    .isEmpty();
        }
    }
}
