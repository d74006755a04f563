"""The samples of a JMH -prof jfr recording, as the jfr-disk-put*.py scripts read them: each Java or native
execution sample's stack, its weight, and a table of shares per layer of the put path."""
import collections
import json
import subprocess
import sys

BENCHMARKS = ("dev.terrace.benchmarks.DiskPutBenchmark.", "dev.terrace.benchmarks.DiskBatchBenchmark.")


def recording(usage, arguments=1):
    """The recording's path (sys.argv[1]); prints usage and exits when it is missing or asked for (-h, --help)."""
    if len(sys.argv) < 1 + arguments or sys.argv[1] in ("-h", "--help"):
        print(usage)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    return sys.argv[1]


def samples(path, depth):
    """(event type, frames) of each execution sample with a stack, innermost frame first, each frame named
    package.Class.method, up to depth frames deep."""
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", str(depth), "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", path],
                         capture_output=True, text=True, check=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        stack = event["values"].get("stackTrace")
        if not stack:
            continue
        yield event["type"], [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                              for f in stack["frames"]]


def weight(event_type, native_weight):
    """A native sample weighs native_weight Java samples (the ratio of their sampling periods)."""
    return native_weight if event_type == "jdk.NativeMethodSample" else 1


def layer_counts(path, depth, layers, native_weight, mark=lambda frames: ""):
    """Weighted samples per layer. Each sample inside a benchmark method goes to the first (name, frame) of layers
    whose frame text is anywhere in its stack, after mark(frames) (a word a layer can name) is put before it."""
    count = collections.Counter()
    for event_type, frames in samples(path, depth):
        # Only samples inside a benchmark method: the trial's setup (preloading) and teardown (close) are left out.
        if not any(f.startswith(BENCHMARKS) for f in frames):
            continue
        joined = mark(frames) + " ".join(frames)
        count[next((name for name, frame in layers if frame in joined), "JMH harness / other")] += weight(
            event_type, native_weight)
    return count


def print_table(count):
    """The layers' shares as a Markdown table, largest first."""
    total = sum(count.values())
    print("| layer | share | samples |\n|---|---:|---:|")
    for name, n in count.most_common():
        print(f"| {name} | {100 * n / total:.1f} % | {n} |")
    print(f"| total | 100 % | {total} |")
