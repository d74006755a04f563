package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 13: two managers with the same URI in different class loaders (two web applications in one
 * container) each publish their caches' MXBeans; closing one must never take the other's away.
 */
class ManagersSharingAUriTest {

    private static final URI URI_OF_BOTH = URI.create("terrace:shared-uri-mbeans");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private static CacheManager managerIn(ClassLoader loader) {
        return Caches.provider().getCacheManager(URI_OF_BOTH, loader, new Properties());
    }

    private Set<ObjectName> beans(String domainAndType) throws Exception {
        return server.queryNames(
                new ObjectName(domainAndType + ",CacheManager="
                        + URI_OF_BOTH.toString().replace(':', '.') + ",Cache=c,*"),
                null);
    }

    @Test
    void closingOneManagerLeavesTheOtherManagersMBeansRegistered() throws Exception {
        ClassLoader first = new URLClassLoader(new URL[0], getClass().getClassLoader());
        ClassLoader second = new URLClassLoader(new URL[0], getClass().getClassLoader());
        CacheManager a = managerIn(first);
        CacheManager b = managerIn(second);
        try {
            MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
                    .setStatisticsEnabled(true)
                    .setManagementEnabled(true);
            Cache<String, String> ofA = a.createCache("c", configuration);
            b.createCache("c", configuration);
            ofA.put("k", "v");
            ofA.get("k");

            assertThat(beans("javax.cache:type=CacheStatistics"))
                    .as("one statistics bean per manager")
                    .hasSize(2);
            assertThat(beans("javax.cache:type=CacheConfiguration")).hasSize(2);

            b.close();

            Set<ObjectName> left = beans("javax.cache:type=CacheStatistics");
            assertThat(left)
                    .as("the first manager's statistics bean outlives the second manager")
                    .hasSize(1);
            assertThat((Long) server.getAttribute(left.iterator().next(), "CacheHits"))
                    .as("and it is the first manager's cache that it reports")
                    .isEqualTo(1L);
            assertThat(beans("javax.cache:type=CacheConfiguration")).hasSize(1);
            assertThat(beans("dev.terrace.jcache:type=TierStatistics")).hasSize(1);
            assertThat(server.isRegistered(new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
                            + URI_OF_BOTH.toString().replace(':', '.') + ",Cache=c")))
                    .as("the first manager's bean keeps the standard name")
                    .isTrue();
        } finally {
            a.close();
            b.close();
        }
        assertThat(beans("javax.cache:type=CacheStatistics")).isEmpty();
        assertThat(beans("dev.terrace.jcache:type=TierStatistics")).isEmpty();
    }
}
