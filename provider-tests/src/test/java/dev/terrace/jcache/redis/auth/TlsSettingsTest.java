package dev.terrace.jcache.redis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.config.TerraceConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TLS and refusal settings, from YAML and from properties; store passwords only from the environment. */
class TlsSettingsTest {

    @Test
    void yamlKeysBecomeTheRedisSettings() {
        TerraceConfig config = TerraceConfig.parse("""
                cache:
                  stack: heap+redis
                  backends:
                    l3:
                      tls: true
                      trust_store: /etc/terrace/ca.p12
                      trust_store_password_env: PATH
                      key_store: /etc/terrace/client.jks
                      key_store_type: JKS
                      key_store_password_env: PATH
                      on_auth_failure: degrade
                """);
        RedisSettings settings = RedisSettings.from(config.properties(null)::get);

        assertThat(settings.address()).startsWith("rediss://");
        assertThat(settings.tls().trustStore()).isEqualTo("/etc/terrace/ca.p12");
        assertThat(settings.tls().trustStoreType()).isEqualTo("PKCS12");
        assertThat(settings.tls().trustStorePassword()).isEqualTo(System.getenv("PATH"));
        assertThat(settings.tls().keyStore()).isEqualTo("/etc/terrace/client.jks");
        assertThat(settings.tls().keyStoreType()).isEqualTo("JKS");
        assertThat(settings.degradeOnAuthFailure()).isTrue();
        assertThat(settings.toString()).as("no store password printed").doesNotContain(System.getenv("PATH"));
    }

    @Test
    void anUnsetPasswordVariableAndAnUnknownPolicyAreRefused() {
        assertThatThrownBy(() -> RedisSettings.from(Map.of(
                        "terrace.l3.trust-store", "/x.p12",
                        "terrace.l3.trust-store-password-env", "TERRACE_SURELY_UNSET_VARIABLE")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TERRACE_SURELY_UNSET_VARIABLE, which is not set");
        assertThatThrownBy(() -> RedisSettings.from(Map.of("terrace.l3.on-auth-failure", "ignore")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fail or degrade");
    }
}
