#!/usr/bin/env bash
# Runs every benchmark of bench/README.md on this machine and prints the table
# with ratios headlab / peer (bench/table.py). Builds what it runs.
#   bench/run.sh          the full run (about 25 minutes on 2 cores, builds included)
#   bench/run.sh quick    a smoke run: few steps, short page samples
# APP_DIR=build/web-release/web bench/run.sh   reuses a built web app instead of
# building one in build/bench-web. Results: build/bench/results.jsonl.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
OUT="$ROOT/build/bench"
RES="$OUT/results.jsonl"
mkdir -p "$OUT"
: > "$RES"
quick=0
[ "${1:-}" = quick ] && quick=1
n() { if [ $quick = 1 ]; then echo "$2"; else echo "$1"; fi; }  # n FULL QUICK
say() { printf '\n== %s\n' "$*" >&2; }

# --- prerequisites: OpenBLAS for PyTorch, TF.js and playwright-core from npm --------
OPENBLAS=/usr/lib/x86_64-linux-gnu/openblas-openmp
if [ ! -e "$OPENBLAS/libblas.so.3" ]; then
  say "installing libopenblas0-openmp (PyTorch's BLAS for the peer rows)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libopenblas0-openmp >/dev/null
fi
[ -d bench/peers/node_modules/@tensorflow/tfjs-backend-wasm ] || (cd bench/peers && npm ci --silent --no-audit --no-fund)

# --- builds ------------------------------------------------------------------------
say "native build (build/bench-native)"
cmake -S . -B build/bench-native -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEADLAB_GUI=OFF -DHEADLAB_TESTS=OFF >/dev/null
cmake --build build/bench-native -j2 --target bench_train bench_gemm bench_replay headlab-train >/dev/null
say "WASM build (build/bench-wasm)"
emcmake cmake -S . -B build/bench-wasm -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEADLAB_GUI=OFF -DHEADLAB_TESTS=OFF >/dev/null
cmake --build build/bench-wasm -j2 --target bench_train bench_gemm bench_train_web bench_gemm_web >/dev/null
if [ -z "${APP_DIR:-}" ]; then
  say "web app build (build/bench-web)"
  emcmake cmake -S . -B build/bench-web -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEADLAB_TESTS=OFF -DHEADLAB_BENCH=OFF >/dev/null
  cmake --build build/bench-web -j2 --target headlab_web >/dev/null
  APP_DIR="$ROOT/build/bench-web/web"
fi
APP_DIR="$(cd "$APP_DIR" && pwd)"

# --- runs: each prints JSON lines into $RES ----------------------------------------
run() { say "$*"; "$@" | tee -a "$RES"; }
NATIVE=build/bench-native/bench WASM=build/bench-wasm/bench CHROMIUM="node bench/peers/chromium.mjs"
say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

run $NATIVE/bench_train steps="$(n 100 10)" format=json
run $NATIVE/bench_gemm reps="$(n 30 3)" format=json
run $NATIVE/bench_gemm reps="$(n 30 3)" format=json kernel=headlab
# Opening recorded runs: 1, 27 and 100 MiB files, each in a process of its own (peak memory).
$NATIVE/bench_replay make "$OUT" >/dev/null
for size in 1 27 100; do run $NATIVE/bench_replay open "$OUT/replay-${size}mib.json" format=json; done
run node $WASM/bench_train.js steps="$(n 40 5)" format=json
run node $WASM/bench_gemm.js reps="$(n 20 3)" format=json
run node $WASM/bench_gemm.js reps="$(n 20 3)" format=json kernel=headlab
run $CHROMIUM wasm wasm-dir=$WASM bin=bench_train_web.js args=steps="$(n 40 5)",format=json
run $CHROMIUM wasm wasm-dir=$WASM bin=bench_gemm_web.js args=reps="$(n 20 3)",format=json
run $CHROMIUM wasm wasm-dir=$WASM bin=bench_gemm_web.js args=reps="$(n 20 3)",format=json,kernel=headlab
for shape in tiny small; do
  run $CHROMIUM app app-dir="$APP_DIR" shape=$shape seconds="$(n 15 4)" speed=50
  run $CHROMIUM app app-dir="$APP_DIR" shape=$shape seconds="$(n 15 4)" speed=50 trainer=page
done
run $CHROMIUM startup app-dir="$APP_DIR" rounds="$(n 5 1)"

# PyTorch (the idiomatic peer, bench/peers/torch_bench.py) and headlab in one
# script: interleaved rounds, same cores pinned, medians and ranges.
run /usr/bin/python3 bench/versus_torch.py rounds="$(n 5 1)" steps="$(n 40 5)" threads=1,2 blas=openblas \
  bench_train=$NATIVE/bench_train

# TensorFlow.js 4.22: wasm backend (SIMD, one thread) in Node and Chromium, webgl in Chromium
run node bench/peers/tfjs_node.mjs backend=wasm steps="$(n 10 2)"
for backend in wasm webgl; do
  for shape in tiny small; do
    run $CHROMIUM tfjs backend=$backend shape=$shape steps="$(n 10 2)"
  done
done

# Presets: the step at which the native CLI run with the page's options shows
# the roles (bench/roles_step.py), then the page's wall time from Play to it
# (worker, and training in the page's frames), and to step 400.
say "roles: finding the steps natively"
build/bench-native/headlab-train task=induction steps="$(n 1000 100)" out="$OUT/induction.json" >/dev/null
step="$(/usr/bin/python3 bench/roles_step.py "$OUT/induction.json" induction || echo "$(n 1000 100)")"
run $CHROMIUM induction app-dir="$APP_DIR" step="$step"
run $CHROMIUM induction app-dir="$APP_DIR" step="$step" trainer=page
run $CHROMIUM induction app-dir="$APP_DIR" step="$(n 400 50)"
# The division experiment as the page shows it (its seed: src/lab/measured.h).
seed="$(sed -n 's/.*kAddsubSeed = \([0-9]*\).*/\1/p' src/lab/measured.h)"
build/bench-native/headlab-train task=addsub layers=1 seed="$seed" steps="$(n 1500 100)" out="$OUT/addsub.json" >/dev/null
step="$(/usr/bin/python3 bench/roles_step.py "$OUT/addsub.json" addsub || echo "$(n 1500 100)")"
run $CHROMIUM induction app-dir="$APP_DIR" task=addsub layers=1 seed="$seed" step="$step"

# Opening the same run files in the page (worker; and in the page's frames for the largest).
for size in 1 27 100; do
  run $CHROMIUM replay app-dir="$APP_DIR" files-dir="$OUT" file=replay-${size}mib.json
  run $CHROMIUM replay app-dir="$APP_DIR" files-dir="$OUT" file=replay-${size}mib.json hidden=1
done

# Each experiment's promise (its line in the app) on screen, from Play.
for name in symmetry division composition redundancy coreference; do
  run $CHROMIUM experiment app-dir="$APP_DIR" name=$name
done

say "results ($RES), load now $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/table.py "$RES"
