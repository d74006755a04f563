package dev.terrace.jcache.internal.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** Registers a cache's MXBeans on the platform MBean server under the names the JCache spec gives. */
public final class MBeans {

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

    /** Registers {@code bean}, replacing a bean registered under the same name. */
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

    private static String safe(String value) {
        return value.replaceAll("[,:=\n]", ".");
    }
}
