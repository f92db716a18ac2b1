#!/usr/bin/env bash
# Installs everything headlab needs from Debian packages and npm, and fetches
# the Dear ImGui 1.86 sources into third_party/imgui. Idempotent: a second run
# only checks. Called by scripts/serve.sh and scripts/test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config   # native toolchain
  libeigen3-dev catch2                           # core, tests
  emscripten                                      # web build (Node comes with it or is already installed)
  libglfw3-dev libgl-dev                          # desktop app
  libstb-dev                                      # desktop app: PNG screenshots and exports (stb_image_write.h)
  xvfb xauth libgl1-mesa-dri xdotool              # desktop app test under Xvfb (xdotool presses its keys)
  chromium                                        # e2e tests (headless)
  python3-torch python3-numpy libopenblas0-openmp # PyTorch reference fixture and peer benchmark (with OpenBLAS)
  fonts-dejavu-core fonttools                     # UI font, subset to the UI's glyphs and embedded at build time
  clang libclang-rt-14-dev                        # fuzzers and sanitizers
  dpkg-dev                                        # apt-get source imgui
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may already carry Node.js and npm from elsewhere; Debian's npm would conflict with it.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

enable_deb_src() {
  # Debian 12 uses deb822 .sources files; older systems use sources.list.
  local changed=0 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    if grep -q '^Types: deb$' "$f"; then
      $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
      changed=1
    fi
  done
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list &&
     ! grep -q '^deb-src ' /etc/apt/sources.list; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee -a /etc/apt/sources.list >/dev/null
    changed=1
  fi
  return $changed
}

need_imgui=0
[ -f third_party/imgui/imgui.cpp ] || need_imgui=1

updated=0
if [ ${#missing[@]} -gt 0 ] || [ $need_imgui -eq 1 ]; then
  enable_deb_src || true
  echo "setup: apt-get update"
  $SUDO apt-get update -q >/dev/null
  updated=1
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $need_imgui -eq 1 ]; then
  echo "setup: fetching Dear ImGui sources (apt-get source imgui)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get source -q imgui >/dev/null 2>&1)
  src="$(find "$tmp" -maxdepth 2 -name imgui.cpp -printf '%h\n' | head -n1)"
  if [ -z "$src" ]; then
    echo "setup: could not fetch the imgui source package; pass -DIMGUI_DIR=/path/to/imgui-1.86 to cmake" >&2
    exit 1
  fi
  mkdir -p third_party
  rm -rf third_party/imgui
  cp -r "$src" third_party/imgui
  rm -rf "$tmp"
fi
[ $updated -eq 1 ] || echo "setup: system packages and Dear ImGui already present"

# From npm, at the versions of tests/e2e/package-lock.json: the browser-test
# driver (the browser itself is Debian's chromium), and Vite and TypeScript
# for the package test's author site.
if [ -f tests/e2e/package.json ] && { [ ! -d tests/e2e/node_modules/playwright-core ] ||
     [ ! -d tests/e2e/node_modules/vite ] || [ ! -d tests/e2e/node_modules/typescript ]; }; then
  echo "setup: npm ci (tests/e2e)"
  (cd tests/e2e && npm ci --silent --no-audit --no-fund >/dev/null)
fi
