package dev.terrace.jcache.redis.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.slf4j.LoggerFactory;

/** Cache managers under their own URIs, and what the whole process logs meanwhile. */
final class Managers {

    private static final AtomicInteger IDS = new AtomicInteger();

    private Managers() {}

    /** A new manager; {@code settings} are alternating property names and values. */
    static CacheManager manager(String... settings) {
        Properties properties = new Properties();
        properties.setProperty("terrace.l3.timeout-ms", "2000");
        properties.setProperty("terrace.l3.connect-timeout-ms", "2000");
        for (int i = 0; i < settings.length; i += 2) {
            properties.setProperty(settings[i], settings[i + 1]);
        }
        return Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(
                        URI.create("terrace:auth-test-" + IDS.incrementAndGet()),
                        Managers.class.getClassLoader(),
                        properties);
    }

    /** Collects every log line of the process, from every logger, until closed. */
    static final class LogLines implements AutoCloseable {
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogLines() {
            appender.start();
            root.addAppender(appender);
        }

        List<String> at(Level level) {
            return List.copyOf(appender.list).stream()
                    .filter(event -> event.getLevel() == level)
                    .map(event -> event.getLoggerName() + ": " + event.getFormattedMessage())
                    .toList();
        }

        @Override
        public void close() {
            root.detachAppender(appender);
        }
    }
}
