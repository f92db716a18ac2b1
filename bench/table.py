#!/usr/bin/python3
"""Turns the JSON lines of bench/run.sh into the table of bench/README.md.

    /usr/bin/python3 bench/table.py build/bench/results.jsonl

Every runner prints {"runner", "shape", "ms_per_step", "tokens"} (GEMM
ceilings print "gflops" instead of tokens). tokens/s and GFLOP/s are derived
here, with the same analytic FLOP count as bench_train.cpp, so every row is
counted alike. Each row is compared with the headlab row of the same host (tokens/s ratio
for a peer, achieved-over-ceiling GFLOP/s for a GEMM ceiling) and, in
Chromium, also with the real page's training loop.
"""
import json
import sys
from pathlib import Path

SHAPES = json.loads((Path(__file__).with_name("shapes.json")).read_text())

# row runner -> the headlab runner it is compared with
HEADLAB_FOR = {
    "torch-openblas-1t": "headlab-native-1t", "torch-openblas-2t": "headlab-native-2t",
    "torch-reference-1t": "headlab-native-1t", "gemm-native": "headlab-native",
    "tfjs-wasm-node": "headlab-wasm-node", "tfjs-cpu-node": "headlab-wasm-node", "gemm-wasm-node": "headlab-wasm-node",
    "tfjs-wasm-chromium": "headlab-wasm-chromium", "tfjs-webgl-chromium": "headlab-wasm-chromium",
    "gemm-wasm-chromium": "headlab-wasm-chromium",
}
ORDER = ["headlab-native", "headlab-wasm-node", "headlab-wasm-chromium", "headlab-page-chromium",
         "headlab-page-step-chromium", "headlab-native-1t", "headlab-native-2t",
         "torch-openblas-1t", "torch-openblas-2t", "torch-reference-1t",
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
            rows[(r["runner"], r.get("shape", r.get("speed", "")))] = r
    return rows


def main():
    rows = load(sys.argv[1])
    print("| runner | shape | ms/step | tokens/s | GFLOP/s | headlab / this | headlab page / this |")
    print("|---|---|---:|---:|---:|---|---|")
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
            page = rows.get(("headlab-page-chromium", shape)) if runner.endswith("chromium") else None
            page_ratio = ""
            if page and runner.startswith("gemm"):
                page_ratio = "%.0f%% of ceiling" % (100 * page["gflops"] / r["gflops"])
            elif page and not runner.startswith("headlab"):
                page_ratio = "%.2fx" % (page["tokens_per_s"] / r["tokens_per_s"])
            tps = "%.0f" % r["tokens_per_s"] if "tokens_per_s" in r else ""
            ms = "%.2f" % r["ms_per_step"] if "tokens_per_s" in r else ""
            if "ms_min" in r:  # bench/versus_torch.py: median of rounds (min..max), what ran it
                ms += " (%.2f..%.2f, %d rounds)" % (r["ms_min"], r["ms_max"], r["rounds"])
                if r.get("blas"):
                    runner += " [PyTorch %s, %s, %d thread(s)]" % (r["torch"], r["blas"], r["threads"])
            print("| %s | %s | %s | %s | %.1f | %s | %s |" % (runner, shape, ms, tps, r["gflops"], ratio, page_ratio))
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
    targets(rows)


def targets(rows):
    """The targets of the issue "Performance", each marked met or MISSED."""
    def get(runner, shape, key):
        r = rows.get((runner, shape))
        return r[key] if r else None

    def line(ok, text):
        print("%s %s" % ("met   " if ok else "MISSED", text))

    print("\ntargets")
    for threads, factor in ((1, 2.0), (2, 1.5)):
        for shape in ("tiny", "small"):
            nat = get("headlab-native-%dt" % threads, shape, "tokens_per_s")
            torch = get("torch-openblas-%dt" % threads, shape, "tokens_per_s")
            if nat and torch:
                line(nat >= factor * torch, "%s native >= %.1fx PyTorch+OpenBLAS, %d thread(s) each: %.2fx"
                     % (shape, factor, threads, nat / torch))
    g, ceil = get("headlab-native", "small", "gflops"), get("gemm-native", "small", "gflops")
    if g and ceil:
        line(g >= 0.5 * ceil, "small native >= 50%% of the native GEMM ceiling: %.0f%%" % (100 * g / ceil))
    for runner in ("headlab-page-chromium", "headlab-wasm-chromium"):
        t = get(runner, "tiny", "tokens_per_s")
        if t:
            line(t >= 25000, "tiny %s >= 25,000 tokens/s: %.0f" % (runner, t))
        g, ceil = get(runner, "tiny", "gflops"), get("gemm-wasm-chromium", "tiny", "gflops")
        if g and ceil:
            line(g >= 0.6 * ceil, "tiny %s >= 60%% of the WASM GEMM ceiling: %.0f%%" % (runner, 100 * g / ceil))
    for speed in ("default", "50"):
        r = rows.get(("induction-page-chromium", speed))
        if r:
            line(r["seconds"] < 20, "induction head in the page in < 20 s (speed %s): %.1f s to step %d"
                 % (speed, r["seconds"], r["step"]))


if __name__ == "__main__":
    main()
