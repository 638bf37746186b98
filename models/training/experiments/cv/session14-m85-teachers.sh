#!/usr/bin/env bash
# The shipped v1-ctx-DS1 recipe (session10-teachers.sh: CV, epoch 2, four weight seeds) on the export whose running
# template takes only non-premature beats (plan-session14-premature-free-template.md). Needs
#   ../../build/native/av-export-beats ../../../shared/data/mitdb data/mitdb_ctx_m85.bin --template-widths data/W_m85.f32 \
#       --template-min-pre-local 0.85
cd "$(dirname "$0")/../.."
mkdir -p runs/s14m85
run() { /usr/bin/python3 train_ctx.py --model v1 --protocol cv --epochs 14 --stop-after 2 --last-epoch --dropout 0.7 --synth-a 0.1 \
  --init-seed $1 --threads 1 --data data/mitdb_ctx_m85.bin --name cv-m85-teacher-s$1 --out runs/s14m85 \
  --save-teacher runs/s14m85/teacher-s$1.npz > runs/s14m85/teacher-s$1.log 2>&1; }
run 1 & run 2 & wait
run 3 & run 4 & wait
echo DONE
