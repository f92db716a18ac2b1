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
    "gemm-native-kernel": "headlab-native", "gemm-wasm-node-kernel": "headlab-wasm-node",
    "gemm-wasm-chromium-kernel": "headlab-wasm-chromium",
}
ORDER = ["headlab-native", "headlab-wasm-node", "headlab-wasm-chromium", "headlab-page-chromium",
         "headlab-page-step-chromium", "headlab-page-inframe-chromium", "headlab-page-inframe-step-chromium",
         "headlab-native-1t", "headlab-native-2t",
         "torch-openblas-1t", "torch-openblas-2t", "torch-reference-1t",
         "tfjs-wasm-node", "tfjs-cpu-node", "tfjs-wasm-chromium", "tfjs-webgl-chromium",
         "gemm-native", "gemm-wasm-node", "gemm-wasm-chromium",
         "gemm-native-kernel", "gemm-wasm-node-kernel", "gemm-wasm-chromium-kernel"]


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
            if r["runner"] in ("gemm-wasm", "gemm-wasm-kernel"):  # bench_gemm.js under Node
                r["runner"] = r["runner"].replace("gemm-wasm", "gemm-wasm-node")
            if "ms_per_step" in r and "gflops" not in r:
                r["tokens_per_s"] = r["tokens"] / (r["ms_per_step"] / 1000.0)
                r["gflops"] = step_flops(SHAPES[r["shape"]]) / (r["ms_per_step"] / 1000.0) / 1e9
            rows[(r["runner"], r.get("shape") or "%s@%s" % (r.get("speed", ""), r.get("step", "")))] = r
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
            name = runner
            if "ms_min" in r:  # bench/versus_torch.py: median of rounds (min..max), what ran it
                ms += " (%.2f..%.2f, %d rounds)" % (r["ms_min"], r["ms_max"], r["rounds"])
                name += " [cores %s]" % r["cores"]
                if r.get("blas"):
                    name += " [PyTorch %s, %s, %d thread(s)]" % (r["torch"], r["blas"], r["threads"])
            print("| %s | %s | %s | %s | %.1f | %s | %s |" % (name, shape, ms, tps, r["gflops"], ratio, page_ratio))
    print()
    for r in rows.values():
        if "training" in r:
            t, p = r["training"], r["paused"]
            print("%s (%s, speed=%s, trainer %s): tokens/s %.0f; frames p50 %.1f ms, p95 %.1f ms; main thread "
                  "%.1f ms/frame, answers a message in p50 %.1f / p95 %.1f / max %.1f ms while training, "
                  "p95 %.1f ms paused" % (r["runner"], r["shape"], r["speed"], t.get("trainer"), r["tokens_per_s"],
                                          t["frame_p50_ms"], t["frame_p95_ms"], t["main_thread_ms_per_frame"],
                                          t["answer_p50_ms"], t["answer_p95_ms"], t["answer_max_ms"],
                                          p["answer_p95_ms"]))
        if "seconds" in r and "step" in r and not r["runner"].startswith("promise-"):
            print("%s: step %d after %.1f s from Play (speed %s, trainer %s)"
                  % (r["runner"], r["step"], r["seconds"], r["speed"], r.get("trainer")))
        if r["runner"].startswith("promise-"):
            print("%s: the promise on screen %s step %d, %.1f s from Play (trainer %s)"
                  % (r["runner"], "at" if r["kept"] else "NOT KEPT by", r["step"], r["seconds"], r.get("trainer")))
        if r["runner"].startswith("replay-"):
            if "peak_rss_mib" in r:
                print("%s: a %.1f MiB run file opens in %.2f s, peak RSS %.1f MiB (kept %d snapshots, %d history points)"
                      % (r["runner"], r["file_mib"], r["seconds"], r["peak_rss_mib"], r["snapshots_kept"], r["history_kept"]))
            else:
                print("%s: a %.1f MiB run file opens in %.2f s (trainer %s); the page's engine memory %.1f -> %.1f MiB; "
                      "the main thread's longest task %.0f ms (kept %d snapshots)"
                      % (r["runner"], r["file_mib"], r["seconds"], r["trainer"], r["page_heap_mib_before"],
                         r["peak_heap_mib"], r["longest_block_ms"], r["snapshots_kept"]))
        if r["runner"] == "startup-page-chromium":
            print("startup (first visit, empty cache): first attention maps after %.0f ms (median of %d, %.0f..%.0f); "
                  "%.1f KB gzip -9 loaded: %s" % (r["ready_ms"], r["rounds"], r["ready_min_ms"], r["ready_max_ms"],
                                                  r["gzip_bytes"] / 1024,
                                                  ", ".join("%s %.1f" % (f, b / 1024) for f, b in r["files"].items())))
    targets(rows)


def targets(rows):
    """The targets of issue 11 ("Speed"), each marked met or MISSED."""
    def get(runner, shape, key):
        r = rows.get((runner, shape))
        return r[key] if r else None

    def line(ok, text):
        print("%s %s" % ("met   " if ok else "MISSED", text))

    print("\ntargets")
    t = get("headlab-page-chromium", "tiny", "tokens_per_s")
    if t:
        line(t >= 20000, "tiny page (worker, drawing included) >= 20,000 tokens/s: %.0f" % t)
        p95 = rows[("headlab-page-chromium", "tiny")]["training"]["answer_p95_ms"]
        line(p95 <= 50, "tiny page: main thread answers within 50 ms (p95) while training: %.1f ms" % p95)
    for (runner, key), r in sorted(rows.items()):
        if runner == "induction-page-chromium" and r["step"] >= 400 and r["speed"] == "default":
            line(r["seconds"] < 20, "induction preset: step 400 in < 20 s from Play: step %d after %.1f s"
                 % (r["step"], r["seconds"]))
        if runner == "addsub-page-chromium":
            line(r["seconds"] < 10, "division of labour (addsub, 1 layer): heads split in < 10 s: step %d after %.1f s"
                 % (r["step"], r["seconds"]))
    for (runner, key), r in sorted(rows.items()):
        if runner == "replay-page-chromium":
            line(r["longest_block_ms"] <= 50, "opening %s in the page: no main-thread block over 50 ms: %.0f ms"
                 % (key, r["longest_block_ms"]))
        if runner.startswith("promise-"):
            line(r["kept"] and r["seconds"] < 10, "%s: the experiment's promise on screen < 10 s from Play: %.1f s (step %d)"
                 % (key, r["seconds"], r["step"]))
    t = get("headlab-wasm-chromium", "tiny", "tokens_per_s")
    if t:
        line(t >= 25000, "tiny WASM training loop in Chromium >= 25,000 tokens/s: %.0f" % t)
    for threads, factor in ((1, 2.0), (2, 1.5)):
        for shape in ("tiny", "small"):
            nat = get("headlab-native-%dt" % threads, shape, "tokens_per_s")
            torch = get("torch-openblas-%dt" % threads, shape, "tokens_per_s")
            if nat and torch:
                line(nat >= factor * torch, "%s native >= %.1fx PyTorch+OpenBLAS, %d thread(s) each: %.2fx"
                     % (shape, factor, threads, nat / torch))
    for r in rows.values():
        if r["runner"] == "startup-page-chromium":
            line(r["gzip_bytes"] <= 450 * 1024, "download of the app <= 450 KB gzip: %.1f KB" % (r["gzip_bytes"] / 1024))
            line(r["ready_ms"] < 600, "first attention maps < 0.6 s from localhost: %.0f ms" % r["ready_ms"])


if __name__ == "__main__":
    main()
