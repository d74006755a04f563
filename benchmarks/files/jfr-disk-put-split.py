import json, subprocess, sys, collections
# jfr-disk-put.py for a recording whose Java samples are taken every 1 ms (a copy of the JDK's profile.jfc with
# method-sampling-java-interval set to 1 ms; native samples stay at 20 ms and weigh 20x), with one more layer:
# samples whose top frame is in a lock (the compaction read lock, the stripe, the group commit, the journal's
# monitor, the index's lifecycle lock). Usage: python3 jfr-disk-put-split.py profile.jfr
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
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "200", "--events",
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
    weight = 20 if event["type"] == "jdk.NativeMethodSample" else 1
    joined = " ".join(frames)
    if any(x in frames[0] for x in ("locks.", "StampedLock", "ReentrantLock")): joined = "LOCKS " + joined
    count[next((name for name, frame in layers if frame in joined), "JMH harness / other")] += weight
total = sum(count.values())
print("| layer | share | samples |\n|---|---:|---:|")
for name, n in count.most_common():
    print(f"| {name} | {100 * n / total:.1f} % | {n} |")
print(f"| total | 100 % | {total} |")
