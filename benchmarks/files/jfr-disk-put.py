# Splits the samples of a JMH -prof jfr recording (settings=profile) of a DiskPutBenchmark put into the layers
# of the put path. Each benchmark-thread sample goes to the first layer below whose frame is anywhere on its
# stack (outermost concerns first: a compaction's MapDB lookups count as compaction). Native samples (20 ms)
# weigh 2x the Java samples (10 ms).
from jfr_samples import layer_counts, print_table, recording

USAGE = "Usage: python3 jfr-disk-put.py profile.jfr"
layers = [
    ("compaction (amortised)", "Compactor."),
    ("index rebuild", "StoreOpener."),
    ("journal space claim (zeros) + mmap", "Journal.store"),
    ("journal write system call (pwrite)", "FileDispatcherImpl.pwrite"),
    ("device flush (force)", "FileDispatcherImpl.force"),
    ("MapDB index update", "Index.put"),
    ("MapDB read (authority's compute)", "Index.get"),
    ("stored-value framing + CRC32C", "StoredValue.encode"),
    ("journal framing + CRC32C", "Journal.frame"),
    ("journal (group commit, index hand-off, other)", "Journal."),
    ("key/value encoding (codec)", "Codec."),
    ("disk tier (stripe lock, arrays, other)", "DiskTier."),
    ("heap tier (Caffeine)", "HeapTier"),
    ("TieredStore", "TieredStore"),
    ("JCache layer", "dev.terrace.jcache."),
]
if __name__ == "__main__":
    print_table(layer_counts(recording(USAGE), 128, layers, native_weight=2))
