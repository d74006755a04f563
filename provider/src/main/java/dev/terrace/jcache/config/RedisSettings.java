package dev.terrace.jcache.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

/**
 * How a cache manager reaches Redis, for stacks with the Redis tier. Read from the manager's properties,
 * then system properties, then the defaults:
 *
 * <ul>
 *   <li>{@code terrace.l3.mode}: {@code single} (default), {@code sentinel} or {@code cluster};
 *   <li>{@code terrace.l3.address}: for {@code single}, {@code redis://host:port} (or {@code rediss://} for
 *       TLS), {@code redis://127.0.0.1:6379} by default;
 *   <li>{@code terrace.l3.nodes}: for {@code sentinel} and {@code cluster}, comma-separated addresses;
 *   <li>{@code terrace.l3.master-name}: for {@code sentinel}, the monitored master's name;
 *   <li>{@code terrace.l3.database}: the database number ({@code single} and {@code sentinel}), 0 by default;
 *   <li>{@code terrace.l3.username}, {@code terrace.l3.password}: credentials; {@code
 *       terrace.l3.password-env} names an environment variable to read the password from instead. The
 *       password is never logged;
 *   <li>{@code terrace.l3.connect-timeout-ms} (default 2000), {@code terrace.l3.timeout-ms} (default 1000),
 *       {@code terrace.l3.pool-size} (default 16): connection settings;
 *   <li>{@code terrace.l3.namespace}: a prefix that separates this application's keys from others', {@code
 *       terrace} by default;
 *   <li>{@code terrace.l3.trust-store}, {@code terrace.l3.trust-store-type} (default {@code PKCS12}), {@code
 *       terrace.l3.trust-store-password-env}: the certificates that TLS connections trust (a private CA), instead
 *       of the JVM's; {@code terrace.l3.key-store}, {@code terrace.l3.key-store-type}, {@code
 *       terrace.l3.key-store-password-env}: the client certificate and key presented to a server that asks for
 *       one ({@code tls-auth-clients}). Store passwords are only read from the named environment variables;
 *   <li>{@code terrace.l3.on-auth-failure}: {@code fail} (default) makes cache creation fail when Redis refuses
 *       the credentials, the permissions or the TLS handshake; {@code degrade} logs an ERROR that says why and
 *       goes on with the near tiers only;
 *   <li>{@code terrace.l3.shards}: how many shards (hash tags) each cache's key space is split into, so that a
 *       Redis Cluster spreads one cache over its masters; 0 (default) means 1 on a single server or Sentinel and
 *       {@value #DEFAULT_CLUSTER_SHARDS} on a Cluster. Every process must use the count the cache was written
 *       with: a cache opened with another fails with a {@code CacheException}.
 * </ul>
 */
