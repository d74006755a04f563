package dev.terrace.jcache.hibernate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;

/**
 * One process of the two-process test: {@code threads} threads update random rows of {@code counter} for
 * {@code seconds}, each in a transaction that reads the entity (through the second-level cache) and changes
 * it. Prints its figures as {@code key=value} lines.
 *
 * <p>Arguments: region factory ({@code terrace} or {@code jcache}), JDBC URL, rows, threads, seconds, name, and
 * a directory where both processes say they are ready.
 * Terrace's settings come as system properties.
 */
public final class Workload {

    public static void main(String[] args) throws Exception {
        String factory = args[0];
        String url = args[1];
        int rows = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        long seconds = Long.parseLong(args[4]);
        String name = args[5];
        Path rendezvous = Path.of(args[6]);
        AtomicLong updates = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        try (SessionFactory sessions = sessionFactory(factory, url, threads)) {
            // Both processes start updating together, once both have bootstrapped Hibernate.
            Files.createFile(rendezvous.resolve("ready-" + name));
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (countReady(rendezvous) < 2 && System.nanoTime() < giveUp) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    while (System.nanoTime() < deadline) {
                        long id = 1 + ThreadLocalRandom.current().nextInt(rows);
                        try (Session session = sessions.openSession()) {
                            Transaction tx = session.beginTransaction();
                            try {
                                Counter counter = session.find(Counter.class, id);
                                counter.value++;
                                counter.writer = name;
                                tx.commit();
                                updates.incrementAndGet();
                            } catch (RuntimeException e) {
                                failures.incrementAndGet();
                                if (tx.isActive()) {
                                    tx.rollback();
                                }
                            }
                        }
                    }
                });
                workers[t].start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            Statistics statistics = sessions.getStatistics();
            System.out.println("updates=" + updates.get());
            System.out.println("failures=" + failures.get());
            System.out.println("l2hits=" + statistics.getSecondLevelCacheHitCount());
            System.out.println("l2misses=" + statistics.getSecondLevelCacheMissCount());
            System.out.println("l2puts=" + statistics.getSecondLevelCachePutCount());
        }
        System.exit(0);
    }

    private static long countReady(Path rendezvous) throws IOException {
        try (Stream<Path> files = Files.list(rendezvous)) {
            return files.filter(file -> file.getFileName().toString().startsWith("ready-"))
                    .count();
        }
    }

    static SessionFactory sessionFactory(String factory, String url, int pool) {
        Configuration configuration = new Configuration().addAnnotatedClass(Counter.class);
        configuration.setProperty("hibernate.connection.url", url);
        configuration.setProperty("hibernate.connection.username", "terrace");
        configuration.setProperty("hibernate.connection.pool_size", Integer.toString(pool + 1));
        configuration.setProperty("hibernate.hbm2ddl.auto", "none");
        configuration.setProperty("hibernate.cache.use_second_level_cache", "true");
        configuration.setProperty("hibernate.cache.region.factory_class", factory);
        configuration.setProperty("hibernate.javax.cache.provider", "dev.terrace.jcache.TerraceCachingProvider");
        configuration.setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
        configuration.setProperty("hibernate.generate_statistics", "true");
        return configuration.buildSessionFactory();
    }
}
