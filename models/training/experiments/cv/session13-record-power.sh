#!/usr/bin/env bash
# Session 13: the shipped v1-ctx-ds1 recipe (as session10-teachers.sh) with record-tempered sampling, four weight
# seeds, every fold model's logits saved (plan-session13-record-tempering.md).
cd "$(dirname "$0")/../.."
mkdir -p runs/s13rp
run() { /usr/bin/python3 train_ctx.py --model v1 --protocol cv --epochs 14 --stop-after 2 --last-epoch --dropout 0.7 --synth-a 0.1 \
  --record-power 0.5 --init-seed $1 --threads 1 --name cv-rp-s$1 --out runs/s13rp --save-teacher runs/s13rp/rp-s$1.npz > runs/s13rp/rp-s$1.log 2>&1; }
run 1 & run 2 & wait
run 3 & run 4 & wait
echo DONE
