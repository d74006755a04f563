package dev.terrace.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.h2.tools.Server;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs, each with its own Hibernate session factory on one shared H2 database, and their second-level
 * caches in Terrace's full stack ({@code heap+disk+redis}, a disk directory each): a change one makes through
 * Hibernate reaches the other's cache, which had the old state in its near tiers, without the other touching
 * the database.
 */
class TwoProcessesTest {

    @TempDir
    Path directory;

    private RedisServer redis;
    private Server database;
    private String jdbcUrl;
    private CacheManager manager;
    private SessionFactory sessions;
    private Process other;
    private PrintStream toOther;
    private BufferedReader fromOther;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        int port = freePort();
        // Only on loopback, and only this test may create the in-memory database on it.
        database = Server.createTcpServer(
                        "-tcpPort", Integer.toString(port), "-ifNotExists", "-baseDir", directory.toString())
                .start();
        jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:library;DB_CLOSE_DELAY=-1";

        // The same manager URI as the other process's (the provider's default): it names the caches in Redis.
        Properties terrace = new Properties();
        terrace.setProperty(Library.SERIALIZATION_ALLOW, Library.HIBERNATE_CLASSES);
        terrace.setProperty("terrace.stack", "heap+disk+redis");
        terrace.setProperty("terrace.l2.path", directory.resolve("disk-here").toString());
        terrace.setProperty("terrace.l3.address", redis.address());
        manager = Caching.getCachingProvider(Library.PROVIDER)
                .getCacheManager(TerraceCachingProvider.DEFAULT_URI, getClass().getClassLoader(), terrace);
        sessions = Library.sessionFactory(jdbcUrl, manager, Map.of(AvailableSettings.HBM2DDL_AUTO, "create"));
    }

    @AfterEach
    void stop() throws Exception {
        if (other != null) {
            toOther.close();
            other.waitFor(30, TimeUnit.SECONDS);
            other.destroyForcibly();
        }
        if (sessions != null) {
            sessions.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (database != null) {
            database.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aChangeMadeInOneProcessReachesTheOthersSecondLevelCache() throws Exception {
        Long id = sessions.fromTransaction(session -> {
            Author barbara = new Author("barbara@example.org", "Barbara Liskov");
            session.persist(barbara);
            return barbara.getId();
        });
        startOther();

        assertThat(ask("name " + id)).isEqualTo("Barbara Liskov");
        assertThat(ask("name " + id)).isEqualTo("Barbara Liskov");
        assertThat(Long.parseLong(ask("hits")))
                .as("the other process now has the author in its second-level cache")
                .isPositive();
        assertThat(ask("count")).isEqualTo("1");
        assertThat(ask("count")).as("from its query cache").isEqualTo("1");

        sessions.inTransaction(session -> session.find(Author.class, id).setName("Barbara Jane Liskov"));
        await().atMost(20, TimeUnit.SECONDS).until(() -> ask("name " + id).equals("Barbara Jane Liskov"));

        long hits = Long.parseLong(ask("hits"));
        long statements = Long.parseLong(ask("statements"));
        assertThat(ask("name " + id)).isEqualTo("Barbara Jane Liskov");
        assertThat(Long.parseLong(ask("hits")))
                .as("the new state is in the other process's cache")
                .isEqualTo(hits + 1);
        assertThat(Long.parseLong(ask("statements"))).isEqualTo(statements);

        sessions.inTransaction(session -> session.persist(new Author("frances@example.org", "Frances Allen")));
        await().atMost(20, TimeUnit.SECONDS)
                .alias("the other process's cached query result is invalidated by an insert made here")
                .until(() -> ask("count").equals("2"));

        // And the other way round: this process's cached copy follows a change made there.
        String cachedHere =
                sessions.fromSession(session -> session.find(Author.class, id).getName());
        assertThat(cachedHere).isEqualTo("Barbara Jane Liskov");
        assertThat(ask("rename " + id + " B. Liskov")).isEqualTo("ok");
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> "B. Liskov"
                        .equals(sessions.fromSession(
                                session -> session.find(Author.class, id).getName())));
    }

    private void startOther() throws IOException {
        other = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Xmx256m",
                        "-Dterrace.stack=heap+disk+redis",
                        "-Dterrace.l2.path=" + directory.resolve("disk-there"),
                        "-Dterrace.l3.address=" + redis.address(),
                        "-D" + Library.SERIALIZATION_ALLOW + "=" + Library.HIBERNATE_CLASSES,
                        HibernateProcess.class.getName(),
                        jdbcUrl))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        toOther = new PrintStream(other.getOutputStream(), true, StandardCharsets.UTF_8);
        fromOther = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        String line;
        // Hibernate's and Terrace's start-up lines go to the same output; the protocol starts after "ready".
        while ((line = fromOther.readLine()) != null && !line.equals("ready")) {
            // skip
        }
        assertThat(line).as("the other process started").isEqualTo("ready");
    }

    private String ask(String command) throws IOException {
        toOther.println(command);
        return fromOther.readLine();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
