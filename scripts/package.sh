#!/usr/bin/env bash
# Packs the embedding kit tutorial authors install: build/package/headlab-VERSION.tgz
# (npm pack), with the engine, its worker, the iframe page and the TypeScript
# declarations generated from the option table.
#
#   scripts/package.sh              # builds what is missing, then packs
#   scripts/package.sh --no-build   # packs build/web-release/web as it is
#   npm install ./build/package/headlab-0.3.0.tgz   # in a site (README.md, "Embed headlab")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs  # Debian's emcc finds its acorn here

if [ "${1:-}" != --no-build ]; then
  scripts/setup.sh
  cmake --preset native-release >/dev/null
  cmake --build --preset native-release --target headlab-train -j "${JOBS:-2}"
  cmake --preset web-release >/dev/null
  cmake --build --preset web-release --target headlab_web -j "${JOBS:-2}"
fi

out=build/package
stage=$out/headlab
rm -rf "$stage"
mkdir -p "$stage"
# The package's files are the ones web/package.json lists; each must exist (npm pack would skip it silently).
files=$(node -e 'console.log(require("./web/package.json").files.join("\n"))')
for f in $files; do
  case "$f" in
    headlab.d.ts) build/native-release/headlab-train --options-json >"$out/options.json"
                  node scripts/package-types.mjs "$out/options.json" "$stage/$f" >/dev/null ;;
    LICENSE | CHANGELOG.md) cp "$f" "$stage/" ;;
    *) [ -e "build/web-release/web/$f" ] || { echo "package: build/web-release/web/$f is missing (build first)" >&2; exit 1; }
       cp -r "build/web-release/web/$f" "$stage/" ;;
  esac
done
cp web/package.json "$stage/"
tarball=$(cd "$stage" && npm pack --silent --pack-destination ..)
echo "package: $out/$tarball ($(du -k "$out/$tarball" | cut -f1) KiB packed, $(du -sk --exclude=package.json "$stage" | cut -f1) KiB unpacked)"
