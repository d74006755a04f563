package dev.terrace.examples.hibernate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.stat.Statistics;

/**
 * A separate JVM with its own Hibernate {@link SessionFactory} on a shared database, its second-level cache in
 * Terrace configured the way an application would: {@code hibernate.javax.cache.provider} names Terrace, which
 * gives Hibernate its default cache manager ({@code terrace:default}), the tier stack from system properties
 * ({@code -Dterrace.stack=...}). Driven line
 * by line on its input:
 *
 * <ul>
 *   <li>{@code name ID}: the author's name, read in a fresh session;
 *   <li>{@code rename ID NAME}: renames the author through Hibernate; answers {@code ok};
 *   <li>{@code count}: the number of authors, from a cacheable query;
 *   <li>{@code hits}: the entity cache hits of {@code Author} so far;
 *   <li>{@code statements}: the JDBC statements prepared so far.
 * </ul>
 *
 * Argument: the JDBC URL.
 */
public final class HibernateProcess {

    private HibernateProcess() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (SessionFactory sessions =
                Library.sessionFactory(args[0], null, Map.of(AvailableSettings.HBM2DDL_AUTO, "none"))) {
            Statistics statistics = sessions.getStatistics();
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.split(" ", 3);
                switch (words[0]) {
                    case "name" ->
                        out.println((Object)
                                sessions.fromSession(session -> session.find(Author.class, Long.valueOf(words[1]))
                                        .getName()));
                    case "rename" -> {
                        sessions.inTransaction(session -> session.find(Author.class, Long.valueOf(words[1]))
                                .setName(words[2]));
                        out.println("ok");
                    }
                    case "count" ->
                        out.println((Object) sessions.fromSession(
                                session -> session.createSelectionQuery("select count(a) from Author a", Long.class)
                                        .setCacheable(true)
                                        .getSingleResult()));
                    case "hits" ->
                        out.println(statistics
                                .getEntityStatistics(Author.class.getName())
                                .getCacheHitCount());
                    case "statements" -> out.println(statistics.getPrepareStatementCount());
                    default -> out.println("unknown command " + words[0]);
                }
            }
        }
    }
}
