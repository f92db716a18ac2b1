#!/usr/bin/env bash
# Runs every headlab test: installs what is missing, builds natively and to
# WebAssembly, and runs the native suites, the same suites under Node, and
# the browser/desktop end-to-end tests registered with ctest.
#   scripts/test.sh            everything
#   scripts/test.sh native     native build and tests only
#   scripts/test.sh web        WASM build and tests only
#   scripts/test.sh sanitize   clang ASan+UBSan unit tests and fuzzers, TSan thread tests
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
what="${1:-all}"
export NODE_PATH=/usr/share/nodejs
JOBS="$(nproc)"

scripts/setup.sh

step() { printf '\n== %s ==\n' "$*"; }

if [ "$what" = all ] || [ "$what" = native ]; then
  step "native build (build/native-release)"
  cmake --preset native-release >/dev/null
  cmake --build --preset native-release -j "$JOBS"
  step "native tests"
  ctest --preset native-release -j "$JOBS"
  step "benchmark smoke run (numbers: bench/run.sh, bench/README.md)"
  build/native-release/bench/bench_train steps=3 warmup=1
fi

if [ "$what" = all ] || [ "$what" = web ]; then
  step "native headlab-train for the browser tests (build/native-release)"
  cmake --preset native-release >/dev/null
  cmake --build --preset native-release -j "$JOBS" --target headlab-train
  step "WebAssembly build (build/web-release)"
  cmake --preset web-release >/dev/null
  cmake --build --preset web-release -j "$JOBS"
  step "WebAssembly tests (Node) and browser tests (headless Chromium)"
  ctest --preset web-release
fi

if [ "$what" = all ] || [ "$what" = sanitize ]; then
  step "AddressSanitizer + UBSan build and fuzz targets (build/native-asan)"
  cmake --preset native-asan >/dev/null
  cmake --build --preset native-asan -j "$JOBS"
  step "unit tests under ASan + UBSan, then each fuzzer for 20 s"
  ctest --preset native-asan -j "$JOBS"
  step "ThreadSanitizer build of the desktop app's training thread (build/native-tsan)"
  cmake --preset native-tsan >/dev/null
  cmake --build --preset native-tsan -j "$JOBS"
  ctest --preset native-tsan
fi

step "all tests passed"
