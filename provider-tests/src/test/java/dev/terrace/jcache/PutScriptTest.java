package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
import static dev.terrace.jcache.redis.CommandCounts.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a single-key put, the most frequent write, is a script of its own ({@code redis-put.lua}), which runs
 * the fewest commands a put needs on a real Redis server: where the entry has no time to live, its sequence number
 * and the entry go out in one {@code MSET}, so a put runs five commands ({@code MGET}, the lock's {@code EXISTS},
 * {@code XADD}, {@code MSET}, {@code PUBLISH}) where the write script ran six (two {@code SET}s). An entry with a
 * time to live still gets its {@code PXAT} or {@code KEEPTTL} from a {@code SET} of its own; an entry locked by a
 * change that runs user code is put after it, under its lock.
 */
class PutScriptTest {

    private static final String PUT_SCRIPT = "dev/terrace/jcache/internal/tier/redis/redis-put.lua";
    /** Script calls besides the puts' own: the coherence log polls each cache's position once a second. */
    private static final long POLLS = 3;

    private static final int PUTS = 20;

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "put-script");

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    /** The cache {@code name} in a process of its own. */
    private Cache<String, String> cache(String name, MutableConfiguration<String, String> configuration) {
        return processes.manager("redis").createCache(name, configuration);
    }

    @Test
    void aPutIsThePutScriptAndWritesTheSequenceAndAnEternalEntryWithOneMset() throws Exception {
        Cache<String, String> cache = cache("eternal", new MutableConfiguration<>());
        cache.put("warm", "w");
        long seqBefore = sequence(server, "eternal");

        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < PUTS; i++) {
            cache.put("k" + (i % 10), "v" + i);
        }
        Map<String, Long> after = commandStats(server);

        assertThat(scriptExists(putScriptDigest()))
                .as("the puts called redis-put.lua (by its digest, cached on the server)")
                .isTrue();
        assertThat(scriptCalls(before, after))
                .as("one script call per put (10 creations, 10 updates), besides the polls")
                .isBetween((long) PUTS, PUTS + POLLS);
        assertThat(delta(before, after, "mset"))
                .as("the sequence number and the entry, which has no time to live, in one MSET per put")
                .isEqualTo((long) PUTS);
        assertThat(delta(before, after, "set"))
                .as("no SET: neither the sequence's nor the entry's (the polls' SET NX of the epoch aside)")
                .isLessThanOrEqualTo(POLLS);
        assertThat(delta(before, after, "xadd")).as("one log record per put").isEqualTo((long) PUTS);
        assertThat(delta(before, after, "publish"))
                .as("one announcement per put")
                .isEqualTo((long) PUTS);
        assertThat(delta(before, after, "mget"))
                .as("the entry and the control keys in one MGET per put")
                .isBetween((long) PUTS, PUTS + POLLS);
        assertThat(delta(before, after, "exists"))
                .as("the lock's EXISTS per put")
                .isBetween((long) PUTS, PUTS + POLLS);
        assertThat(sequence(server, "eternal"))
                .as("one sequence number per put")
                .isEqualTo(seqBefore + PUTS);
        for (int i = 0; i < 10; i++) {
            assertThat(cache.get("k" + i)).isEqualTo("v" + (i + 10));
        }
    }

    @Test
    void anEntryWithATimeToLiveGetsItsOwnSetAndKeepsItsReclaimInstant() throws Exception {
        Cache<String, String> cache = cache(
                "expiring",
                new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 1))));
        cache.put("k", "a");
        String entry = server.command("EVAL \"return redis.call('KEYS', '*expiring}:e:*')[1]\" 0");
        long reclaimAt = Long.parseLong(server.command("PEXPIRETIME " + entry).substring(1));

        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < PUTS; i++) {
            cache.put("k", "v" + i);
        }
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "set"))
                .as("per update the sequence's SET and the entry's, which keeps its time to live (KEEPTTL), and the"
                        + " polls' SET NX of the epoch")
                .isBetween(2L * PUTS, 2L * PUTS + POLLS);
        assertThat(delta(before, after, "mset")).isZero();
        assertThat(Long.parseLong(server.command("PEXPIRETIME " + entry).substring(1)))
                .as("the updates under CreatedExpiryPolicy kept the creation's reclaim instant")
                .isEqualTo(reclaimAt);
        assertThat(cache.get("k")).isEqualTo("v" + (PUTS - 1));
    }

    @Test
    void aPutOnAnEntryLockedByAnEntryProcessorElsewhereWaitsForItAndComesAfterIt() throws Exception {
        Cache<String, String> processing = cache("locked", new MutableConfiguration<>());
        Cache<String, String> putting = cache("locked", new MutableConfiguration<>());
        processing.put("k", "a");
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> processor = pool.submit(() -> processing.invoke("k", (entry, arguments) -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                entry.setValue("b");
                return null;
            }));
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> !server.command("KEYS *lock:*").equals("*0"));
            Future<String> put = pool.submit(() -> putting.getAndPut("k", "c"));
            // The put script found the entry locked (its reply -2), and the put waits for the lock.
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> !server.command("PUBSUB CHANNELS redisson_lock__channel*")
                            .equals("*0"));
            release.countDown();

            processor.get(10, TimeUnit.SECONDS);
            assertThat(put.get(10, TimeUnit.SECONDS))
                    .as("the put was made after the entry processor's change, under the lock")
                    .isEqualTo("b");
            assertThat(processing.get("k")).isEqualTo("c");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static String putScriptDigest() throws IOException, NoSuchAlgorithmException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(PUT_SCRIPT)) {
            assertThat(in).as("the put's own script, %s", PUT_SCRIPT).isNotNull();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(in.readAllBytes()));
        }
    }

    /** Whether the server's script cache holds the script of {@code digest} ({@code SCRIPT EXISTS}). */
    private boolean scriptExists(String digest) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 1_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("SCRIPT EXISTS " + digest + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // "*1", then ":1" or ":0".
            String reply = new String(socket.getInputStream().readNBytes(8), StandardCharsets.US_ASCII);
            return reply.startsWith("*1\r\n:1");
        }
    }
}
