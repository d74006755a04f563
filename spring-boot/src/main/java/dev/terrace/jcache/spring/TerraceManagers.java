package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;

/** The application's open Terrace cache managers; other providers' managers are skipped. */
final class TerraceManagers {

    private TerraceManagers() {}

    static List<TerraceCacheManager> open(ObjectProvider<javax.cache.CacheManager> managers) {
        return managers.orderedStream()
                .filter(manager -> !manager.isClosed() && manager instanceof TerraceCacheManager)
                .map(TerraceCacheManager.class::cast)
                .toList();
    }
}
