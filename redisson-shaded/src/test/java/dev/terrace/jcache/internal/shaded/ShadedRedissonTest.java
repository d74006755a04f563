package dev.terrace.jcache.internal.shaded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.internal.shaded.redisson.Redisson;
import dev.terrace.jcache.internal.shaded.redisson.api.RBucket;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import dev.terrace.jcache.internal.shaded.redisson.codec.Kryo5Codec;
import dev.terrace.jcache.internal.shaded.redisson.config.Config;
import dev.terrace.jcache.internal.shaded.redisson.config.EqualJitterDelay;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.cache.spi.CachingProvider;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the shaded jar: surefire runs it against target/terrace-redisson-shaded-*.jar itself, with the
 * unshaded Redisson dependency graph removed from the class path (see the module's pom.xml).
 */
class ShadedRedissonTest {

    private static Process redis;
    private static int port;
    private static RedissonClient client;

    @BeforeAll
    static void startRedisAndClient() throws Exception {
        port = freeLoopbackPort();
        redis = new ProcessBuilder(
                        redisServer(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        awaitPong(Duration.ofSeconds(10));

        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port).setConnectionMinimumIdleSize(1);
        client = Redisson.create(config);
    }

    @AfterAll
    static void stopClientAndRedis() throws InterruptedException {
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.destroy();
            if (!redis.waitFor(5, TimeUnit.SECONDS)) {
                redis.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void runsAgainstTheShadedJarWithoutTheUnshadedLibraries() {
        CodeSource source = Redisson.class.getProtectionDomain().getCodeSource();
        assertThat(source.getLocation().getPath()).endsWith(".jar").contains("terrace-redisson-shaded");
        for (String unshaded : List.of(
                "org.redisson.Redisson",
                "io.netty.channel.Channel",
                "reactor.core.publisher.Mono",
                "com.esotericsoftware.kryo.Kryo",
                "org.yaml.snakeyaml.Yaml",
                "net.bytebuddy.ByteBuddy")) {
            assertThatThrownBy(() -> Class.forName(unshaded)).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void setsAndGetsAStringBucket() {
        RBucket<String> bucket = client.getBucket("terrace:smoke:string", StringCodec.INSTANCE);
        bucket.set("hello from the shaded client");

        assertThat(bucket.get()).isEqualTo("hello from the shaded client");
        assertThat(client.getBucket("terrace:smoke:string", StringCodec.INSTANCE)
                        .get())
                .isEqualTo("hello from the shaded client");
    }

    @Test
    void defaultCodecIsTheRelocatedKryoAndRoundTripsObjects() {
        assertThat(client.getConfig().getCodec()).isInstanceOf(Kryo5Codec.class);
        Map<String, Object> value = new TreeMap<>(Map.of("n", 42L, "point", new Point(3, 4), "list", List.of("a")));

        RBucket<Map<String, Object>> bucket = client.getBucket("terrace:smoke:kryo");
        bucket.set(value);

        assertThat(bucket.get()).isEqualTo(value);
    }

    @Test
    void yamlConfigWritesAndReadsTheRelocatedClassNames() throws IOException {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port);
        assertThat(config.toYAML()).contains(StringCodec.class.getName()).doesNotContain("org.redisson");

        // Redisson binds its own YAML constructors (retry delays, Kryo5Codec) to tags that embed class names:
        // the pom relocates those strings too.
        String prefix = "dev.terrace.jcache.internal.shaded.redisson.";
        Config read = Config.fromYAML("singleServerConfig:\n"
                + "  address: \"redis://127.0.0.1:" + port + "\"\n"
                + "  retryDelay: !<" + prefix + "config.EqualJitterDelay> {baseDelay: PT0.2S, maxDelay: PT2S}\n"
                + "codec: !<" + prefix + "codec.Kryo5Codec> {}\n");

        assertThat(read.getCodec()).isInstanceOf(Kryo5Codec.class);
        assertThat(read.useSingleServer().getAddress()).isEqualTo("redis://127.0.0.1:" + port);
        assertThat(read.useSingleServer().getRetryDelay()).isInstanceOf(EqualJitterDelay.class);
    }

    @Test
    void noRedissonCachingProviderIsRegistered() {
        List<String> providers = new ArrayList<>();
        for (ServiceLoader.Provider<CachingProvider> provider :
                ServiceLoader.load(CachingProvider.class).stream().toList()) {
            providers.add(provider.type().getName());
        }
        assertThat(providers).noneMatch(name -> name.toLowerCase().contains("redisson"));
        assertThat(Thread.currentThread()
                        .getContextClassLoader()
                        .getResource("META-INF/services/javax.cache.spi.CachingProvider"))
                .isNull();
    }

    record Point(int x, int y) implements Serializable {}

    private static String redisServer() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return "/usr/bin/redis-server";
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPong(Duration timeout) {
        Awaitility.await("redis-server answers PING on port " + port)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!redis.isAlive()) {
                        throw new IllegalStateException("redis-server exited with " + redis.exitValue());
                    }
                    return answersPong();
                });
    }

    private static boolean answersPong() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[7];
            int read = socket.getInputStream().readNBytes(reply, 0, reply.length);
            return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    }
}
