package dev.terrace.jcache.redis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terrace under exactly the least ACL that docs/operations.md lists (read from the document, the password
 * put in its place): every operation and cross-manager invalidation work, and Redis logs no denial. Issue 13,
 * item 8.
 */
class AclLeastPrivilegeTest {

    private static final String PASSWORD = "acl-test-secret-7731";
    private static final String ADMIN_PASSWORD = "acl-admin-secret-1197";

    @TempDir
    Path directory;

    private SecureRedis server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The {@code user terrace ...} line in the {@code acl} block of docs/operations.md. */
    static String documentedAcl() throws IOException {
        Path operations = Path.of("..", "docs", "operations.md");
        Matcher block = Pattern.compile("```acl\\n(user terrace [^\\n]+)\\n```").matcher(Files.readString(operations));
        assertThat(block.find())
                .as("docs/operations.md has an acl block with the user terrace line")
                .isTrue();
        return block.group(1);
    }

    private CacheManager process(String name) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty("terrace.l3.username", "terrace");
        settings.setProperty("terrace.l3.password", PASSWORD);
        ClassLoader loader = new URLClassLoader(new URL[0], AclLeastPrivilegeTest.class.getClassLoader());
        return Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(URI.create("terrace:acl-" + name), loader, settings);
    }

    static final class Increment implements EntryProcessor<String, Integer, Integer>, Serializable {
        @Override
        public Integer process(MutableEntry<String, Integer> entry, Object... arguments) {
            int next = entry.exists() ? entry.getValue() + 1 : 1;
            entry.setValue(next);
            return next;
        }
    }

    /** Starts Redis with {@code acl} (the user terrace line, its password still {@code CHANGE-ME}) and an admin. */
    private void startWith(String acl) throws IOException {
        assertThat(acl).contains(">CHANGE-ME");
        Path aclFile = directory.resolve("users.acl");
        Files.writeString(
                aclFile,
                "user default off\n"
                        + "user admin on >" + ADMIN_PASSWORD + " ~* &* +@all\n"
                        + acl.replace(">CHANGE-ME", ">" + PASSWORD) + "\n");
        server = SecureRedis.plain(directory, "--aclfile", aclFile.toString());
    }

    @Test
    void aBatchStillWritesUnderAnAclWrittenBeforeItListedMset() throws IOException {
        String acl = documentedAcl();
        assertThat(acl).contains(" +mset ");
        startWith(acl.replace(" +mset ", " "));
        try (CacheManager one = process("before-mset");
                CacheManager two = process("before-mset")) {
            Cache<String, Integer> mine = one.createCache("counts", new MutableConfiguration<>());
            Cache<String, Integer> theirs = two.createCache("counts", new MutableConfiguration<>());
            mine.putAll(Map.of("c", 3, "d", 4));
            assertThat(theirs.getAll(Set.of("c", "d")))
                    .as("the batch wrote every entry, a SET each, where MSET is refused")
                    .isEqualTo(Map.of("c", 3, "d", 4));
        }
    }

    @Test
    void terraceWorksUnderTheDocumentedLeastAcl() throws IOException {
        startWith(documentedAcl());

        try (CacheManager one = process("shared");
                CacheManager two = processSameUri()) {
            Cache<String, Integer> mine = one.createCache("counts", new MutableConfiguration<>());
            // A listener that requires old values: its interest is recorded in Redis, and values are announced.
            List<String> heard = new CopyOnWriteArrayList<>();
            Cache<String, Integer> theirs = two.createCache(
                    "counts",
                    new MutableConfiguration<String, Integer>()
                            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                    () -> (CacheEntryCreatedListener<String, Integer>)
                                            events -> events.forEach(e -> heard.add(e.getKey() + "=" + e.getValue())),
                                    null,
                                    true,
                                    false)));

            mine.put("a", 1);
            mine.put("b", 2);
            assertThat(mine.get("a")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(heard)
                            .as("the other manager's listener heard the values")
                            .contains("a=1", "b=2"));
            assertThat(theirs.get("a"))
                    .as("read through Redis by the other manager")
                    .isEqualTo(1);
            mine.putAll(Map.of("c", 3, "d", 4));
            assertThat(theirs.getAll(Set.of("a", "b", "c", "d")))
                    .as("bulk operations, in batches, under the same ACL")
                    .isEqualTo(Map.of("a", 1, "b", 2, "c", 3, "d", 4));
            mine.removeAll(Set.of("c", "d"));
            assertThat(mine.invoke("a", new Increment())).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(theirs.get("a"))
                            .as("the other manager's near copy invalidated")
                            .isEqualTo(2));
            assertThat(mine.remove("b")).isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(theirs.get("b")).isNull());
            Map<String, Integer> seen = new HashMap<>();
            theirs.forEach(entry -> seen.put(entry.getKey(), entry.getValue()));
            assertThat(seen).isEqualTo(Map.of("a", 2));
            mine.clear();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(theirs.get("a")).isNull());

            assertThat(deniedObjects())
                    .as("Redis refused Terrace nothing but Redisson's one look, at start, for a cluster proxy"
                            + " (a GET of test1 and test2, which it does without)")
                    .allMatch(object -> object.equals("test1"));
        }
    }

    private CacheManager processSameUri() {
        return process("shared");
    }

    /** The keys, channels or commands that {@code ACL LOG} says were denied. */
    private List<String> deniedObjects() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 1_000);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write(("AUTH admin " + ADMIN_PASSWORD + "\r\nACL LOG\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = in.read(buffer)) != -1) {
                    reply.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
            } catch (SocketTimeoutException e) {
                // all of it arrived
            }
            List<String> lines = List.of(reply.toString().split("\r\n"));
            List<String> objects = new ArrayList<>();
            for (int i = 0; i + 2 < lines.size(); i++) {
                if (lines.get(i).equals("object")) {
                    objects.add(lines.get(i + 2));
                }
            }
            assertThat(lines).as("ACL LOG answered").contains("+OK");
            return objects;
        }
    }
}
