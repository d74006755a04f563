import sys, re, collections
# Attribute each worker-thread sample of a JFR print (--stack-depth 200) to a layer of the put path:
# the innermost frame that names a layer decides. Native samples are weighted by argv[3] (their period
# over the execution samples' period).
def load(path, kind):
    text = open(path).read()
    return [ev for ev in re.split(r'\njdk\.%s \{' % kind, text) if 'jmh-worker' in ev]
layers = [
 ("journal write syscall (pwrite/fsync)", r"FileDispatcherImpl|FileChannelImpl\.(write|force)|IOUtil\.write|Util\.getTemporaryDirectBuffer"),
 ("journal framing + CRC32C", r"Journal\.encode|Journal\.(frame|put)|CRC32C"),
 ("compaction", r"Compactor\.|Journal\$Rewrite|JournalReader|Journal\.install"),
 ("journal (queue, locks, other)", r"Journal\.|Journal\$"),
 ("MapDB read of the old value", r"Index\.(lambda\$)?get"),
 ("MapDB index update", r"Index\.(lambda\$)?(put|remove)"),
 ("stored-value framing + CRC32C", r"StoredValue\."),
 ("key/value serialization (codec)", r"\.Codec\.|JavaSerializer|SerializedValue"),
 ("disk tier (locks, other)", r"DiskTier\.|DiskTier\$"),
 ("heap tier (Caffeine)", r"HeapTier|caffeine"),
 ("TieredStore (stripe locks, near copies)", r"TieredStore|NearTiers"),
 ("store-by-value copy", r"ValueCopier|\.copy\."),
 ("JCache layer (TerraceCache, Mutations, events)", r"dev\.terrace\.jcache\."),
]
def classify(ev):
    frames = re.findall(r'^\s+([\w.$<>]+)\(', ev, re.M)
    for f in frames:
        for name, pat in layers:
            if re.search(pat, f): return name
    return "JMH harness / other"
count = collections.Counter()
for ev in load(sys.argv[1], 'ExecutionSample'): count[classify(ev)] += 1
w = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
for ev in load(sys.argv[2], 'NativeMethodSample'): count[classify(ev)] += w
total = sum(count.values())
for k, v in count.most_common():
    print(f"| {k} | {100*v/total:.0f} % |")
print("samples (weighted)", total)
