package dev.terrace.jcache.redis;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Fails a test at once when the JVM finds a deadlock among its threads (monitors and {@code
 * java.util.concurrent} locks alike), instead of letting it hang until the build's timeout.
 */
public final class DeadlockWatchdog {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DeadlockWatchdog() {}

    /** Fails, with the stacks of the threads involved, if any threads of this JVM are deadlocked now. */
    public static void assertNoDeadlock() {
        long[] deadlocked = THREADS.findDeadlockedThreads();
        if (deadlocked == null) {
            return;
        }
        StringBuilder report = new StringBuilder("Java-level deadlock among " + deadlocked.length + " threads:\n");
        for (ThreadInfo info : THREADS.getThreadInfo(deadlocked, true, true)) {
            report.append(info.getThreadName())
                    .append(" waits for ")
                    .append(info.getLockName())
                    .append(" held by ")
                    .append(info.getLockOwnerName())
                    .append('\n');
            for (StackTraceElement frame : info.getStackTrace()) {
                report.append("    at ").append(frame).append('\n');
            }
        }
        fail(report.toString());
    }

    /** Waits up to {@code atMost} for {@code done}, failing at once on a deadlock. */
    public static void awaitWithoutDeadlock(Duration atMost, String what, BooleanSupplier done) {
        await(what).atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertNoDeadlock();
            return done.getAsBoolean();
        });
    }
}
