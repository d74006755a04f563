import json, subprocess, sys, collections
# Splits the samples of a JMH -prof jfr recording (settings=profile) of a DiskPutBenchmark put into the layers
# of the put path. Each benchmark-thread sample goes to the first layer below whose frame is anywhere on its
# stack (outermost concerns first: a compaction's MapDB lookups count as compaction). Native samples (20 ms)
# weigh 2x the Java samples (10 ms). Usage: python3 jfr-disk-put.py profile.jfr
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
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "128", "--events",
                      "jdk.ExecutionSample,jdk.NativeMethodSample", sys.argv[1]],
                     capture_output=True, text=True, check=True).stdout
count = collections.Counter()
for event in json.loads(out)["recording"]["events"]:
    stack = event["values"].get("stackTrace")
    if not stack:
        continue
    frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in stack["frames"]]
    # Only samples inside a benchmark method: the trial's setup (preloading) and teardown (close) are left out.
    if not any(f.startswith(("dev.terrace.benchmarks.DiskPutBenchmark.", "dev.terrace.benchmarks.DiskBatchBenchmark."))
               for f in frames):
        continue
    weight = 2 if event["type"] == "jdk.NativeMethodSample" else 1
    joined = " ".join(frames)
    count[next((name for name, frame in layers if frame in joined), "JMH harness / other")] += weight
total = sum(count.values())
print("| layer | share | samples |\n|---|---:|---:|")
for name, n in count.most_common():
    print(f"| {name} | {100 * n / total:.1f} % | {n} |")
print(f"| total | 100 % | {total} |")
