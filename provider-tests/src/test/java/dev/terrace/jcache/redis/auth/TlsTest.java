package dev.terrace.jcache.redis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a Redis whose certificate a private CA signed, trusted through Terrace's own trust store setting (not
 * the JVM-wide {@code javax.net.ssl.trustStore}), and a client certificate for a server that requires one
 * (Redis's default {@code tls-auth-clients yes}). A handshake that fails fails cache creation and says TLS.
 * Issue 13, item 8.
 */
class TlsTest {

    @TempDir
    Path directory;

    private Pki pki;
    private SecureRedis server;

    @BeforeEach
    void certificates() throws Exception {
        assertThat(System.getProperty("javax.net.ssl.trustStore"))
                .as("no JVM-wide trust store: the test proves Terrace's own setting")
                .isNull();
        pki = Pki.create(Files.createDirectories(directory.resolve("pki")));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private CacheManager manager(String... extra) {
        String[] settings = new String[extra.length + 4];
        settings[0] = "terrace.stack";
        settings[1] = "heap+redis";
        settings[2] = "terrace.l3.address";
        settings[3] = server.address();
        System.arraycopy(extra, 0, settings, 4, extra.length);
        return Managers.manager(settings);
    }

    private static final String[] TRUST = {
        "terrace.l3.trust-store", null, "terrace.l3.trust-store-password-env", Pki.PASSWORD_ENV
    };

    private String[] trust() {
        String[] trust = TRUST.clone();
        trust[1] = pki.trustStore().toString();
        return trust;
    }

    private String[] trustAndKey() {
        String[] settings = new String[8];
        System.arraycopy(trust(), 0, settings, 0, 4);
        settings[4] = "terrace.l3.key-store";
        settings[5] = pki.keyStore().toString();
        settings[6] = "terrace.l3.key-store-password-env";
        settings[7] = Pki.PASSWORD_ENV;
        return settings;
    }

    private static void works(CacheManager manager) {
        Cache<String, String> cache = manager.createCache("secure", new MutableConfiguration<>());
        cache.put("k", "v");
        assertThat(cache.get("k")).isEqualTo("v");
        assertThat(manager.unwrap(dev.terrace.jcache.TerraceCacheManager.class)
                        .health()
                        .toString())
                .as("Redis answers over TLS")
                .doesNotContain("unreachable");
    }

    @Test
    void aPrivateCaIsTrustedThroughTheTrustStoreSetting() {
        server = SecureRedis.tls(directory, pki, false);
        try (CacheManager manager = manager(trust())) {
            works(manager);
        }
    }

    @Test
    void withoutTheTrustStoreThePrivateCaFailsCacheCreationSayingTls() {
        server = SecureRedis.tls(directory, pki, false);
        try (CacheManager manager = manager()) {
            assertThatThrownBy(() -> manager.createCache("secure", new MutableConfiguration<String, String>()))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContaining("TLS handshake failed")
                    .hasMessageNotContaining("unreachable");
        }
    }

    @Test
    void aClientCertificateFromTheKeyStoreSettingIsAcceptedByAServerThatRequiresOne() {
        server = SecureRedis.tls(directory, pki, true);
        try (CacheManager manager = manager(trustAndKey())) {
            works(manager);
        }
    }

    @Test
    void withoutAClientCertificateAServerThatRequiresOneFailsCacheCreationSayingTls() {
        server = SecureRedis.tls(directory, pki, true);
        try (CacheManager manager = manager(trust())) {
            assertThatThrownBy(() -> manager.createCache("secure", new MutableConfiguration<String, String>()))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContaining("TLS")
                    .hasMessageContaining("key-store")
                    .hasMessageNotContaining("unreachable");
        }
    }

    /**
     * With TLS 1.3 a server's refusal of a missing client certificate reaches the client only on its first read;
     * a server that is slow to send it (here: never answers after the handshake) must not pass for one that
     * accepted the client. The cache started as "unreachable" before, on a timed-out read.
     */
    @Test
    void aServerThatCompletesTheHandshakeButNeverAnswersFailsCacheCreationSayingTlsCouldNotBeConfirmed() {
        try (SilentTlsServer silent = SilentTlsServer.start(pki)) {
            String[] settings = new String[10];
            settings[0] = "terrace.stack";
            settings[1] = "heap+redis";
            settings[2] = "terrace.l3.address";
            settings[3] = silent.address();
            // Redisson gives up soon; the TLS check still waits its own 10 s for the server's answer or refusal.
            settings[4] = "terrace.l3.timeout-ms";
            settings[5] = "500";
            System.arraycopy(trust(), 0, settings, 6, 4);
            try (CacheManager manager = Managers.manager(settings)) {
                assertThatThrownBy(() -> manager.createCache("secure", new MutableConfiguration<String, String>()))
                        .as("a server that never answers after the handshake may be refusing the client certificate")
                        .isInstanceOf(CacheException.class)
                        .hasMessageContaining("127.0.0.1:" + silent.port())
                        .hasMessageContaining("TLS could not be confirmed")
                        .hasMessageContaining("key-store")
                        .hasMessageNotContaining("unreachable");
            }
        }
    }
}
