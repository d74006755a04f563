# jfr-disk-put.py for a recording whose Java samples are taken every 1 ms (a copy of the JDK's profile.jfc with
# method-sampling-java-interval set to 1 ms; native samples stay at 20 ms and weigh 20x), with one more layer:
# samples whose top frame is in a lock (the compaction read lock, the stripe, the group commit, the journal's
# monitor, the index's lifecycle lock).
from jfr_samples import layer_counts, print_table, recording

USAGE = "Usage: python3 jfr-disk-put-split.py profile.jfr"
layers = [
    ("compaction (amortised)", "Compactor."),
    ("index rebuild", "StoreOpener."),
    ("journal space claim (zeros) + mmap", "Journal.store"),
    ("journal write system call (pwrite)", "FileDispatcherImpl.pwrite"),
    ("device flush (force)", "FileDispatcherImpl.force"),
    ("locks (compaction read lock, stripe, group commit, journal monitor, index lifecycle)", "LOCKS"),
    ("MapDB index update", "Index.put"),
    ("MapDB read (authority's compute)", "Index.get"),
    ("stored-value framing + CRC32C", "StoredValue."),
    ("journal framing + CRC32C", "Journal.frame"),
    ("journal (group commit, index hand-off, other)", "Journal."),
    ("key/value encoding (codec)", "Codec."),
    ("disk tier (stripe lock, arrays, other)", "DiskTier."),
    ("heap tier (Caffeine)", "HeapTier"),
    ("TieredStore", "TieredStore"),
    ("JCache layer", "dev.terrace.jcache."),
]


def in_a_lock(frames):
    return "LOCKS " if any(x in frames[0] for x in ("locks.", "StampedLock", "ReentrantLock")) else ""


if __name__ == "__main__":
    print_table(layer_counts(recording(USAGE), 200, layers, native_weight=20, mark=in_a_lock))
