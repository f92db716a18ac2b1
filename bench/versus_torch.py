#!/usr/bin/python3
"""headlab against the idiomatic PyTorch peer, interleaved in one script.

Each round runs, for every thread count, headlab (bench_train) and PyTorch
(peers/torch_bench.py) one after the other, in alternating order, each
process pinned to the same cores (1 thread: core 0; 2 threads: cores 0,1).
Every program reports the median ms of its timed steps; this script prints one
JSON line per runner, shape and thread count with the median over rounds and
the range (min..max), for bench/table.py.

    /usr/bin/python3 bench/versus_torch.py [rounds=5] [steps=40] [threads=1,2] [blas=openblas]
        [bench_train=build/bench-native/bench/bench_train]

blas=openblas puts Debian's OpenBLAS (OpenMP build) on LD_LIBRARY_PATH,
blas=reference Debian's reference BLAS; OMP_NUM_THREADS is the thread count.
"""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLAS_DIRS = {"openblas": "/usr/lib/x86_64-linux-gnu/openblas-openmp", "reference": "/usr/lib/x86_64-linux-gnu/blas"}


def run_pinned(cmd, cores, env):
    """Runs cmd on `cores` only and returns its JSON lines."""
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True,
                         preexec_fn=lambda: os.sched_setaffinity(0, cores)).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    args = dict(a.split("=", 1) for a in sys.argv[1:])
    rounds, steps = int(args.get("rounds", 5)), args.get("steps", "40")
    blas = args.get("blas", "openblas")
    bench_train = args.get("bench_train", str(ROOT / "build/bench-native/bench/bench_train"))
    thread_counts = [int(t) for t in args.get("threads", "1,2").split(",") if int(t) <= os.cpu_count()]
    samples = {}  # (runner, shape, threads) -> [ms per step of each round]
    meta = {}
    for r in range(rounds):
        for threads in thread_counts:
            cores = set(range(threads))
            env = dict(os.environ, OMP_NUM_THREADS=str(threads), LD_LIBRARY_PATH=BLAS_DIRS[blas])
            programs = [("headlab", [bench_train, "steps=" + steps, "threads=%d" % threads, "format=json"]),
                        ("torch", ["/usr/bin/python3", str(ROOT / "bench/peers/torch_bench.py"),
                                   "steps=" + steps, "threads=%d" % threads])]
            if r % 2:
                programs.reverse()  # neither runner always goes first
            for name, cmd in programs:
                for row in run_pinned(cmd, cores, env):
                    runner = ("headlab-native-%dt" % row.get("threads", 1) if name == "headlab"
                              else "torch-%s-%dt" % (blas, threads))
                    key = (runner, row["shape"], threads)
                    samples.setdefault(key, []).append(row)
                    meta[key] = row
            print("round %d/%d, %d thread(s), load %s" % (r + 1, rounds, threads,
                  " ".join(Path("/proc/loadavg").read_text().split()[:3])), file=sys.stderr, flush=True)
    for (runner, shape, threads), rows in samples.items():
        ms = [row["ms_per_step"] for row in rows]
        cpu = [row["cpu_ms_per_step"] for row in rows if "cpu_ms_per_step" in row]
        info = meta[(runner, shape, threads)]
        print(json.dumps({"runner": runner, "shape": shape, "threads": threads, "tokens": info["tokens"],
                          "ms_per_step": statistics.median(ms), "ms_min": min(ms), "ms_max": max(ms),
                          "cpu_ms_per_step": statistics.median(cpu) if cpu else None, "rounds": len(ms),
                          "cores": ",".join(map(str, range(threads))),
                          "blas": info.get("blas", ""), "torch": info.get("torch", "")}), flush=True)


if __name__ == "__main__":
    main()
