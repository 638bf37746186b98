"""Logit offsets chosen for the patients, not the beats (DS1 only; no DS2 beat is read).

  python3 models/training/study_bootstrap_calibration.py cv-s1.npz [cv-s2.npz ...]   (train_ctx.py --save-oof runs)

The CV's calibration picks per-class offsets that maximise the pooled out-of-fold macro-F1, so one patient
with many beats of a rare class can set an offset. Here the objective is the mean macro-F1 over 200 bootstrap
resamplings of the DS1 records (per-record confusion matrices, weighted by how often each record is drawn), so an
offset has to pay off across resampled patient sets. The search is train.calibrate_bias's, with this objective.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import calibrate_bias, confusion, metrics_from_confusion  # noqa: E402


def bootstrap_objective(logits, y, records, resamples=200, seed=0):
    recs, ri = np.unique(records, return_inverse=True)
    rng = np.random.default_rng(seed)
    weights = np.stack([np.bincount(rng.integers(0, recs.size, recs.size), minlength=recs.size)
                        for _ in range(resamples)]).astype(float)

    def objective(offsets):
        pred = (logits + offsets).argmax(1)
        per_record = np.zeros((recs.size, 5, 5))
        np.add.at(per_record, (ri, y, pred), 1)
        c = np.einsum("br,rij->bij", weights, per_record)
        tp = np.diagonal(c, axis1=1, axis2=2)
        denom = 2 * tp + (c.sum(2) - tp) + (c.sum(1) - tp)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(denom > 0, 2 * tp / denom, np.nan)
        return float(np.nanmean(f1, axis=1).mean())
    return objective


def main(paths):
    for path in paths:
        z = np.load(path)
        logits, y, records = z["logits"][int(z["bestEpoch"]) - 1], z["labels"], z["records"]
        objective = bootstrap_objective(logits, y, records)
        rules = (("pooled", calibrate_bias(logits, y)[0]), ("bootstrap", calibrate_bias(logits, y, score=objective)[0]))
        for tag, off in rules:
            pc = metrics_from_confusion(confusion(y, (logits + off).argmax(1)))["perClass"]
            print(f"{os.path.basename(path)} {tag:9s} offsets {np.round(off, 2)} bootstrap mean macro-F1 "
                  f"{objective(off):.3f}, N Se {pc['N']['recall']:.3f}, L F1 {pc['L']['f1']:.2f}, "
                  f"A {pc['A']['recall']:.3f} / {pc['A']['precision']:.3f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
