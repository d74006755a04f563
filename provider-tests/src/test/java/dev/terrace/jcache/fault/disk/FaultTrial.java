package dev.terrace.jcache.fault.disk;

import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.disk.DiskTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.cache.CacheException;

/**
 * One trial of a {@link Fault} against a real disk store: write entries and close the store, damage its files,
 * open it again and read everything back, then write more and "crash" (open a copy of the files taken while
 * the store was open, as {@code kill -9} leaves them) to see that writes made after the repair survive.
 *
 * <p>What it counts: values served that are not the last one written (wrong), acknowledged writes no longer
 * there after the damage (lost before) or after the crash that followed the repair (lost after), exceptions of
 * a type the JCache spec does not allow, and whether the store could not be opened without someone deleting
 * its files (manual).
 */
public final class FaultTrial {

    /** What one trial saw; {@code problem} describes the first non-spec exception or failed open. */
    public record Outcome(long wrong, long lostBefore, long lostAfter, long nonSpec, boolean manual, String problem) {}

    private static final long NEVER = Long.MAX_VALUE;

    private final Path root;
    private final Codec codec =
            new Codec(new JavaSerializer(FaultTrial.class.getClassLoader()), SerialFilter.builtInOnly());
    private long wrong;
    private long lostBefore;
    private long lostAfter;
    private long nonSpec;
    private boolean manual;
    private String problem;

    private FaultTrial(Path root) {
        this.root = root;
    }

    /** Runs {@code fault} once in a new directory under {@code root}, with {@code entries} writes. */
    public static Outcome run(Fault fault, long seed, int entries, Path root) throws IOException {
        FaultTrial trial = new FaultTrial(root);
        trial.trial(fault, new Random(seed), entries);
        return new Outcome(trial.wrong, trial.lostBefore, trial.lostAfter, trial.nonSpec, trial.manual, trial.problem);
    }

    private DiskTier<String> open(Path directory) {
        return DiskTier.open(
                new DiskTier.Options(directory, 64L * 1024 * 1024, false),
                codec,
                Clock.systemUTC(),
                TierListener.none());
    }

    private void trial(Fault fault, Random random, int entries) throws IOException {
        Path store = Files.createTempDirectory(root, "store");
        Map<String, String> written = new HashMap<>();
        try (Tier tier = new Tier(open(store))) {
            write(tier.disk, written, random, entries, "a");
        }
        fault.inject(store, random);
        DiskTier<String> reopened;
        try {
            reopened = open(store);
        } catch (Throwable e) {
            manual = true;
            note(e);
            return;
        }
        Map<String, String> after = new HashMap<>();
        try (Tier tier = new Tier(reopened)) {
            lostBefore += check(tier.disk, written);
            // From here on the store is expected to hold what it held after the repair, plus what follows.
            for (String key : written.keySet()) {
                Object held = read(tier.disk, key);
                after.put(key, held == null ? null : held.toString());
            }
            write(tier.disk, after, random, Math.max(1, entries / 2), "b");
            Path crashed = Files.createTempDirectory(root, "crashed");
            copyFiles(store, crashed);
            try (Tier copy = new Tier(open(crashed))) {
                lostAfter += check(copy.disk, after);
            } catch (Throwable e) {
                manual = true;
                note(e);
            }
        }
    }

    /** Writes, overwrites and removes random keys, recording in {@code model} what each key should hold. */
    private void write(DiskTier<String> disk, Map<String, String> model, Random random, int count, String round) {
        for (int i = 0; i < count; i++) {
            String key = "k" + random.nextInt(Math.max(1, count));
            try {
                if (random.nextInt(10) == 0) {
                    disk.remove(key);
                    model.put(key, null);
                } else {
                    String value = "value-of-" + key + "-" + round + i + "-" + "x".repeat(random.nextInt(200));
                    disk.put(key, new TierEntry(value, NEVER));
                    model.put(key, value);
                }
            } catch (Throwable e) {
                note(e);
            }
        }
    }

    /** Reads every key of {@code model} and every key the store lists; returns how many written entries are gone. */
    private long check(DiskTier<String> disk, Map<String, String> model) {
        long lost = 0;
        for (Map.Entry<String, String> entry : model.entrySet()) {
            Object actual = read(disk, entry.getKey());
            if (actual == null) {
                lost += entry.getValue() == null ? 0 : 1;
            } else if (!actual.equals(entry.getValue())) {
                wrong++;
            }
        }
        try {
            for (Iterator<String> keys = disk.keys(); keys.hasNext(); ) {
                String key = keys.next();
                if (!model.containsKey(key) || model.get(key) == null) {
                    if (read(disk, key) != null) {
                        wrong++;
                    }
                }
            }
        } catch (Throwable e) {
            note(e);
        }
        return lost;
    }

    private Object read(DiskTier<String> disk, String key) {
        try {
            TierEntry entry = disk.get(key);
            return entry == null ? null : entry.value();
        } catch (Throwable e) {
            note(e);
            return null;
        }
    }

    private void note(Throwable e) {
        if (isSpec(e)) {
            if (manual && problem == null) {
                problem = e.toString();
            }
            return;
        }
        nonSpec++;
        if (problem == null) {
            problem = e.toString();
        }
    }

    /** Whether the JCache spec allows a cache method to throw {@code e}. */
    static boolean isSpec(Throwable e) {
        return e instanceof CacheException
                || e instanceof NullPointerException
                || e instanceof ClassCastException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException;
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file) && !file.getFileName().toString().equals("lock")) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }

    /** A store that is closed whatever happens, its closing failures counted like any other. */
    private final class Tier implements AutoCloseable {
        final DiskTier<String> disk;

        Tier(DiskTier<String> disk) {
            this.disk = disk;
        }

        @Override
        public void close() {
            try {
                disk.close();
            } catch (Throwable e) {
                note(e);
            }
        }
    }
}
