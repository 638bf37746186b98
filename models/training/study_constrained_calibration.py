"""Logit offsets chosen under the issue's N target, on out-of-fold logits inside DS1 (no DS2 beat is read).

  python3 models/training/study_constrained_calibration.py OUT.json EPOCH cv-s1.npz [cv-s2.npz ...]

The rule, fixed before looking at its result: per-class logit offsets (N's stays 0) that maximise the pooled
out-of-fold macro-F1 of every given seed at EPOCH, subject to pooled out-of-fold N sensitivity >= 0.95 (the N target
of the inter-patient acceptance). Coordinate ascent on a grid of -4..4 in steps of 0.25, three rounds, from zero
offsets; while no offsets meet the constraint, higher N sensitivity wins. Printed beside it: the unconstrained
optimum of the same search (what train_ctx.py's calibrate_bias finds on its -3..3 grid) and no offsets.
OUT.json has the "calibration" field that `train_ctx.py --calibration-from` reads.
"""
import datetime
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from train import calibrate_bias, confusion, metrics_from_confusion  # noqa: E402

N_SE_TARGET = 0.95
GRID = np.arange(-4.0, 4.0001, 0.25)


def figures(y, logits, offsets):
    m = metrics_from_confusion(confusion(y, (logits + offsets).argmax(1)))
    pc = m["perClass"]
    return {"macroF1": round(m["macroF1"], 4), "accuracy": round(m["accuracy"], 4),
            **{f"{c}_{k}": round(pc[c][key], 4) for c in an.CLASSES for k, key in (("Se", "recall"), ("PPV", "precision"))}}


def search(y, logits, constrained, n_se_floor=N_SE_TARGET):
    def score(offsets):
        m = metrics_from_confusion(confusion(y, (logits + offsets).argmax(1)))
        n_se = m["perClass"]["N"]["recall"]
        if constrained and n_se < n_se_floor:
            return n_se - 1.0  # below every feasible macro-F1
        return m["macroF1"]

    return calibrate_bias(logits, y, grid=GRID, score=score)[0]


def main(out_path, epoch, paths):
    runs = [np.load(p) for p in paths]
    y = np.concatenate([r["labels"] for r in runs])
    logits = np.concatenate([r["logits"][epoch - 1] for r in runs])
    rules = {"none": np.zeros(5), "unconstrained": search(y, logits, False), "N Se >= 0.95": search(y, logits, True)}
    result = {"name": os.path.splitext(os.path.basename(out_path))[0], "protocol": "cv", "date": datetime.date.today().isoformat(),
              "seeds": [os.path.basename(p) for p in paths], "epoch": epoch,
              "rules": {k: {"offsets": dict(zip(an.CLASSES, v.round(3).tolist())), "outOfFold": figures(y, logits, v)}
                        for k, v in rules.items()}}
    chosen = rules["N Se >= 0.95"]
    result["calibration"] = {"offsets": dict(zip(an.CLASSES, chosen.round(3).tolist())),
                             "method": "per-class logit offsets maximising pooled out-of-fold macro-F1 subject to "
                                       "out-of-fold N sensitivity >= 0.95 (study_constrained_calibration.py)"}
    with open(out_path, "w") as fh:
        json.dump(result, fh, indent=1)
    for k, v in result["rules"].items():
        print(f"{k:14s} {v['offsets']}\n               {v['outOfFold']}")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
