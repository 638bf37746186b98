#!/usr/bin/env bash
# DS1 CV out-of-fold logits of the shipped v1-ctx-ds1 recipe, four weight seeds (plan-session10-width-gate.md);
# writes runs/s10/cv-s10-s{1..4}.npz. Run from anywhere: bash models/training/experiments/cv/session10-oof.sh
cd "$(dirname "$0")/../.."
run() { /usr/bin/python3 train_ctx.py --model v1 --protocol cv --epochs 14 --stop-after 4 --dropout 0.7 --synth-a 0.1 \
  --init-seed $1 --threads 1 --name cv-s10-s$1 --out runs/s10 --save-oof runs/s10/cv-s10-s$1.npz > runs/s10/s$1.log 2>&1; }
run 1 & run 2 & wait
run 3 & run 4 & wait
echo DONE
