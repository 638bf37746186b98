#!/usr/bin/env bash
# Students: the same recipe distilled from the four teachers (plan-session10-distill.md), seeds 1-4.
cd "$(dirname "$0")/../.."
T=(runs/s10kd/teacher-s1.npz runs/s10kd/teacher-s2.npz runs/s10kd/teacher-s3.npz runs/s10kd/teacher-s4.npz)
run() { /usr/bin/python3 train_ctx.py --model v1 --protocol cv --epochs 14 --stop-after 4 --dropout 0.7 --synth-a 0.1 \
  --init-seed $1 --threads 1 --teacher "${T[@]}" --name cv-student-s$1 --out runs/s10kd --save-oof runs/s10kd/cv-student-s$1.npz > runs/s10kd/student-s$1.log 2>&1; }
run 1 & run 2 & wait
run 3 & run 4 & wait
echo DONE
