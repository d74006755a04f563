package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.redis.RedisServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4: health tells kinds of trouble apart, and its probe stays inside the namespace Terrace is
 * given, so that an ACL scoped to that namespace lets a process recover.
 */
class RedisHealthKindsTest {

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());

    @Test
    void underANamespaceScopedAclTheProbeFindsRedisBack() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            // The namespace and the lock channels under it, as docs/operations.md's ACL grants them: a locked
            // change releases its lock with its write, and the release names the lock's channel.
            assertThat(server.command(
                            "ACL SETUSER scoped on >secret ~scoped:* ~redisson_lock__channel:scoped:* &* +@all"))
                    .isEqualTo("+OK");
            try (RedisConnection connection = RedisConnection.open(RedisSettings.from(Map.of(
                    "terrace.l3.address", server.address(),
                    "terrace.l3.username", "scoped",
                    "terrace.l3.password", "secret",
                    "terrace.l3.namespace", "scoped")::get))) {
                RedisTier<String> tier = new RedisTier<>(connection, "m", "acl", codec);
                tier.put("k", new TierEntry("v", TierEntry.ETERNAL));

                connection.health().markDown(new IllegalStateException("test: a dropped connection"));

                await().atMost(30, TimeUnit.SECONDS)
                        .untilAsserted(() -> assertThat(connection.health().isDown())
                                .as("the probe of a key inside the namespace is allowed")
                                .isFalse());
                assertThat(tier.get("k").value()).isEqualTo("v");
            }
        }
    }

    @Test
    void aWrongPasswordIsReportedAsSuchNotAsUnreachable() {
        try (RedisServer server = RedisServer.start("--requirepass", "right");
                RedisConnection connection = RedisConnection.open(RedisSettings.from(Map.of(
                        "terrace.l3.address", server.address(),
                        "terrace.l3.password", "wrong",
                        // Without it the connection refuses to open (AuthenticationFailureTest); here the health
                        // guard must tell the kind once the tier runs on.
                        "terrace.l3.on-auth-failure", "degrade",
                        "terrace.l3.connect-timeout-ms", "1000",
                        "terrace.l3.timeout-ms", "1000")::get))) {
            RedisTier<String> tier = new RedisTier<>(connection, "m", "auth", codec);

            assertThatThrownBy(() -> tier.put("k", new TierEntry("v", TierEntry.ETERNAL)))
                    .isInstanceOf(TierUnavailableException.class)
                    .hasMessageContaining(String.valueOf(server.port()))
                    .hasMessageContaining("credentials")
                    .hasMessageNotContaining("unreachable");
            assertThat(connection.health().problem()).isEqualTo("AUTHENTICATION");
        }
    }

    @Test
    void anErrorReplyIsNoOutage() throws Exception {
        try (RedisServer server = RedisServer.start();
                RedisConnection connection =
                        RedisConnection.open(RedisSettings.from(Map.of("terrace.l3.address", server.address())::get))) {
            RedisTier<String> tier = new RedisTier<>(connection, "m", "wrongtype", codec);
            tier.put("k", new TierEntry("v", TierEntry.ETERNAL));
            // An operator planted a hash where the cache's sequence lives.
            String sequence = "terrace:{m/wrongtype}:seq";
            server.command("DEL " + sequence);
            server.command("HSET " + sequence + " f v");

            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                    () -> tier.put("k", new TierEntry("w", TierEntry.ETERNAL)));
            if (failure != null) {
                assertThat(failure).isInstanceOf(CacheException.class).isNotInstanceOf(TierUnavailableException.class);
            }
            assertThat(connection.health().isDown()).isFalse();
        }
    }
}
