package dev.terrace.jcache.internal.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a cache's MXBeans on the platform MBean server under the names the JCache spec gives.
 *
 * <p>Two managers may share a URI in one JVM (the same URI in two class loaders: two web applications in one
 * container), and then their caches' standard names are the same. Each cache therefore {@link #claim claims}
 * its names when it is created: the first claimant gets the standard names, a later one the same names with
 * an {@code Instance=<n>} property added, so that no cache replaces or unregisters another's beans.
 */
public final class MBeans {

    private static final Logger LOG = LoggerFactory.getLogger(MBeans.class);
    /** The key properties (manager, cache, instance) claimed by the open caches of this provider, by owner. */
    private static final ConcurrentMap<String, Object> CLAIMS = new ConcurrentHashMap<>();

    /** The two kinds of JCache MXBean. */
    public enum Kind {
        CONFIGURATION("CacheConfiguration"),
        STATISTICS("CacheStatistics");

        private final String type;

        Kind(String type) {
            this.type = type;
        }
    }

    private MBeans() {}

    /**
     * Claims the MXBean names of cache {@code cacheName} of the manager {@code managerUri} for {@code owner}
     * (the cache): the standard names unless another open cache, of another manager with the same URI, holds
     * them (or beans are registered under them already, by another copy of this provider); then the first
     * free {@code Instance=<n>}. Give them back with {@link Names#release} when the cache closes.
     */
    public static Names claim(URI managerUri, String cacheName, Object owner) {
        String standard = "CacheManager=" + safe(managerUri.toString()) + ",Cache=" + safe(cacheName);
        for (int instance = 1; ; instance++) {
            String properties = instance == 1 ? standard : standard + ",Instance=" + instance;
            Object holder = CLAIMS.putIfAbsent(properties, owner);
            if (holder != null && holder != owner) {
                continue;
            }
            Names names = new Names(properties, owner, cacheName);
            if (names.registeredElsewhere()) {
                CLAIMS.remove(properties, owner);
                continue;
            }
            if (instance > 1) {
                LOG.info(
                        "Cache {} of manager {}: another manager with the same URI (another class loader) holds the"
                                + " standard MXBean names; this cache's beans are named with Instance={}",
                        cacheName,
                        managerUri,
                        instance);
            }
            return names;
        }
    }

    /** {@code javax.cache:type=<kind>,CacheManager=<uri>,Cache=<name>}, characters JMX forbids replaced. */
    public static ObjectName objectName(Kind kind, URI managerUri, String cacheName) {
        try {
            return new ObjectName("javax.cache:type=" + kind.type + ",CacheManager=" + safe(managerUri.toString())
                    + ",Cache=" + safe(cacheName));
        } catch (MalformedObjectNameException e) {
            throw new CacheException("Cannot name the MBean of cache " + cacheName, e);
        }
    }

    /** {@code dev.terrace.jcache:type=TierStatistics,CacheManager=<uri>,Cache=<name>,Tier=<tier>}. */
    public static ObjectName tierObjectName(URI managerUri, String cacheName, String tier) {
        try {
            return new ObjectName("dev.terrace.jcache:type=TierStatistics,CacheManager=" + safe(managerUri.toString())
                    + ",Cache=" + safe(cacheName) + ",Tier=" + safe(tier));
        } catch (MalformedObjectNameException e) {
            throw new CacheException("Cannot name the tier MBean of cache " + cacheName, e);
        }
    }

    /**
     * Registers {@code bean}, replacing a bean registered under the same name: the caller's own, since names
     * are {@link #claim claimed} by one cache at a time.
     */
    public static void register(Object bean, ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            try {
                server.registerMBean(bean, name);
            } catch (InstanceAlreadyExistsException e) {
                server.unregisterMBean(name);
                server.registerMBean(bean, name);
            }
        } catch (JMException e) {
            throw new CacheException("Cannot register MBean " + name, e);
        }
    }

    /** Unregisters the bean named {@code name}, if there is one. */
    public static void unregister(ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            throw new CacheException("Cannot unregister MBean " + name, e);
        }
    }

    /** The MXBean names one cache claimed; see {@link #claim}. */
    public static final class Names {
        private final String properties;
        private final Object owner;
        private final String cacheName;

        private Names(String properties, Object owner, String cacheName) {
            this.properties = properties;
            this.owner = owner;
            this.cacheName = cacheName;
        }

        /** {@code javax.cache:type=<kind>,CacheManager=<uri>,Cache=<name>[,Instance=<n>]}. */
        public ObjectName of(Kind kind) {
            return name("javax.cache:type=" + kind.type + "," + properties);
        }

        /** {@code dev.terrace.jcache:type=TierStatistics,CacheManager=<uri>,Cache=<name>[,Instance=<n>],Tier=<tier>}. */
        public ObjectName tier(String tier) {
            return name("dev.terrace.jcache:type=TierStatistics," + properties + ",Tier=" + safe(tier));
        }

        /** Gives the names back, once the cache has unregistered its beans. */
        public void release() {
            CLAIMS.remove(properties, owner);
        }

        private boolean registeredElsewhere() {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            return server.isRegistered(of(Kind.CONFIGURATION)) || server.isRegistered(of(Kind.STATISTICS));
        }

        private ObjectName name(String name) {
            try {
                return new ObjectName(name);
            } catch (MalformedObjectNameException e) {
                throw new CacheException("Cannot name an MBean of cache " + cacheName, e);
            }
        }
    }

    private static String safe(String value) {
        return value.replaceAll("[,:=\n]", ".");
    }
}
