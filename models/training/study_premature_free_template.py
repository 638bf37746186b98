"""DS1 study: a running template of the non-premature beats (experiments/cv/plan-session14-premature-free-template.md).

  (from models/training) python3 study_premature_free_template.py OUT.json \
      --recipe shipped data/mitdb_ctx.bin data/W.f32 runs/s10kd/teacher-s{1,2,3,4}.npz \
      --recipe m85 data/mitdb_ctx_m85.bin data/W_m85.f32 runs/s14m85/teacher-s{1,2,3,4}.npz

Each recipe: its av-export-beats data file, that export's --template-widths, and its seeds' `train_ctx.py --protocol
cv --last-epoch --save-teacher` runs on that file. Every recipe is scored through the shipped pipeline after the
network: the per-class offsets, the L rule (T_L) and the V rule (C_V on templates at least T_V wide), on its own
file's templateCorrQrs and template widths. Two evaluations: "cross-fitted" (each fold's offsets fitted on the other
folds' pooled out-of-fold logits) and "kept" (the recipe's own pooled fit on every fold). The first recipe is the
base of the plan's decision. No DS2 beat is read.
"""
import argparse
import datetime
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study_cross_fitted_calibration import FREE, decision, ds1_default_lead, fit_offsets, summary  # noqa: E402
from study_lead_average import out_of_fold  # noqa: E402
from study_template_match_v_rule import ruled_labels  # noqa: E402
from train_ctx import cv_folds  # noqa: E402

V_RULE = (0.09, 0.85)  # (T_V, C_V), as shipped in arrhythminet-v1-ctx-ds1


def load_recipe(data_path, widths_path, npz_paths):
    """The DS1 default-lead labels, records, sample positions, template widths, templateCorrQrs and per-seed
    out-of-fold logits of one recipe."""
    d, dflt, y, rec, width = ds1_default_lead(widths_path, "study_premature_free_template", data_path)
    seeds = [out_of_fold(p, d["records"])[dflt] for p in npz_paths]
    if any(np.isnan(s).any() for s in seeds):
        sys.exit(f"study_premature_free_template: a DS1 beat of {data_path} has no out-of-fold logits")
    return {"y": y, "rec": rec, "samples": d["samples"][dflt].astype(np.int64), "width": width,
            "corr": d["context"][dflt, d["contextNames"].index("templateCorrQrs")].astype(np.float64),
            "seeds": seeds, "templateMinPreLocal": d.get("templateMinPreLocal", 0.0)}


def pipeline_labels(r, mode):
    """Per seed, the labels after the offsets (cross-fitted or kept) and both rules; and the offsets used."""
    k = len(r["seeds"])
    pooled, yy, rr = np.concatenate(r["seeds"]), np.tile(r["y"], k), np.tile(r["rec"], k)
    out = [np.empty(r["y"].size, np.int64) for _ in r["seeds"]]
    kept = fit_offsets(pooled, yy, FREE["all"])
    offsets = []
    for held_out in cv_folds():
        o = fit_offsets(pooled[~np.isin(rr, held_out)], yy[~np.isin(rr, held_out)], FREE["all"]) \
            if mode == "cross-fitted" else kept
        offsets.append(o.round(3).tolist())
        rows = np.flatnonzero(np.isin(r["rec"], held_out))
        for s, lab in zip(r["seeds"], out):
            lab[rows] = ruled_labels(s[rows] + o, r["width"][rows], r["corr"][rows], V_RULE)
    return out, offsets


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--recipe", nargs="+", action="append", required=True, metavar=("NAME", "DATA"),
                    help="NAME DATA.bin WIDTHS.f32 NPZ [NPZ ...] (the first recipe is the base)")
    args = ap.parse_args()
    recipes = []
    for name, *rest in args.recipe:
        if len(rest) < 4:
            sys.exit(f"study_premature_free_template: recipe {name} needs a data file, its widths and two seeds or more")
        recipes.append((name, rest, load_recipe(rest[0], rest[1], rest[2:])))
    base_r = recipes[0][2]
    for name, _, r in recipes[1:]:
        if not (np.array_equal(r["y"], base_r["y"]) and np.array_equal(r["samples"], base_r["samples"])):
            sys.exit(f"study_premature_free_template: recipe {name} does not hold the base's beats in its order")

    out = {"name": os.path.splitext(os.path.basename(args.out))[0], "date": datetime.date.today().isoformat(),
           "plan": "experiments/cv/plan-session14-premature-free-template.md", "T_L": 0.09,
           "vRule": {"T_V": V_RULE[0], "C_V": V_RULE[1]}, "evaluations": {}}
    for mode in ("cross-fitted", "kept"):
        rows = []
        for name, files, r in recipes:
            labels, offsets = pipeline_labels(r, mode)
            row = {"recipe": name, "data": os.path.basename(files[0]), "widths": os.path.basename(files[1]),
                   "seeds": [os.path.basename(p) for p in files[2:]], "templateMinPreLocal": r["templateMinPreLocal"],
                   **summary(r["y"], labels), "offsets": offsets}
            rows.append(row)
            p = row["pooled"]
            print(f"{mode} {name}: macro-F1 {p['macroF1']} N Se {p['N_Se']} L F1 {p['L_F1']} R F1 {p['R_F1']} "
                  f"A {p['A_Se']}/{p['A_PPV']} V {p['V_Se']}/{p['V_PPV']} seeds {row['perSeedMacroF1']}", flush=True)
        for row in rows[1:]:
            row["checks"], row["decision"] = decision(rows[0], row)
            print(f"{mode} {row['recipe']}: {row['checks']} -> {row['decision']}")
        out["evaluations"][mode] = rows
    verdicts = {name: all(out["evaluations"][m][i]["decision"] == "DS2 candidate" for m in out["evaluations"])
                for i, (name, _, _) in enumerate(recipes) if i > 0}
    out["candidates"] = [n for n, ok in verdicts.items() if ok]
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print(f"DS2 candidates (both evaluations): {out['candidates'] or 'none'} ({args.out})")


if __name__ == "__main__":
    main()
