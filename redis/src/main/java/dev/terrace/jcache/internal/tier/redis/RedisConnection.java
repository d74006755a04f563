package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.shaded.redisson.Redisson;
import dev.terrace.jcache.internal.shaded.redisson.api.RScript;
import dev.terrace.jcache.internal.shaded.redisson.api.RedissonClient;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisAuthRequiredException;
import dev.terrace.jcache.internal.shaded.redisson.client.RedisWrongPasswordException;
import dev.terrace.jcache.internal.shaded.redisson.client.codec.StringCodec;
import dev.terrace.jcache.internal.shaded.redisson.config.BaseMasterSlaveServersConfig;
import dev.terrace.jcache.internal.shaded.redisson.config.ClusterServersConfig;
import dev.terrace.jcache.internal.shaded.redisson.config.Config;
import dev.terrace.jcache.internal.shaded.redisson.config.ReadMode;
import dev.terrace.jcache.internal.shaded.redisson.config.SentinelServersConfig;
import dev.terrace.jcache.internal.shaded.redisson.config.SingleServerConfig;
import dev.terrace.jcache.internal.shaded.redisson.config.SubscriptionMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One cache manager's connection to Redis, shared by the Redis tiers of its caches. */
public final class RedisConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);
    /** How long the TLS probe of a connection that failed at start waits for the server's reply or refusal. */
    private static final long PROBE_REPLY_MILLIS = 10_000;
    /** How {@link #tlsRefusal} begins when the handshake completed but the server's answer never came. */
    private static final String TLS_UNCONFIRMED = "TLS could not be confirmed";

    private static final String FAILOVER_SCRIPT = RedisTier.script("redis-failover.lua");
    /** How often a Cluster's layout (which master serves which slots) is read. */
    private static final int CLUSTER_SCAN_MILLIS = 1_000;

    private final RedisSettings settings;
    private final RedissonClient client;
    private final UUID origin = UUID.randomUUID();
    private final RedisHealth health;
    private final ScheduledExecutorService coherence = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "terrace-redis-coherence");
        thread.setDaemon(true);
        return thread;
    });

    private RedisConnection(RedisSettings settings, RedissonClient client) {
        this.settings = settings;
        this.client = client;
        this.health = new RedisHealth(client, withoutCredentials(settings), Duration.ofMillis(250));
        if (settings.mode() == RedisSettings.Mode.SENTINEL) {
            coherence.scheduleWithFixedDelay(this::noticeFailover, 0, 1, TimeUnit.SECONDS);
            // Registered before any tier's recovery, so after an outage the epochs are renewed (if the master
            // changed) before the tiers catch up, which then drop their near copies at once.
            health.onRecovery(() -> coherence.execute(this::noticeFailover));
        }
    }

    /**
     * Every second, with Sentinel: when the master is another one than the one the namespace's epochs were
     * last vouched for by (a replica was promoted), renews every cache's epoch, so every process drops the
     * near copies it cannot prove. Replication is asynchronous: the promoted replica may lack writes the old
     * master acknowledged (their near copies would otherwise be served as current for ever), and its sequence
     * numbers go on from an earlier point than the ones processes applied. One process renews; the others see
     * the epoch change within a poll.
     */
    private void noticeFailover() {
        if (health.isDown()) {
            return;
        }
        try {
            String marker = settings.namespace() + ":replication-id";
            Long renewed = client.getScript(StringCodec.INSTANCE)
                    .eval(
                            marker,
                            RScript.Mode.READ_WRITE,
                            FAILOVER_SCRIPT,
                            RScript.ReturnType.LONG,
                            List.of(marker),
                            globEscaped(settings.namespace()) + ":{*}:epoch",
                            RedisTier.newEpoch());
            if (renewed != null && renewed > 0) {
                LOG.warn(
                        "Redis master behind Sentinel master {} is a new one (a replica was promoted): renewed the"
                                + " epoch of {} caches, so every process drops near copies that writes lost with"
                                + " the old master could have left behind",
                        settings.masterName(),
                        renewed);
            }
        } catch (RuntimeException e) {
            // The master is switching or unreachable: the next run asks the new one.
            LOG.debug("Cannot ask the Redis master for its replication id yet: {}", e.toString());
        }
    }

    private static String globEscaped(String text) {
        return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    /** Whether Redis answers, and what to do when it comes back. */
    public RedisHealth health() {
        return health;
    }

    /**
     * Connects as {@code settings} say. Redisson connects lazily, so Redis need not be up yet; but when it is up
     * and refuses this client (a wrong or missing password, an unknown user, a user without the permissions
     * Terrace needs, a TLS handshake that fails), the connection is not opened: an unreachable server may come
     * back, a refusal stays until someone changes the configuration, and running on the near tiers alone while
     * looking healthy is the outcome an operator would least expect.
     *
     * @throws CacheException naming the server and what it refused (never a password), unless {@code
     *     terrace.l3.on-auth-failure} is {@code degrade}, which logs the same at ERROR and goes on with Redis
     *     marked down
     */
    public static RedisConnection open(RedisSettings settings) {
        Config config = new Config();
        config.setLazyInitialization(true);
        // Credentials and TLS on Config itself: their per-server forms are deprecated and log a WARN each.
        if (!settings.username().isEmpty()) {
            config.setUsername(settings.username());
        }
        if (!settings.password().isEmpty()) {
            config.setPassword(settings.password());
        }
        TrustManagerFactory trust = trustManagers(settings.tls());
        KeyManagerFactory keys = keyManagers(settings.tls());
        config.setSslTrustManagerFactory(trust);
        config.setSslKeyManagerFactory(keys);
        int timeout = (int) settings.timeout().toMillis();
        int connectTimeout = (int) settings.connectTimeout().toMillis();
        switch (settings.mode()) {
            case SINGLE -> {
                SingleServerConfig single = config.useSingleServer()
                        .setAddress(settings.address())
                        .setDatabase(settings.database())
                        .setConnectionPoolSize(settings.poolSize())
                        .setConnectionMinimumIdleSize(1)
                        .setSubscriptionConnectionMinimumIdleSize(1)
                        .setTimeout(timeout)
                        .setConnectTimeout(connectTimeout)
                        .setRetryAttempts(1);
            }
            case SENTINEL -> {
                SentinelServersConfig sentinel = masterReplica(config.useSentinelServers(), settings)
                        .setMasterName(settings.masterName())
                        .setDatabase(settings.database());
                settings.nodes().forEach(sentinel::addSentinelAddress);
            }
            case CLUSTER -> {
                // The layout is read every second (Redisson's default: 5 s): after a failover, commands for the
                // failed master's slots fail until Redisson knows the promoted replica as their master.
                ClusterServersConfig cluster =
                        masterReplica(config.useClusterServers(), settings).setScanInterval(CLUSTER_SCAN_MILLIS);
                settings.nodes().forEach(cluster::addNodeAddress);
            }
        }
        RedissonClient client = Redisson.create(config);
        LOG.info("Redis tier connecting to {}", settings);
        RedisConnection connection = new RedisConnection(settings, client);
        String refusal = refusal(client, settings, trust, keys);
        if (refusal != null) {
            String where = withoutCredentials(settings);
            String refused = refusal.startsWith(TLS_UNCONFIRMED) ? "may refuse this client" : "refused this client";
            if (!settings.degradeOnAuthFailure()) {
                connection.close();
                throw new CacheException("Redis at " + where + " " + refused + ": " + refusal
                        + "; fix the credentials or TLS settings (terrace.l3.*), or set terrace.l3.on-auth-failure"
                        + " to degrade to run on the near tiers alone");
            }
            LOG.error(
                    "Redis at {} {}: {}; terrace.l3.on-auth-failure is degrade, so caches run on"
                            + " their near tiers alone until Redis accepts this client",
                    where,
                    refused,
                    refusal);
            // The guard reports the kind (credentials, permission) rather than an outage while it stays down.
            RedisFailure kind = refusal.startsWith("authentication")
                    ? RedisFailure.AUTHENTICATION
                    : refusal.startsWith("permission") ? RedisFailure.PERMISSION : RedisFailure.UNREACHABLE;
            connection.health.markDown(kind, new CacheException(refusal));
        }
        return connection;
    }

    /**
     * Pools, timeouts and credentials of a deployment with masters and replicas (Sentinel, Cluster). Reads and
     * subscriptions go to the master, as writes do: Redis is the authority, and a replica, replicated
     * asynchronously, may answer with an entry older than a write already acknowledged, so a read there could
     * serve a stale value and an atomic decision could be made on one (Redisson reads from replicas by
     * default).
     */
    private static <T extends BaseMasterSlaveServersConfig<T>> T masterReplica(T config, RedisSettings settings) {
        config.setReadMode(ReadMode.MASTER)
                .setSubscriptionMode(SubscriptionMode.MASTER)
                .setMasterConnectionPoolSize(settings.poolSize())
                .setMasterConnectionMinimumIdleSize(1)
                .setSlaveConnectionPoolSize(settings.poolSize())
                .setSlaveConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setTimeout((int) settings.timeout().toMillis())
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setRetryAttempts(1);
        return config;
    }

    /**
     * Asks Redis once, with a command Terrace's least ACL allows, whether it accepts this client.
     *
     * @return what Redis refused (or, over TLS, could not be confirmed not to refuse), in words that hold no
     *     secret, or {@code null} when it accepted the client or could not be asked (an unreachable server is the
     *     health probe's business, not a refusal)
     */
    private static String refusal(
            RedissonClient client, RedisSettings settings, TrustManagerFactory trust, KeyManagerFactory keys) {
        try {
            client.getBucket(settings.namespace() + ":probe", StringCodec.INSTANCE)
                    .isExists();
            return null;
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                String message = String.valueOf(cause.getMessage());
                if (cause instanceof RedisWrongPasswordException
                        || cause instanceof RedisAuthRequiredException
                        || message.contains("WRONGPASS")
                        || message.contains("NOAUTH")) {
                    return "authentication failed ("
                            + (settings.password().isEmpty() ? "no password was given" : "wrong password")
                            + (settings.username().isEmpty()
                                    ? ""
                                    : ", or user '" + settings.username() + "' unknown or disabled")
                            + ")";
                }
                if (message.contains("NOPERM")) {
                    return "permission denied (NOPERM) to "
                            + (settings.username().isEmpty()
                                    ? "the default user"
                                    : "user '" + settings.username() + "'")
                            + " for keys under " + settings.namespace()
                            + ":; grant the least ACL of docs/operations.md";
                }
                if (cause instanceof SSLException ssl) {
                    return tlsFailure(ssl);
                }
            }
            LOG.debug("Redis could not be asked whether it accepts this client: {}", e.toString());
            // With TLS 1.3 a server that wants a client certificate refuses after the client's side of the
            // handshake is done, and Redisson then only sees a timeout: ask once more, over a plain TLS socket.
            return tlsRefusal(settings, trust, keys);
        }
    }

    /**
     * Shakes hands with the first node, as Redisson would (same stores, host name checked), and reads one reply.
     * With TLS 1.3 the client's side of the handshake is done before the server has checked the client's
     * certificate, so the server's refusal comes only on that read: a read that times out, or a connection closed
     * without an answer, after a completed handshake is no proof of acceptance, and is reported as TLS that could
     * not be confirmed rather than passed over as an unreachable server (which would start the caches on their
     * near tiers, looking healthy, when the configuration may be what is wrong).
     *
     * @return why the handshake failed or TLS could not be confirmed, or {@code null} when the server answered or
     *     could not be reached (no connection, or no completed handshake)
     */
    private static String tlsRefusal(RedisSettings settings, TrustManagerFactory trust, KeyManagerFactory keys) {
        String address = settings.mode() == RedisSettings.Mode.SINGLE
                ? settings.address()
                : settings.nodes().get(0);
        if (!address.startsWith("rediss://")) {
            return null;
        }
        URI uri = URI.create(address);
        long replyMillis = Math.max(PROBE_REPLY_MILLIS, settings.timeout().toMillis());
        boolean handshakeDone = false;
        SSLSocket socket = null;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            socket = (SSLSocket) context.getSocketFactory().createSocket();
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), (int)
                    settings.connectTimeout().toMillis());
            // Only a connection that already failed gets here: waiting longer than a command would for the
            // server's refusal keeps a slow server (or a loaded machine) from passing for an unreachable one.
            socket.setSoTimeout((int) replyMillis);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            handshakeDone = true;
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() >= 0) {
                return null;
            }
            return tlsUnconfirmed("closed the connection without an answer");
        } catch (SSLException e) {
            return tlsFailure(e);
        } catch (IOException e) {
            if (handshakeDone) {
                // A refusal sent while the PING was still unread can arrive as a reset instead of an alert.
                return tlsUnconfirmed(
                        e instanceof SocketTimeoutException
                                ? "did not answer a PING within " + replyMillis + " ms"
                                : "closed the connection without an answer (" + e + ")");
            }
            LOG.debug("No TLS handshake with {} to check: {}", uri.getHost(), e.toString());
            return null;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            LOG.debug("No TLS handshake with {} to check: {}", uri.getHost(), e.toString());
            return null;
        } finally {
            // Closed here, not by try-with-resources: a failure to close must not replace the answer read.
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(SSLSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("Closing the TLS check's socket failed: {}", e.toString());
            }
        }
    }

    private static String tlsUnconfirmed(String what) {
        return TLS_UNCONFIRMED + ": the handshake completed, then the server " + what
                + "; a server that requires a client certificate refuses a missing or untrusted one only after the"
                + " handshake (TLS 1.3), so check terrace.l3.key-store (a client certificate, when the server asks for"
                + " one) and terrace.l3.trust-store, or whether the server is overloaded";
    }

    private static String tlsFailure(SSLException e) {
        return "the TLS handshake failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                + "); check terrace.l3.trust-store (the server's CA) and terrace.l3.key-store (a client"
                + " certificate, when the server asks for one)";
    }

    /** Trust managers from the configured trust store, so a private CA needs no JVM-wide trust store. */
    private static TrustManagerFactory trustManagers(RedisSettings.Tls tls) {
        if (tls.trustStore().isEmpty()) {
            return null;
        }
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store(tls.trustStore(), tls.trustStoreType(), tls.trustStorePassword(), "trust"));
            return trust;
        } catch (GeneralSecurityException e) {
            throw new CacheException(
                    "Cannot use the Redis TLS trust store " + tls.trustStore() + ": " + e.getMessage(), e);
        }
    }

    /** Key managers from the configured key store: the client certificate a server may ask for. */
    private static KeyManagerFactory keyManagers(RedisSettings.Tls tls) {
        if (tls.keyStore().isEmpty()) {
            return null;
        }
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(
                    store(tls.keyStore(), tls.keyStoreType(), tls.keyStorePassword(), "key"),
                    tls.keyStorePassword().toCharArray());
            return keys;
        } catch (GeneralSecurityException e) {
            throw new CacheException("Cannot use the Redis TLS key store " + tls.keyStore() + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore store(String path, String type, String password, String kind)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            store.load(in, password.toCharArray());
        } catch (IOException e) {
            // A wrong password shows as an IOException too; its message names no password.
            throw new CacheException(
                    "Cannot read the Redis TLS " + kind + " store " + path + " (type " + type
                            + ", password from terrace.l3." + kind + "-store-password-env): " + e.getMessage(),
                    e);
        }
        return store;
    }

    private static String withoutCredentials(RedisSettings settings) {
        String where = settings.mode() == RedisSettings.Mode.SINGLE
                ? settings.address()
                : settings.nodes().toString();
        // An address may carry user:password@; the message names the server, never a credential.
        return where.replaceAll("//[^@/,\\s]*@", "//");
    }

    public RedissonClient client() {
        return client;
    }

    public RedisSettings settings() {
        return settings;
    }

    /** Identifies this connection in the invalidations it publishes, so it can ignore its own. */
    public UUID origin() {
        return origin;
    }

    /**
     * The thread that applies every cache's invalidations in order, and replays what was missed; one per
     * connection, so announcements never wait on Redisson's own threads.
     */
    ScheduledExecutorService coherence() {
        return coherence;
    }

    @Override
    public void close() {
        coherence.shutdown();
        try {
            coherence.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        health.close();
        client.shutdown();
    }
}
