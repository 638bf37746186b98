#!/usr/bin/env bash
# Trains the four shipped models in parallel (one process each) and exports them to models/.
#   bash models/training/train_all.sh [extra train.py flags, e.g. --device cpu --threads 2]
# Needs models/training/data/mitdb_beats.bin (see models/README.md: build/native/av-export-beats).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-runs}
mkdir -p "$RUNS"
EXTRA=("$@")
pids=()
for spec in "v1 paper" "v2 paper" "v1 interpatient" "v2 interpatient"; do
  read -r model protocol <<<"$spec"
  "$PY" train.py --model "$model" --protocol "$protocol" --out "$RUNS" "${EXTRA[@]}" \
    >"$RUNS/$model-$protocol.log" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[[ $status == 0 ]] || { echo "a training run failed; see $RUNS/*.log" >&2; exit 1; }
if [[ -z ${NO_EXPORT:-} ]]; then
  "$PY" export_model.py --run "$RUNS/arrhythminet-v1" --run "$RUNS/arrhythminet-v2" \
    --run "$RUNS/arrhythminet-v1-ds1" --run "$RUNS/arrhythminet-v2-ds1"
fi
