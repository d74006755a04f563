package dev.terrace.tck.redis;

import dev.terrace.jcache.redis.RedisCluster;
import dev.terrace.jcache.redis.RedisSentinel;
import dev.terrace.jcache.redis.RedisServer;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts a {@code redis-server} of its own for a TCK run over a stack with the Redis tier, before any test,
 * and stops it after the last: the build needs no Redis of its own. With {@code terrace.l3.mode=cluster} it
 * starts a three-master Redis Cluster instead, and with {@code terrace.l3.mode=sentinel} a Sentinel deployment
 * (a master, a replica and three sentinels). Does nothing for other stacks.
 */
public final class RedisForTck implements LauncherSessionListener {

    private AutoCloseable redis;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String stack = System.getProperty("terrace.stack", "");
        if (!stack.endsWith("redis")) {
            return;
        }
        if ("cluster".equals(System.getProperty("terrace.l3.mode"))) {
            if (System.getProperty("terrace.l3.nodes") == null) {
                RedisCluster cluster = RedisCluster.start(3);
                redis = cluster;
                System.setProperty("terrace.l3.nodes", cluster.nodes());
            }
        } else if ("sentinel".equals(System.getProperty("terrace.l3.mode"))) {
            if (System.getProperty("terrace.l3.nodes") == null) {
                RedisSentinel sentinel = RedisSentinel.start();
                redis = sentinel;
                System.setProperty("terrace.l3.nodes", sentinel.nodes());
                System.setProperty("terrace.l3.master-name", RedisSentinel.MASTER_NAME);
            }
        } else if (System.getProperty("terrace.l3.address") == null) {
            RedisServer server = RedisServer.start();
            redis = server;
            System.setProperty("terrace.l3.address", server.address());
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (redis != null) {
            try {
                redis.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot stop the TCK's Redis", e);
            }
            redis = null;
        }
    }
}
