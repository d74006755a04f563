package dev.terrace.jcache.internal.tier.disk;

import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.spi.DiskBackedTier;
import dev.terrace.jcache.internal.spi.DiskTierModule;
import dev.terrace.jcache.internal.tier.TierListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The disk tier module: {@code terrace-jcache} finds it through {@code META-INF/services}. */
public final class DiskTiers implements DiskTierModule {

    private static final Logger LOG = LoggerFactory.getLogger(DiskTiers.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    @Override
    public <K> DiskBackedTier<K> open(
            TerraceSettings settings,
            String managerName,
            String cacheName,
            Codec codec,
            Clock clock,
            TierListener<K> listener) {
        Path root = settings.diskPath();
        if (settings.diskPerProcessPath()) {
            root = root.resolve("pid-" + ProcessHandle.current().pid());
        }
        Path directory = StoreNames.directory(root, managerName, cacheName);
        try {
            return DiskTier.open(
                    new DiskTier.Options(directory, settings.diskMaxBytes(), settings.diskFsync())
                            .withTtl(settings.diskTtl())
                            .withOwner(StoreNames.owner(managerName, cacheName)),
                    codec,
                    clock,
                    listener);
        } catch (StoreInUseException e) {
            if (!e.inThisProcess()) {
                throw e;
            }
            // Another manager of this process (same URI, another class loader) has this cache open. Sharing the
            // store would leave each manager's heap copies stale, so this one gets a store of its own that does
            // not outlive it.
            Path own = directory.resolveSibling(directory.getFileName() + ".instance-" + INSTANCES.incrementAndGet());
            LOG.warn(
                    "Disk store {} is already open in this process by another cache manager with the same URI;"
                            + " cache {} uses the temporary store {}, which is deleted when it closes",
                    directory,
                    cacheName,
                    own);
            return DiskTier.open(
                    new DiskTier.Options(own, settings.diskMaxBytes(), settings.diskFsync(), true, settings.diskTtl()),
                    codec,
                    clock,
                    listener);
        }
    }
}
