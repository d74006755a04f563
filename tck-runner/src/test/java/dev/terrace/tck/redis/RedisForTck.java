package dev.terrace.tck.redis;

import dev.terrace.jcache.redis.RedisServer;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts a {@code redis-server} of its own for a TCK run over a stack with the Redis tier, before any test,
 * and stops it after the last: the build needs no Redis of its own. Does nothing for other stacks.
 */
public final class RedisForTck implements LauncherSessionListener {

    private RedisServer server;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String stack = System.getProperty("terrace.stack", "");
        if (stack.endsWith("redis") && System.getProperty("terrace.l3.address") == null) {
            server = RedisServer.start();
            System.setProperty("terrace.l3.address", server.address());
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
