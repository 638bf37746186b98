"""DS1 study: a gate on L from the running template's QRS width (experiments/cv/plan-session12-template-width-gate.md).

  python3 models/training/study_template_width_gate.py OUT.json runs/s10kd/teacher-s{1,2,3,4}.npz [--keep-offsets]
      [--widths W.f32]

Each npz is a `train_ctx.py --protocol cv --last-epoch --save-teacher` run (experiments/cv/session10-teachers.sh);
out of fold = the logits of the fold model that did not see the record, default lead. A beat's template is the
sample-wise median of the previous 24 default-lead windows of its record; a beat labelled L whose template is
narrower than T_L takes its best label among N, A and V, with the offsets refitted under the gate (or, with
--keep-offsets, those fitted without it). --widths reads the C++ pipeline's own template widths instead
(`av-export-beats ... --template-widths W.f32`, one float32 per row of data/mitdb_ctx.bin).
No DS2 beat is read.
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
from study_width_gate import figures, gate_decision, gated_labels  # noqa: E402
from train import calibrate_bias, read_beats_bin  # noqa: E402

N, L = 0, 1
T_L_GRID = [None, 0.070, 0.075, 0.080, 0.085, 0.090]
TEMPLATE_BEATS = 24
FRAC, RUN, SEARCH = 0.2, 4, 36  # threshold on |slope|, samples in a row below it, peak search +-100 ms at 360 Hz


def slope_width(template, fs=360.0):
    """Seconds between where |first difference| first and last stays above FRAC x its peak near R (RUN in a row)."""
    v = np.abs(np.diff(template))
    r = an.WINDOW_BEFORE
    p = r - SEARCH + int(np.argmax(v[r - SEARCH:r + SEARCH]))
    below = v < FRAC * v[p]
    a = p
    while a > 0 and not below[max(0, a - RUN):a].all():
        a -= 1
    e = p
    while e < v.size - 1 and not below[e + 1:e + 1 + RUN].all():
        e += 1
    return (e - a) / fs


def template_widths(d, rows):
    """Per default-lead row (in the given order), the width of its record's running template; NaN without one."""
    out = np.full(rows.size, np.nan)
    rec, smp = d["records"][rows], d["samples"][rows]
    for r in np.unique(rec):
        idx = np.flatnonzero(rec == r)
        idx = idx[np.argsort(smp[idx])]
        w = d["windows"][rows[idx], 0].astype(np.float32)
        for j in range(1, idx.size):
            out[idx[j]] = slope_width(np.median(w[max(0, j - TEMPLATE_BEATS):j], axis=0))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("npz", nargs="+")
    ap.add_argument("--widths", help="av-export-beats --template-widths output, instead of this script's widths")
    ap.add_argument("--relabel-to", default="N,A,V",
                    help="the classes a ruled-out L beat may take (default N,A,V: the shipped rule)")
    ap.add_argument("--keep-offsets", action="store_true",
                    help="every T_L uses the offsets fitted without the gate (the plan's addendum)")
    args = ap.parse_args()
    d = read_beats_bin(DATA)
    dflt, _ = lead_pairs(d)
    y = d["labels"][dflt].astype(np.int64)
    rec = d["records"][dflt].astype(np.int64)
    if args.widths:
        exported = np.fromfile(args.widths, dtype="<f4")
        if exported.size != d["labels"].size:
            sys.exit("study_template_width_gate: --widths does not have one value per row of the data file")
        width = exported[dflt].astype(np.float64)
    else:
        width = template_widths(d, dflt)
    seeds = [out_of_fold(p, d["records"])[dflt] for p in args.npz]
    if any(np.isnan(s).any() for s in seeds):
        sys.exit("study_template_width_gate: a DS1 beat has no out-of-fold logits")
    k = len(seeds)
    logits, yy, ww, rr = np.concatenate(seeds), np.tile(y, k), np.tile(width, k), np.tile(rec, k)
    per_record = {int(r): {c: round(float(np.nanmedian(width[(rec == r) & (y == i)])), 4)
                           for i, c in enumerate(an.CLASSES) if np.sum((rec == r) & (y == i)) >= 50}
                  for r in np.unique(rec)}

    to = tuple(args.relabel_to.split(","))
    results, kept = [], None
    for t_l in T_L_GRID:
        def score(o, t_l=t_l):
            return figures(yy, gated_labels(logits + o, ww, t_l, None, to))["macroF1"]
        offsets = kept if kept is not None else calibrate_bias(logits, yy, score=score)[0]
        if args.keep_offsets:
            kept = offsets
        pred = gated_labels(logits + offsets, ww, t_l, None, to)
        pooled = figures(yy, pred)
        per_seed = [figures(y, gated_labels(s + offsets, width, t_l, None, to))["macroF1"] for s in seeds]
        n_as_l = (yy == N) & (pred == L)
        results.append({"T_L": t_l, "offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())), "pooled": pooled,
                        "perSeedMacroF1": per_seed,
                        "nCalledLByRecord": {int(r): int(c) for r, c in zip(*np.unique(rr[n_as_l], return_counts=True))}})
        print(f"T_L {t_l}: macro-F1 {pooled['macroF1']} N Se {pooled['N_Se']} L F1 {pooled['L_F1']} R F1 {pooled['R_F1']} "
              f"A {pooled['A_Se']}/{pooled['A_PPV']} V {pooled['V_Se']}/{pooled['V_PPV']} seeds {per_seed} "
              f"offsets {results[-1]['offsets']} N->L {results[-1]['nCalledLByRecord']}", flush=True)

    base = results[0]
    best = max(results[1:], key=lambda r: r["pooled"]["macroF1"])
    checks, decision = gate_decision(base, best)  # session 10's rule, unchanged
    out = {"name": os.path.splitext(os.path.basename(args.out))[0], "date": datetime.date.today().isoformat(),
           "plan": "experiments/cv/plan-session12-template-width-gate.md", "seeds": [os.path.basename(q) for q in args.npz],
           "widths": os.path.basename(args.widths) if args.widths else "study_template_width_gate.template_widths",
           "offsets": "fitted without the gate, kept" if args.keep_offsets else "refitted under each gate",
           **({"relabelTo": list(to)} if to != ("N", "A", "V") else {}),
           "templateWidthSecByRecord": per_record, "grid": results, "best": best["T_L"], "checks": checks,
           "decision": decision}
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print(f"best T_L {best['T_L']}: {checks} -> {decision} ({args.out})")


if __name__ == "__main__":
    main()
