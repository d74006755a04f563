# The innermost frames of the DiskPutBenchmark samples whose stack contains MARKER (a class or method name), with
# their share of all the benchmark's samples (native samples, taken every 20 ms, weigh 20x the 1 ms Java ones).
import collections
import sys

from jfr_samples import recording, samples, weight

USAGE = "Usage: python3 jfr-disk-put-tops.py profile.jfr Compactor [depth]"
if __name__ == "__main__":
    path = recording(USAGE, arguments=2)
    marker = sys.argv[2]; depth = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    count = collections.Counter(); total = 0
    for event_type, full in samples(path, 200):
        if not any("DiskPutBenchmark" in f for f in full): continue
        frames = [f.rsplit(".", 2)[-2] + "." + f.rsplit(".", 1)[-1] for f in full]
        w = weight(event_type, 20)
        total += w
        if marker in " ".join(full):
            count[" < ".join(frames[:depth])] += w
    s = sum(count.values())
    print(f"{marker}: {s} of {total} ({100*s/total:.1f} %)")
    for k, n in count.most_common(25): print(f"{n:6d} {100*n/total:5.1f}%  {k}")