public record RedisSettings(
        Mode mode,
        String address,
        List<String> nodes,
        String masterName,
        int database,
        String username,
        String password,
        Duration connectTimeout,
        Duration timeout,
        int poolSize,
        String namespace,
        Tls tls,
        boolean degradeOnAuthFailure,
        int shards) {

    /** How many shards a cache has on a Redis Cluster unless {@code terrace.l3.shards} says otherwise. */
    public static final int DEFAULT_CLUSTER_SHARDS = 24;

    /** The most shards a cache may have. */
    public static final int MAX_SHARDS = 1_024;

    /**
     * The trust store and key store of TLS connections; an empty path means the JVM's default trust or no
     * client certificate. Passwords come from environment variables and are never printed.
     */
    public record Tls(
            String trustStore,
            String trustStoreType,
            String trustStorePassword,
            String keyStore,
            String keyStoreType,
            String keyStorePassword) {

        @Override
        public String toString() {
            return "Tls[trustStore=" + (trustStore.isEmpty() ? "JVM default" : trustStore + " (" + trustStoreType + ")")
                    + ", keyStore=" + (keyStore.isEmpty() ? "none" : keyStore + " (" + keyStoreType + ")") + "]";
        }
    }

    /** How Redis is deployed. */
    public enum Mode {
        /** One server at {@code address}. */
        SINGLE,
        /** A master found through the Sentinels in {@code nodes}. */
        SENTINEL,
        /** A Redis Cluster reached through some of its {@code nodes}. */
        CLUSTER
    }

    /**
     * The settings that {@code lookup} names by their {@code terrace.l3.*} property names, else the defaults.
     *
     * @param lookup the value of a property name, {@code null} when it is not set
     * @return the settings
     * @throws IllegalArgumentException when a value is not allowed or a required one is missing, naming the property
     */
    public static RedisSettings from(Function<String, String> lookup) {
        Mode mode = parseMode(value(lookup, "terrace.l3.mode", "single"));
        String address = value(lookup, "terrace.l3.address", "redis://127.0.0.1:6379");
        requireAddress("terrace.l3.address", address);
        List<String> nodes = Arrays.stream(value(lookup, "terrace.l3.nodes", "").split(","))
                .map(String::trim)
                .filter(node -> !node.isEmpty())
                .toList();
        nodes.forEach(node -> requireAddress("terrace.l3.nodes", node));
        if (mode != Mode.SINGLE && nodes.isEmpty()) {
            throw new IllegalArgumentException("terrace.l3.nodes must list the "
                    + mode.name().toLowerCase(Locale.ROOT) + " node addresses (redis://host:port, comma-separated)");
        }
        String masterName = value(lookup, "terrace.l3.master-name", "");
        if (mode == Mode.SENTINEL && masterName.isEmpty()) {
            throw new IllegalArgumentException("terrace.l3.master-name must name the master Sentinel monitors");
        }
        String passwordEnv = value(lookup, "terrace.l3.password-env", "");
        String password = value(lookup, "terrace.l3.password", "");
        if (!passwordEnv.isEmpty()) {
            password = fromEnvironment("terrace.l3.password-env", passwordEnv);
        }
        Tls tls = new Tls(
                value(lookup, "terrace.l3.trust-store", ""),
                value(lookup, "terrace.l3.trust-store-type", "PKCS12"),
                fromEnvironment(
                        "terrace.l3.trust-store-password-env",
                        value(lookup, "terrace.l3.trust-store-password-env", "")),
                value(lookup, "terrace.l3.key-store", ""),
                value(lookup, "terrace.l3.key-store-type", "PKCS12"),
                fromEnvironment(
                        "terrace.l3.key-store-password-env", value(lookup, "terrace.l3.key-store-password-env", "")));
        String onAuthFailure =
                value(lookup, "terrace.l3.on-auth-failure", "fail").toLowerCase(Locale.ROOT);
        if (!onAuthFailure.equals("fail") && !onAuthFailure.equals("degrade")) {
            throw new IllegalArgumentException(
                    "terrace.l3.on-auth-failure must be fail or degrade, was '" + onAuthFailure + "'");
        }
        return new RedisSettings(
                mode,
                address,
                nodes,
                masterName,
                (int) number(lookup, "terrace.l3.database", 0, 0, 15),
                value(lookup, "terrace.l3.username", ""),
                password,
                Duration.ofMillis(number(lookup, "terrace.l3.connect-timeout-ms", 2_000, 1, 600_000)),
                Duration.ofMillis(number(lookup, "terrace.l3.timeout-ms", 1_000, 1, 600_000)),
                (int) number(lookup, "terrace.l3.pool-size", 16, 1, 1_000),
                value(lookup, "terrace.l3.namespace", "terrace"),
                tls,
                onAuthFailure.equals("degrade"),
                shards(lookup, mode));
    }

    /** {@code terrace.l3.shards}, where 0 (the default) means 1, or {@link #DEFAULT_CLUSTER_SHARDS} on a Cluster. */
    private static int shards(Function<String, String> lookup, Mode mode) {
        int shards = (int) number(lookup, "terrace.l3.shards", 0, 0, MAX_SHARDS);
        if (shards == 0) {
            return mode == Mode.CLUSTER ? DEFAULT_CLUSTER_SHARDS : 1;
        }
        return shards;
    }

    /** The value of the environment variable {@code variable}, which {@code setting} names ("" when none is). */
    private static String fromEnvironment(String setting, String variable) {
        if (variable.isEmpty()) {
            return "";
        }
        String value = System.getenv(variable);
        if (value == null) {
            throw new IllegalArgumentException(
                    setting + " names the environment variable " + variable + ", which is not set");
        }
        return value;
    }

    /**
     * The settings read from {@code properties}, then system properties.
     *
     * @param properties the cache manager's properties; may be {@code null}
     * @return the settings
     * @throws IllegalArgumentException when a value is not allowed or a required one is missing, naming the property
     */
    public static RedisSettings from(Properties properties) {
        return from(name -> {
            Object value = properties == null ? null : properties.get(name);
            return value != null ? value.toString() : System.getProperty(name);
        });
    }

    @Override
    public String toString() {
        // Never print the password.
        return "RedisSettings[mode=" + mode + ", address=" + address + ", nodes=" + nodes + ", database=" + database
                + ", namespace=" + namespace + ", password=" + (password.isEmpty() ? "none" : "****") + ", " + tls
                + (degradeOnAuthFailure ? ", on-auth-failure=degrade" : "") + ", shards=" + shards + "]";
    }

    private static String value(Function<String, String> lookup, String name, String fallback) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static long number(Function<String, String> lookup, String name, long fallback, long min, long max) {
        String text = value(lookup, name, Long.toString(fallback));
        try {
            long number = Long.parseLong(text);
            if (number < min || number > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + text);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + text + "'", e);
        }
    }

    private static Mode parseMode(String text) {
        try {
            return Mode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "terrace.l3.mode must be single, sentinel or cluster, was '" + text + "'", e);
        }
    }

    private static void requireAddress(String name, String address) {
        if (!address.startsWith("redis://") && !address.startsWith("rediss://")) {
            throw new IllegalArgumentException(
                    name + " must be redis://host:port or rediss://host:port (TLS), was '" + address + "'");
        }
    }
}
