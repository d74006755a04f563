import json, subprocess, sys, collections
# The innermost frames of the DiskPutBenchmark samples whose stack contains MARKER (a class or method name), with
# their share of all the benchmark's samples (native samples, taken every 20 ms, weigh 20x the 1 ms Java ones).
# Usage: python3 jfr-disk-put-tops.py profile.jfr Compactor [depth]
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "200", "--events",
                      "jdk.ExecutionSample,jdk.NativeMethodSample", sys.argv[1]], capture_output=True, text=True, check=True).stdout
marker = sys.argv[2]; depth = int(sys.argv[3]) if len(sys.argv) > 3 else 3
count = collections.Counter(); total = 0
for event in json.loads(out)["recording"]["events"]:
    stack = event["values"].get("stackTrace")
    if not stack: continue
    frames = [f["method"]["type"]["name"].replace("/", ".").split(".")[-1] + "." + f["method"]["name"] for f in stack["frames"]]
    full = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in stack["frames"]]
    if not any("DiskPutBenchmark" in f for f in full): continue
    w = 20 if event["type"] == "jdk.NativeMethodSample" else 1
    total += w
    j = " ".join(full)
    if marker in j:
        count[" < ".join(frames[:depth])] += w
s = sum(count.values())
print(f"{marker}: {s} of {total} ({100*s/total:.1f} %)")
for k, n in count.most_common(25): print(f"{n:6d} {100*n/total:5.1f}%  {k}")
