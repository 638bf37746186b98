#!/usr/bin/env bash
# Builds both targets from the one CMake tree: build/native (tools, tests) and dist/ (WASM module).
# Usage: scripts/build.sh [native|wasm|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=$(nproc 2>/dev/null || echo 2)

if [[ $what == all || $what == native ]]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j"$jobs"
fi
if [[ $what == all || $what == wasm ]]; then
  export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}   # Debian's emscripten needs Debian's acorn
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release -DAV_DIST_DIR="$PWD/dist" >/dev/null
  cmake --build build/wasm -j"$jobs"
fi
