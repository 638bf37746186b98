"""DS1 study: do the per-class logit offsets hold on patients they were not fitted on?
(experiments/cv/plan-session13-record-tempering.md, addendum)

  python3 models/training/study_cross_fitted_calibration.py OUT.json --widths W.f32 \
      --recipe shipped runs/s10kd/teacher-s{1,2,3,4}.npz --recipe rp05 runs/s13rp/rp-s{1,2,3,4}.npz

Each npz is a `train_ctx.py --protocol cv --last-epoch --save-teacher` run; out of fold = the fold model that did not
see the record, default lead. Cross-fitted: for each CV fold, the offsets are fitted on the pooled out-of-fold logits
(all seeds) of the other folds' records and applied to the held-out fold, then the L rule (T_L, to N, A or V) on the
C++ template widths (`av-export-beats ... --template-widths W.f32`). Objectives: `all` (L, R, A, V free, the shipped
fit) and `AV` (only A and V free). The first recipe with `all` is the base of the plan's decision. No DS2 beat is read.
"""
import argparse
import datetime
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from study_lead_average import DATA, lead_pairs, out_of_fold  # noqa: E402
from study_width_gate import figures, gated_labels  # noqa: E402
from train import DS1, calibrate_bias, confusion, metrics_from_confusion, read_beats_bin  # noqa: E402
from train_ctx import cv_folds  # noqa: E402

T_L = 0.09
FREE = {"all": [1, 2, 3, 4], "AV": [3, 4]}  # class indices whose offsets are fitted (N L R A V)


def ds1_default_lead(widths_path, tool, data_path=DATA):
    """The data file, its DS1 default-lead rows, their labels, records and C++ template widths (--widths)."""
    d = read_beats_bin(data_path)
    dflt, _ = lead_pairs(d)
    exported = np.fromfile(widths_path, dtype="<f4")
    if exported.size != d["labels"].size:
        sys.exit(f"{tool}: --widths does not have one value per row of the data file")
    rec = d["records"][dflt].astype(np.int64)
    if not set(np.unique(rec).tolist()) <= set(DS1):
        sys.exit(f"{tool}: a non-DS1 record in the out-of-fold beats")
    return d, dflt, d["labels"][dflt].astype(np.int64), rec, exported[dflt].astype(np.float64)


def fit_offsets(logits, y, free):
    """The shipped coordinate ascent on 5-class macro-F1, with only the `free` classes' offsets moving."""
    def score(o):
        if any(o[c] != 0 for c in range(len(an.CLASSES)) if c not in free):
            return -1.0
        return metrics_from_confusion(confusion(y, (logits + o).argmax(1)))["macroF1"]
    return calibrate_bias(logits, y, score=score)[0]


def evaluate(seeds, y, rec, width, free):
    """Cross-fitted and in-sample predictions of every seed (list of arrays), and the per-fold offsets."""
    k = len(seeds)
    pooled, yy, rr = np.concatenate(seeds), np.tile(y, k), np.tile(rec, k)
    crossed = [np.empty(y.size, np.int64) for _ in seeds]
    fold_offsets = []
    for held_out in cv_folds():
        fit_rows = ~np.isin(rr, held_out)
        o = fit_offsets(pooled[fit_rows], yy[fit_rows], free)
        fold_offsets.append(o.round(3).tolist())
        rows = np.isin(rec, held_out)
        for s, out in zip(seeds, crossed):
            out[rows] = gated_labels(s[rows] + o, width[rows], T_L, None)
    o_all = fit_offsets(pooled, yy, free)
    in_sample = [gated_labels(s + o_all, width, T_L, None) for s in seeds]
    return crossed, in_sample, fold_offsets, o_all


def summary(y, preds):
    return {"pooled": figures(np.tile(y, len(preds)), np.concatenate(preds)),
            "perSeedMacroF1": [figures(y, p)["macroF1"] for p in preds]}


def decision(base, row):
    b, p = base["pooled"], row["pooled"]
    wins = sum(s > s0 for s, s0 in zip(row["perSeedMacroF1"], base["perSeedMacroF1"]))
    checks = {"macroF1 +0.01": p["macroF1"] >= b["macroF1"] + 0.01,
              **{f"{c} Se within 0.01": p[f"{c}_Se"] >= b[f"{c}_Se"] - 0.01 for c in "NAV"},
              **{f"{c} PPV within 0.01": p[f"{c}_PPV"] >= b[f"{c}_PPV"] - 0.01 for c in "AV"},
              "3 of 4 seeds": wins >= 3}
    return checks, "DS2 candidate" if all(checks.values()) else "rejected"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--widths", required=True, help="av-export-beats --template-widths output")
    ap.add_argument("--recipe", nargs="+", action="append", required=True, metavar=("NAME", "NPZ"),
                    help="a recipe's name and its seeds' npz files (the first recipe is the base)")
    args = ap.parse_args()
    d, dflt, y, rec, width = ds1_default_lead(args.widths, "study_cross_fitted_calibration")

    rows = []
    for name, *paths in args.recipe:
        if len(paths) < 2:
            sys.exit(f"study_cross_fitted_calibration: recipe {name} needs at least two seeds")
        seeds = [out_of_fold(p, d["records"])[dflt] for p in paths]
        if any(np.isnan(s).any() for s in seeds):
            sys.exit(f"study_cross_fitted_calibration: a DS1 beat of recipe {name} has no out-of-fold logits")
        for objective, free in FREE.items():
            crossed, in_sample, fold_offsets, o_all = evaluate(seeds, y, rec, width, free)
            row = {"recipe": name, "objective": objective, "seeds": [os.path.basename(p) for p in paths],
                   **summary(y, crossed), "foldOffsets": fold_offsets,
                   "offsetsAllFolds": dict(zip(an.CLASSES, o_all.round(3).tolist())),
                   "inSample": summary(y, in_sample)}
            rows.append(row)
            p = row["pooled"]
            print(f"{name} {objective}: cross-fitted macro-F1 {p['macroF1']} N Se {p['N_Se']} L F1 {p['L_F1']} "
                  f"R F1 {p['R_F1']} A {p['A_Se']}/{p['A_PPV']} V {p['V_Se']}/{p['V_PPV']} seeds "
                  f"{row['perSeedMacroF1']} | in-sample {row['inSample']['pooled']['macroF1']} | offsets "
                  f"{row['offsetsAllFolds']} folds {fold_offsets}", flush=True)
    base = rows[0]
    for row in rows[1:]:
        row["checks"], row["decision"] = decision(base, row)
        print(f"{row['recipe']} {row['objective']}: {row['checks']} -> {row['decision']}")
    passed = [r for r in rows[1:] if r["decision"] == "DS2 candidate"]
    chosen = max(passed, key=lambda r: r["pooled"]["macroF1"]) if passed else None
    out = {"name": os.path.splitext(os.path.basename(args.out))[0], "date": datetime.date.today().isoformat(),
           "plan": "experiments/cv/plan-session13-record-tempering.md (addendum)", "T_L": T_L,
           "widths": os.path.basename(args.widths), "rows": rows,
           "chosen": None if chosen is None else {"recipe": chosen["recipe"], "objective": chosen["objective"]}}
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print(f"chosen: {out['chosen']} ({args.out})")


if __name__ == "__main__":
    main()
