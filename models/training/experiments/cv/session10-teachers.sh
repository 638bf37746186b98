#!/usr/bin/env bash
# Teachers: the shipped v1-ctx-ds1 recipe at its CV epoch (2), four weight seeds, every fold's model saved as logits.
cd "$(dirname "$0")/../.."
run() { /usr/bin/python3 train_ctx.py --model v1 --protocol cv --epochs 14 --stop-after 2 --last-epoch --dropout 0.7 --synth-a 0.1 \
  --init-seed $1 --threads 1 --name cv-teacher-s$1 --out runs/s10kd --save-teacher runs/s10kd/teacher-s$1.npz > runs/s10kd/teacher-s$1.log 2>&1; }
run 1 & run 2 & wait
run 3 & run 4 & wait
echo DONE
