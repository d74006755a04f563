package dev.terrace.benchmarks;

/**
 * The Redis server a JMH fork works against: the runner's (named by the system property {@value
 * RedisLauncher#ADDRESS_PROPERTY}, so that every benchmark of a run uses the same server), or, when a
 * benchmark is run on its own from JMH's launcher, one this fork starts and stops when it exits.
 */
final class ForkRedis {

    private static String address;

    private ForkRedis() {}

    static synchronized String address() {
        if (address == null) {
            String given = System.getProperty(RedisLauncher.ADDRESS_PROPERTY);
            if (given != null && !given.isBlank()) {
                address = given;
            } else {
                RedisLauncher launcher = RedisLauncher.start();
                Runtime.getRuntime().addShutdownHook(new Thread(launcher::close, "bench-redis-stop"));
                address = launcher.address();
            }
        }
        return address;
    }
}
