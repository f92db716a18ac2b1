#!/usr/bin/env bash
# Builds the web app (the web-release preset) and serves it on localhost.
#
#   scripts/serve.sh              # http://localhost:8080/ or the next free port
#   PORT=9000 scripts/serve.sh    # a given port (must be free)
#
# Options go in the URL, e.g. http://localhost:8080/?task=induction&heads=4&seed=3&autoplay=1
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh
export NODE_PATH=/usr/share/nodejs  # Debian's emcc finds its acorn here

# Configure once (HEADLAB_GUI is on by default; forced in case a cache turned it off).
if [ ! -f build/web-release/build.ninja ] || grep -q '^HEADLAB_GUI:BOOL=OFF' build/web-release/CMakeCache.txt; then
  cmake --preset web-release -DHEADLAB_GUI=ON >/dev/null
fi
cmake --build build/web-release --target headlab_web -j "${JOBS:-2}"

free_port() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}
if [ -n "${PORT:-}" ]; then
  free_port "$PORT" || { echo "serve: port $PORT is in use" >&2; exit 1; }
else
  PORT=8080
  until free_port "$PORT"; do PORT=$((PORT + 1)); done
fi

echo
echo "headlab: http://localhost:$PORT/   (Ctrl-C to stop)"
echo "tutorial with embedded widgets: http://localhost:$PORT/examples/why-heads-differ.html"
echo
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory build/web-release/web
