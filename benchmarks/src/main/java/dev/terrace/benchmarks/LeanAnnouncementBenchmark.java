package dev.terrace.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14, lean announcements: a 10 KB update on {@code heap+redis} in one process (a cache manager), while a
 * second process (another manager, its own connection) has the cache open with no listener ({@code none}), a
 * listener that does not require old values ({@code values}) or one that does ({@code oldValues}). Every
 * process that has the cache open subscribes to its channel, so each announcement goes to two subscribers.
 *
 * <p>Besides the put's average time, the trial's teardown prints what the server sent per put ({@code INFO
 * stats total_net_output_bytes}, the replies and the announcements to both subscribers): the deterministic part
 * of the result.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class LeanAnnouncementBenchmark {

    private static final int VALUE_SIZE = 10_240;
    private static final int KEYS = 100;
    private static final Pattern OUTPUT_BYTES = Pattern.compile("total_net_output_bytes:(\\d+)");

    /** The writing process and the other one, on one Redis server. */
    @State(Scope.Benchmark)
    public static class Processes {
        @Param({"none", "values", "oldValues"})
        public String listener;

        Cache<String, byte[]> writer;
        final byte[][] values = {BenchmarkSupport.value(VALUE_SIZE), BenchmarkSupport.value(VALUE_SIZE)};
        final String[] keys = new String[KEYS];
        final AtomicLong heard = new AtomicLong();
        long puts;
        private int next;
        private CacheManager one;
        private CacheManager two;
        private int port;
        private long outputBefore;

        @Setup(Level.Trial)
        public void open() {
            values[1][0] ^= 1;
            for (int i = 0; i < KEYS; i++) {
                keys[i] = "key-" + i;
            }
            String redis = ForkRedis.address();
            RedisLauncher.flushAll(redis);
            port = RedisLauncher.port(redis);
            URI uri = URI.create("terrace:bench-lean-" + UUID.randomUUID());
            one = manager(uri, redis);
            two = manager(uri, redis);
            MutableConfiguration<String, byte[]> configuration = new MutableConfiguration<String, byte[]>()
                    .setTypes(String.class, byte[].class)
                    .setStatisticsEnabled(false);
            writer = one.createCache("lean", configuration);
            if (!listener.equals("none")) {
                configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        () -> new Counter(heard), null, listener.equals("oldValues"), false));
            }
            two.createCache("lean", configuration);
            for (String key : keys) {
                writer.put(key, values[0]);
            }
            outputBefore = outputBytes(port);
        }

        byte[] nextValue() {
            next++;
            return values[(next / KEYS) & 1];
        }

        String nextKey() {
            return keys[next % KEYS];
        }

        @TearDown(Level.Trial)
        public void close() {
            long sent = outputBytes(port) - outputBefore;
            System.out.printf(
                    "%nlean announcements, listener=%s: %d puts, %d bytes sent by the server per put, %d events heard"
                            + " by the other process%n",
                    listener, puts, puts == 0 ? 0 : sent / puts, heard.get());
            one.close();
            two.close();
        }
    }

    @Benchmark
    public void put10k(Processes p) {
        p.writer.put(p.nextKey(), p.nextValue());
        p.puts++;
    }

    private static CacheManager manager(URI uri, String redis) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "heap+redis");
        properties.setProperty("terrace.l3.address", redis);
        // Another class loader gives another manager, with its own connection and origin, for the same URI.
        ClassLoader loader = new URLClassLoader(new URL[0], LeanAnnouncementBenchmark.class.getClassLoader());
        return Caching.getCachingProvider(BenchmarkSupport.PROVIDER).getCacheManager(uri, loader, properties);
    }

    /** {@code total_net_output_bytes} of {@code INFO stats}. */
    private static long outputBytes(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder header = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                header.append((char) c);
            }
            int length = Integer.parseInt(header.substring(1).trim());
            String info = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
            Matcher matcher = OUTPUT_BYTES.matcher(info);
            BenchmarkSupport.check(matcher.find(), "INFO stats has no total_net_output_bytes");
            return Long.parseLong(matcher.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the events the other process's listener hears. */
    private static final class Counter
            implements CacheEntryCreatedListener<String, byte[]>, CacheEntryUpdatedListener<String, byte[]> {
        private final AtomicLong heard;

        Counter(AtomicLong heard) {
            this.heard = heard;
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends byte[]>> events) {
            events.forEach(e -> heard.incrementAndGet());
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends byte[]>> events) {
            events.forEach(e -> heard.incrementAndGet());
        }
    }
}
