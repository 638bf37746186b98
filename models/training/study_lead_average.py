"""DS1 study: one network's logits averaged over a beat's two leads (experiments/cv/plan-session11-lead-average.md).

  python3 models/training/study_lead_average.py OUT.json runs/s10kd/teacher-s{1,2,3,4}.npz

Each npz is a `train_ctx.py --protocol cv --last-epoch --save-teacher` run (experiments/cv/session10-teachers.sh):
every fold model's logits on every DS1 beat, both leads. Out of fold = the rows of that fold's held-out records.
Scored on the default-lead beats; no DS2 beat is read.
"""
import datetime
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from cv_pool_seeds import summary  # noqa: E402
from train import DS1, beat_key, calibrate_bias, confusion, metrics_from_confusion, read_beats_bin, rows_with_keys  # noqa: E402
from train_ctx import CV_FOLDS, cv_folds  # noqa: E402

WEIGHTS = [0.0, 0.25, 0.5]
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mitdb_ctx.bin")


def out_of_fold(path, records):
    """Per data row, the logits of the fold model that did not see its record (NaN elsewhere)."""
    t = np.load(path)
    out = np.full((records.size, len(an.CLASSES)), np.nan, np.float64)
    for f, held_out in enumerate(cv_folds()):
        rows, lg = t[f"rows_f{f}"], t[f"logits_f{f}"]
        keep = np.isin(records[rows], held_out)
        out[rows[keep]] = lg[keep]
    return out


def lead_pairs(d):
    """(default-lead rows, the other lead's row of the same beat) over DS1; every DS1 record has two leads."""
    ds1 = np.isin(d["records"], DS1)
    key = beat_key(d["records"], d["samples"])
    dflt = np.flatnonzero(ds1 & (d["isDefault"] == 1))
    twin = rows_with_keys(key, np.flatnonzero(ds1 & (d["isDefault"] == 0)), key[dflt])
    if twin is None:
        sys.exit("study_lead_average: a default-lead beat has no second-lead twin")
    return dflt, twin


def main(out_path, paths):
    d = read_beats_bin(DATA)
    dflt, twin = lead_pairs(d)
    y = d["labels"][dflt].astype(np.int64)
    seeds = [out_of_fold(p, d["records"]) for p in paths]
    for s in seeds:
        if np.isnan(s[dflt]).any() or np.isnan(s[twin]).any():
            sys.exit("study_lead_average: a DS1 beat has no out-of-fold logits")
    yy = np.tile(y, len(seeds))
    rows = []
    for w in WEIGHTS:
        per_seed = [(1 - w) * s[dflt] + w * s[twin] for s in seeds]
        pooled = np.concatenate(per_seed)
        offsets, _ = calibrate_bias(pooled, yy)
        row = {"w": w, "offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())),
               "uncalibrated": summary(metrics_from_confusion(confusion(yy, pooled.argmax(1)))),
               "calibrated": summary(metrics_from_confusion(confusion(yy, (pooled + offsets).argmax(1)))),
               "perSeedCalibratedMacroF1": [round(float(metrics_from_confusion(confusion(y, (s + offsets).argmax(1)))["macroF1"]), 4)
                                            for s in per_seed]}
        rows.append(row)
        c = row["calibrated"]
        print(f"w {w:.2f}: calibrated macro-F1 {c['macroF1']:.4f}  N Se {c['N']['recall']:.3f}  "
              f"A {c['A']['recall']:.3f}/{c['A']['precision']:.3f}  V {c['V']['recall']:.3f}/{c['V']['precision']:.3f}  "
              f"L F1 {c['L']['f1']:.3f}  R F1 {c['R']['f1']:.3f}  seeds {row['perSeedCalibratedMacroF1']}  "
              f"(uncalibrated {row['uncalibrated']['macroF1']:.4f})", flush=True)
    base = rows[0]
    best = max(rows[1:], key=lambda r: r["calibrated"]["macroF1"])
    b, c = base["calibrated"], best["calibrated"]
    checks = {"macroF1 +0.01": c["macroF1"] >= b["macroF1"] + 0.01,
              "N Se -0.005 at most": c["N"]["recall"] >= b["N"]["recall"] - 0.005,
              "A Se -0.01 at most": c["A"]["recall"] >= b["A"]["recall"] - 0.01,
              "V Se -0.01 at most": c["V"]["recall"] >= b["V"]["recall"] - 0.01,
              "3 of 4 seeds better": sum(x > z for x, z in zip(best["perSeedCalibratedMacroF1"],
                                                                base["perSeedCalibratedMacroF1"])) >= 3}
    result = {"name": os.path.splitext(os.path.basename(out_path))[0], "protocol": "cv (DS1 only)",
              "date": datetime.date.today().isoformat(), "plan": "experiments/cv/plan-session11-lead-average.md",
              "seeds": [os.path.basename(p) for p in paths], "beats": int(dflt.size), "folds": CV_FOLDS,
              "rows": rows, "best": best["w"], "checks": checks, "candidate": all(checks.values())}
    with open(out_path, "w") as fh:
        json.dump(result, fh, indent=1)
    print(f"best w {best['w']}: {checks} -> {'DS2 candidate' if result['candidate'] else 'rejected'} ({out_path})")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
