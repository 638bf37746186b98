#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: Debian packages, then npm packages.
# Fast when nothing is missing (a dpkg query and a timestamp check).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake g++ make pkg-config
  emscripten                      # em++ 3.1.6, wasm SIMD, Embind
  nlohmann-json3-dev catch2 libxnnpack-dev libpthreadpool-dev   # xnnpack.h includes pthreadpool.h
  clang-14 libclang-rt-14-dev     # libFuzzer + sanitizers
  chromium                        # browser tests through playwright-core
  python3-torch python3-numpy python3-matplotlib python3-onnx   # training scripts (smoke-tested)
  biosig-tools                    # save2gdf: the independent decoder the EDF/BDF/aECG reader tests compare with
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi
