#!/usr/bin/env bash
# Builds the desktop app (the native-release preset) and starts it; every
# argument goes to the app, which runs in the directory you called this from
# (so relative --load/--save paths and its default file names are yours).
#
#   scripts/desktop.sh                              # default run: induction, 2 layers, 4 heads
#   scripts/desktop.sh task=induction heads=4 seed=3 autoplay=1
#   scripts/desktop.sh --load run.ckpt --save run.ckpt
set -euo pipefail
CALLER="$PWD"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh >&2

# Configure once; an existing build directory is reused whatever its generator
# (HEADLAB_GUI is on by default; turned back on if a cache turned it off).
if [ ! -f build/native-release/CMakeCache.txt ]; then
  cmake --preset native-release >/dev/null
elif grep -q '^HEADLAB_GUI:BOOL=OFF' build/native-release/CMakeCache.txt; then
  cmake -DHEADLAB_GUI=ON build/native-release >/dev/null
fi
cmake --build build/native-release --target headlab -j "${JOBS:-2}" >&2
cd "$CALLER"
exec "$ROOT/build/native-release/headlab" "$@"
