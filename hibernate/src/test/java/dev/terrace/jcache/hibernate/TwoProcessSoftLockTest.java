package dev.terrace.jcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.testing.LocalRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs × 4 threads update the same 10 rows through Hibernate's READ_WRITE second-level cache on
 * {@code heap+disk+redis}, over a real PostgreSQL and a real Redis: no soft lock is lost ({@code HHH90001005}),
 * every entity can be cached again at once, and what the cache holds afterwards is what the database holds.
 *
 * <p>{@code -Dterrace.hibernate.factory=jcache} runs the same workload on plain hibernate-jcache, for
 * comparison (it logs soft-lock expiries and leaves entities locked).
 */
class TwoProcessSoftLockTest {

    private static final int ROWS = 10;
    private static final int THREADS = 4;
    private static final int SECONDS = 15;

    @TempDir
    Path dir;

    @Test
    void twoProcessesUpdatingSharedEntitiesLoseNoSoftLockAndAgreeWithTheDatabase() throws Exception {
        String factory = System.getProperty("terrace.hibernate.factory", TerraceRegionFactory.NAME);
        try (LocalPostgres postgres = LocalPostgres.start();
                LocalRedis redis = LocalRedis.start()) {
            createRows(postgres.jdbcUrl());
            Process first = worker(factory, "a", postgres, redis);
            Process second = worker(factory, "b", postgres, redis);
            List<String> outputs = new ArrayList<>();
            for (Process worker : List.of(first, second)) {
                if (!worker.waitFor(300, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
            for (String name : List.of("a", "b")) {
                outputs.add(Files.readString(dir.resolve(name + ".log")));
            }
            long expiries = outputs.stream()
                    .flatMap(String::lines)
                    .filter(line -> line.contains("HHH90001005"))
                    .count();
            Check check = check(postgres.jdbcUrl(), redis.address());
            System.out.printf(
                    "factory=%s a: %s%nb: %s%nHHH90001005=%d mismatches=%d uncachable=%d%n",
                    factory,
                    figures(outputs.get(0)),
                    figures(outputs.get(1)),
                    expiries,
                    check.mismatches,
                    check.uncachable);

            assertThat(first.exitValue()).as(outputs.get(0)).isZero();
            assertThat(second.exitValue()).as(outputs.get(1)).isZero();
            assertThat(figure(outputs.get(0), "updates")).isPositive();
            assertThat(figure(outputs.get(1), "updates")).isPositive();
            assertThat(expiries)
                    .as("soft-locked cache entries that expired (HHH90001005)")
                    .isZero();
            assertThat(check.uncachable)
                    .as("entities that could not be cached again")
                    .isZero();
            assertThat(check.mismatches)
                    .as("cached entities that differ from the database")
                    .isZero();
        }
    }

    private Process worker(String factory, String name, LocalPostgres postgres, LocalRedis redis) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx256m",
                "-Dterrace.stack=heap+disk+redis",
                "-Dterrace.l2.path=" + dir.resolve("disk-" + name),
                "-Dterrace.l3.address=" + redis.address()));
        if (!factory.equals(TerraceRegionFactory.NAME)) {
            // Plain hibernate-jcache does not know Hibernate's types are to be allowed.
            command.add("-Dterrace.serialization.allow=org.hibernate.**;dev.terrace.**");
        }
        command.addAll(List.of(
                Workload.class.getName(),
                factory,
                postgres.jdbcUrl(),
                Integer.toString(ROWS),
                Integer.toString(THREADS),
                Integer.toString(SECONDS),
                name,
                dir.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    private static void createRows(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "terrace", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create table counter (id bigint primary key, value bigint not null, writer text)");
            for (int id = 1; id <= ROWS; id++) {
                statement.execute("insert into counter values (" + id + ", 0, null)");
            }
        }
    }

    private record Check(int mismatches, int uncachable) {}

    /**
     * A third process's view (its heap empty, so a hit comes from Redis): each entity the cache holds must
     * equal the database's row, and each must be cached again by one load.
     */
    private static Check check(String url, String redis) throws Exception {
        Configuration configuration = new Configuration().addAnnotatedClass(Counter.class);
        configuration.setProperty("hibernate.connection.url", url);
        configuration.setProperty("hibernate.connection.username", "terrace");
        configuration.setProperty("hibernate.cache.use_second_level_cache", "true");
        configuration.setProperty("hibernate.cache.region.factory_class", TerraceRegionFactory.NAME);
        configuration.setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
        configuration.setProperty("hibernate.generate_statistics", "true");
        configuration.setProperty("terrace.stack", "heap+redis");
        configuration.setProperty("terrace.l3.address", redis);
        int mismatches = 0;
        int uncachable = 0;
        try (SessionFactory sessions = configuration.buildSessionFactory();
                Connection connection = DriverManager.getConnection(url, "terrace", "");
                PreparedStatement select = connection.prepareStatement("select value from counter where id = ?")) {
            Statistics statistics = sessions.getStatistics();
            for (long id = 1; id <= ROWS; id++) {
                select.setLong(1, id);
                long database;
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    database = row.getLong(1);
                }
                long hits = statistics.getSecondLevelCacheHitCount();
                long cached;
                try (Session session = sessions.openSession()) {
                    cached = session.find(Counter.class, id).value;
                }
                if (statistics.getSecondLevelCacheHitCount() > hits && cached != database) {
                    mismatches++;
                }
                hits = statistics.getSecondLevelCacheHitCount();
                try (Session session = sessions.openSession()) {
                    session.find(Counter.class, id);
                }
                if (statistics.getSecondLevelCacheHitCount() == hits) {
                    uncachable++;
                }
            }
        }
        return new Check(mismatches, uncachable);
    }

    private static String figures(String output) {
        return String.join(
                " ",
                output.lines().filter(line -> line.matches("[a-z0-9]+=\\d+")).toList());
    }

    private static long figure(String output, String name) {
        return output.lines()
                .filter(line -> line.startsWith(name + "="))
                .mapToLong(line -> Long.parseLong(line.substring(name.length() + 1)))
                .findFirst()
                .orElse(-1);
    }
}
