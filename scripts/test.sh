#!/usr/bin/env bash
# Runs every test suite: Catch2 (ctest), Node tests on the WASM build, browser tests, training smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
export AV_MITDB_DIR=${AV_MITDB_DIR:-$PWD/../shared/data/mitdb}

echo "== Catch2 (native) =="
ctest --test-dir build/native --output-on-failure -j"$(nproc 2>/dev/null || echo 2)"

if compgen -G "tests/node/*.test.mjs" >/dev/null; then
  echo "== Node (WASM build) =="
  node --test tests/node/
fi

if compgen -G "tests/e2e/*.test.mjs" >/dev/null; then
  echo "== Browser (Chromium) =="
  node --test --test-concurrency=1 tests/e2e/
fi

if [[ ${AV_SKIP_FUZZ:-0} != 1 ]]; then
  echo "== Fuzzing (libFuzzer, ASan + UBSan): corpus replay + ${AV_FUZZ_SECONDS:-15} s per harness =="
  bash scripts/fuzz.sh "${AV_FUZZ_SECONDS:-15}"
fi

if [[ -f models/training/smoke_test.py ]]; then
  echo "== Training smoke test =="
  /usr/bin/python3 models/training/smoke_test.py
fi
