#!/usr/bin/python3
"""Turns the JSON lines of bench/run.sh into the table of bench/README.md.

    /usr/bin/python3 bench/table.py build/bench/results.jsonl

Every runner prints {"runner", "shape", "ms_per_step", "tokens"} (GEMM
ceilings print "gflops" instead of tokens). tokens/s and GFLOP/s are derived
here, with the same analytic FLOP count as bench_train.cpp, so every row is
counted alike. Each row is compared with the headlab row of the same host:
tokens/s ratio for a peer, achieved-over-ceiling GFLOP/s for a GEMM ceiling.
"""
import json
import sys
from pathlib import Path

SHAPES = json.loads((Path(__file__).with_name("shapes.json")).read_text())

# row runner -> the headlab runner it is compared with
HEADLAB_FOR = {
    "torch-refblas-1t": "headlab-native", "torch-openblas-1t": "headlab-native",
    "torch-openblas-2t": "headlab-native", "gemm-native": "headlab-native",
    "tfjs-wasm-node": "headlab-wasm-node", "tfjs-cpu-node": "headlab-wasm-node", "gemm-wasm-node": "headlab-wasm-node",
    "tfjs-wasm-chromium": "headlab-page-chromium", "tfjs-webgl-chromium": "headlab-page-chromium",
    "headlab-wasm-chromium": "headlab-page-chromium", "headlab-page-step-chromium": "headlab-page-chromium",
    "gemm-wasm-chromium": "headlab-page-chromium",
}
ORDER = ["headlab-native", "headlab-wasm-node", "headlab-wasm-chromium", "headlab-page-chromium",
         "headlab-page-step-chromium",
         "torch-refblas-1t", "torch-openblas-1t", "torch-openblas-2t",
         "tfjs-wasm-node", "tfjs-cpu-node", "tfjs-wasm-chromium", "tfjs-webgl-chromium",
         "gemm-native", "gemm-wasm-node", "gemm-wasm-chromium"]


def step_flops(s):
    """Forward GEMM FLOPs (attention as full T x T) x 3 for forward + backward."""
    B, T, C, F, V, L = s["batch"], s["ctx"], s["d_model"], s["d_mlp"], s["vocab"], s["n_layers"]
    N = B * T
    layer = 2 * N * C * 3 * C + 4 * B * T * T * C + 2 * N * C * C + 4 * N * C * F
    return 3.0 * (L * layer + 2 * N * C * V)


def load(path):
    rows = {}
    for line in Path(path).read_text().splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            if r["runner"] == "headlab-wasm":  # bench_train.js under Node
                r["runner"] = "headlab-wasm-node"
            if r["runner"] == "gemm-wasm":
                r["runner"] = "gemm-wasm-node"
            if "ms_per_step" in r and "gflops" not in r:
                r["tokens_per_s"] = r["tokens"] / (r["ms_per_step"] / 1000.0)
                r["gflops"] = step_flops(SHAPES[r["shape"]]) / (r["ms_per_step"] / 1000.0) / 1e9
            rows[(r["runner"], r.get("shape", ""))] = r
    return rows


def main():
    rows = load(sys.argv[1])
    print("| runner | shape | ms/step | tokens/s | GFLOP/s | headlab / this |")
    print("|---|---|---:|---:|---:|---|")
    for runner in ORDER:
        for shape in SHAPES:
            if shape.startswith("_") or (runner, shape) not in rows:
                continue
            r = rows[(runner, shape)]
            ref = rows.get((HEADLAB_FOR.get(runner, ""), shape))
            ratio = ""
            if ref and runner.startswith("gemm"):
                ratio = "%.0f%% of ceiling (%s)" % (100 * ref["gflops"] / r["gflops"], ref["runner"])
            elif ref:
                ratio = "%.2fx (%s)" % (ref["tokens_per_s"] / r["tokens_per_s"], ref["runner"])
            tps = "%.0f" % r["tokens_per_s"] if "tokens_per_s" in r else ""
            ms = "%.2f" % r["ms_per_step"] if "tokens_per_s" in r else ""
            print("| %s | %s | %s | %s | %.1f | %s |" % (runner, shape, ms, tps, r["gflops"], ratio))
    for r in rows.values():
        if "training" in r:
            t, p = r["training"], r["paused"]
            print("\npage frames (%s, speed=%s): training p50 %.1f ms, p95 %.1f ms, main thread %.1f ms/frame "
                  "(training %.1f, UI %.1f); paused p50 %.1f ms, p95 %.1f ms, main thread %.1f ms/frame"
                  % (r["shape"], r["speed"], t["frame_p50_ms"], t["frame_p95_ms"], t["main_thread_ms_per_frame"],
                     t["train_ms_per_frame"], t.get("ui_ms_per_frame") or 0, p["frame_p50_ms"], p["frame_p95_ms"],
                     p["main_thread_ms_per_frame"]))
        if r["runner"] == "induction-page-chromium":
            print("induction head (score > 0.4) in the page: step %d after %.1f s (speed %s)"
                  % (r["step"], r["seconds"], r["speed"]))


if __name__ == "__main__":
    main()
