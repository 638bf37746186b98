#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang-14, ASan + UBSan) into build/fuzz, replays the committed corpora
# (tests/fuzz/corpus/<harness>/, regression inputs) and fuzzes each harness for a fixed time.
#   scripts/fuzz.sh [seconds per harness, default 20] [harness names...]
# New inputs go to build/fuzz/corpus/<harness>/, never into the repository; crash inputs to
# build/fuzz/findings/. Prints the executions per harness and their total. Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}
shift || true
CLANG_CXX=${CLANG_CXX:-clang++-14}
CLANG_CC=${CLANG_CC:-clang-14}
if ! command -v "$CLANG_CXX" >/dev/null; then
  echo "fuzz: $CLANG_CXX not found; skipping" >&2
  exit 0
fi
if [[ ! -f build/fuzz/CMakeCache.txt ]]; then
  CC=$CLANG_CC CXX=$CLANG_CXX cmake -S . -B build/fuzz -DAV_FUZZ=ON >/dev/null
fi
cmake --build build/fuzz -j"${AV_JOBS:-2}" >/dev/null

harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then
  for src in tests/fuzz/fuzz_*.cpp; do harnesses+=("$(basename "$src" .cpp)"); done
fi

mkdir -p build/fuzz/findings
total=0
status=0
for h in "${harnesses[@]}"; do
  seeds=tests/fuzz/corpus/$h
  work=build/fuzz/corpus/$h
  mkdir -p "$seeds" "$work"
  log=build/fuzz/$h.log
  opts=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -max_len=65536 -print_final_stats=1 -seed=${AV_FUZZ_SEED:-1}
        -artifact_prefix=build/fuzz/findings/$h- )
  # Corpus regression: every committed input once.
  if ! "build/fuzz/$h" "${opts[@]}" -runs=0 "$seeds" >"$log.replay" 2>&1; then
    echo "fuzz: $h: a committed corpus input fails (see $log.replay)"; status=1; continue
  fi
  if [[ $SECONDS_EACH -gt 0 ]]; then
    if "build/fuzz/$h" "${opts[@]}" -max_total_time="$SECONDS_EACH" "$work" "$seeds" >"$log" 2>&1; then
      runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
      total=$((total + runs))
      echo "fuzz: $h: $runs executions in ${SECONDS_EACH}s, no findings"
    else
      echo "fuzz: $h: FINDING (see $log and build/fuzz/findings/)"; tail -n 30 "$log"; status=1
    fi
  else
    echo "fuzz: $h: corpus replay ok"
  fi
done
echo "fuzz: total executions $total"
exit $status
