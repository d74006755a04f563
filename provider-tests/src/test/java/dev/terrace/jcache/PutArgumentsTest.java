package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: every argument of a script call costs the client a buffer and a copy (Redisson's encoder wraps each
 * one) and the server a Lua string, so a single-key put sends the write script only what it needs: its seven keys
 * and 3 arguments, the shard's constants (origin, heads, log length, channel) packed into one built once, the
 * put's mode, instants, versions, flags and epoch into another, then the tail, its key and value (MONITOR, on a
 * real server, shows each call's arguments; six keys and 13 arguments before).
 */
class PutArgumentsTest {

    private final RedisServer server = RedisServer.start();
    private final List<CacheManager> managers = new ArrayList<>();

    @AfterEach
    void stop() {
        managers.forEach(CacheManager::close);
        server.close();
    }

    /** The arguments of each command MONITOR shows, as it quotes them, for the commands named {@code name}. */
    private static final class Monitor implements AutoCloseable {
        final Socket socket = new Socket();
        final List<List<String>> calls = new CopyOnWriteArrayList<>();

        Monitor(int port, String name) throws IOException {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            Thread reader = new Thread(() -> {
                try {
                    StringBuilder line = new StringBuilder();
                    int c;
                    while ((c = in.read()) != -1) {
                        if (c == '\n') {
                            List<String> arguments = quoted(line.toString());
                            if (!arguments.isEmpty() && arguments.get(0).equalsIgnoreCase(name)) {
                                calls.add(arguments);
                            }
                            line.setLength(0);
                        } else if (c != '\r') {
                            line.append((char) c);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** The quoted strings of a MONITOR line, escapes left as they are. */
        static List<String> quoted(String line) {
            List<String> arguments = new ArrayList<>();
            int i = line.indexOf('"');
            while (i >= 0 && i < line.length()) {
                StringBuilder argument = new StringBuilder();
                int j = i + 1;
                while (j < line.length() && line.charAt(j) != '"') {
                    if (line.charAt(j) == '\\') {
                        argument.append(line.charAt(j++));
                    }
                    argument.append(line.charAt(j++));
                }
                arguments.add(argument.toString());
                i = line.indexOf('"', j + 1);
            }
            return arguments;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Sends one command, each argument as the bytes given, and reads its reply: a number, bytes, or a list. */
    private Object call(byte[]... arguments) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 1_000);
            socket.setSoTimeout(5_000);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] argument : arguments) {
                out.writeBytes(("$" + argument.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(argument);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            socket.getOutputStream().write(out.toByteArray());
            return reply(new java.io.DataInputStream(socket.getInputStream()));
        }
    }

    private static Object reply(java.io.DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case ':':
                return Long.parseLong(rest);
            case '$': {
                byte[] bulk = new byte[Integer.parseInt(rest)];
                in.readFully(bulk);
                in.readFully(new byte[2]);
                return bulk;
            }
            case '*': {
                List<Object> list = new ArrayList<>();
                for (int i = Integer.parseInt(rest); i > 0; i--) {
                    list.add(reply(in));
                }
                return list;
            }
            default:
                return rest;
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Milliseconds Redis keeps the only entry of cache {@code name} (-1: no reclaim instant). */
    private long reclaimIn(String name) throws IOException {
        List<?> names = (List<?>) call(ascii("KEYS"), ascii("*/" + name + "}:e:*"));
        assertThat(names).hasSize(1);
        return (Long) call(ascii("PTTL"), (byte[]) names.get(0));
    }

    /**
     * The reclaim instant a decided put hands Redis (its expiry and a grace second): the creation's, kept by an
     * update under a created policy, renewed by one under a modified policy, none for an eternal entry. The clock
     * the caches decide by is moved 30 s on before the updates; Redis's is not.
     */
    @Test
    void aDecidedPutHandsRedisTheReclaimInstantOfItsOutcome() throws IOException {
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "redis");
        settings.setProperty("terrace.l3.address", server.address());
        settings.put("terrace.clock", clock);
        CacheManager manager = Caches.provider()
                .getCacheManager(
                        URI.create("terrace:put-reclaim"),
                        new URLClassLoader(new URL[0], getClass().getClassLoader()),
                        settings);
        managers.add(manager);
        javax.cache.expiry.Duration minute = new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.MINUTES, 1);
        Cache<String, String> created = manager.createCache(
                "created",
                new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(javax.cache.expiry.CreatedExpiryPolicy.factoryOf(minute)));
        Cache<String, String> modified = manager.createCache(
                "modified",
                new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(javax.cache.expiry.ModifiedExpiryPolicy.factoryOf(minute)));
        Cache<String, String> eternal = manager.createCache("eternal", new MutableConfiguration<String, String>());

        created.put("k", "a");
        modified.put("k", "a");
        eternal.put("k", "a");
        assertThat(reclaimIn("created"))
                .as("a creation: 60 s and the grace second")
                .isBetween(50_000L, 61_000L);
        assertThat(reclaimIn("eternal"))
                .as("an eternal entry has no reclaim instant")
                .isEqualTo(-1);

        clock.advance(Duration.ofSeconds(30));
        created.put("k", "b");
        modified.put("k", "b");
        eternal.put("k", "b");

        assertThat(reclaimIn("created"))
                .as("an update under CreatedExpiryPolicy keeps the creation's reclaim instant")
                .isBetween(50_000L, 61_000L);
        assertThat(reclaimIn("modified"))
                .as("an update under ModifiedExpiryPolicy: 60 s after the update, 30 s on")
                .isBetween(80_000L, 91_000L);
        assertThat(reclaimIn("eternal")).isEqualTo(-1);
        assertThat(created.get("k")).isEqualTo("b");
        assertThat(modified.get("k")).isEqualTo("b");
    }

    @Test
    void aPutSendsTheWriteScriptItsSevenKeysAndThreeArguments() throws IOException {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "redis");
        settings.setProperty("terrace.l3.address", server.address());
        CacheManager manager = Caches.provider()
                .getCacheManager(
                        URI.create("terrace:put-arguments"),
                        new URLClassLoader(new URL[0], getClass().getClassLoader()),
                        settings);
        managers.add(manager);
        Cache<String, String> cache = manager.createCache("args", new MutableConfiguration<String, String>());
        cache.put("warm", "w");

        try (Monitor monitor = new Monitor(server.port(), "EVALSHA")) {
            // MONITOR is on once the server echoes a command sent after it.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                cache.put("k", "v0");
                return monitor.calls.stream()
                        .anyMatch(call -> call.size() > 3 && call.get(3).contains("}:e:"));
            });
            int seen = monitor.calls.size();
            cache.put("k", "v1");
            cache.put("created", "c");
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.calls.size() >= seen + 2);
            // Every call of a script on an entry here is a put (updates of k, the creation of created).
            List<List<String>> puts = monitor.calls.stream()
                    .filter(call -> call.size() > 3 && call.get(3).contains("}:e:"))
                    .toList();
            assertThat(puts).hasSizeGreaterThanOrEqualTo(3);
            for (List<String> put : puts) {
                assertThat(put.get(2)).as("the keys").isEqualTo("7");
                assertThat(put.size() - 3 - 7)
                        .as("arguments after the keys of %s", put.subList(0, 4))
                        .isEqualTo(3);
            }
        }
        assertThat(cache.get("k")).isEqualTo("v1");
        assertThat(cache.get("created")).isEqualTo("c");
    }
}
