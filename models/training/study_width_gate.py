"""A QRS-width gate on the L and R labels, studied on out-of-fold logits inside DS1 (no DS2 beat is read).

  python3 models/training/study_width_gate.py OUT.json cv-s1.npz cv-s2.npz ... [--data data/mitdb_ctx.bin]

Plan and decision rule: experiments/cv/plan-session10-width-gate.md. Each npz is a `train_ctx.py --protocol cv
--save-oof` run of one recipe with another weight seed. The gate: a beat labelled L whose `qrsWidthSec` is below
T_L takes its best label among N, A and V; likewise R below T_R. For every (T_L, T_R) the per-class logit offsets
are refitted with the gate inside the score, on all seeds' out-of-fold logits together.
"""
import argparse
import datetime
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from cv_pool_seeds import load_seed_runs, pooled_epoch  # noqa: E402
from train import calibrate_bias, confusion, metrics_from_confusion, read_beats_bin  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
N, L, R, A, V = range(5)
T_L_GRID = [None, 0.055, 0.060, 0.065, 0.070, 0.075]
T_R_GRID = [None, 0.050, 0.055, 0.060]


def gated_labels(logits, width, t_l, t_r, to=("N", "A", "V")):
    """argmax, then L (R) labels of beats narrower than t_l (t_r) s fall back to the best of the classes `to`."""
    pred = logits.argmax(1)
    narrow = np.zeros(len(pred), bool)
    if t_l is not None:
        narrow |= (pred == L) & (width < t_l)
    if t_r is not None:
        narrow |= (pred == R) & (width < t_r)
    if narrow.any():
        rest = logits[narrow].copy()
        rest[:, [i for i, c in enumerate(an.CLASSES) if c not in to]] = -np.inf
        pred[narrow] = rest.argmax(1)
    return pred


def gate_decision(base, best):
    """The plan's rule for a gate against no gate (rows with "pooled" figures and "perSeedMacroF1"): its checks and
    "DS2 candidate" or "rejected"."""
    b, p = base["pooled"], best["pooled"]
    wins = sum(s > s0 for s, s0 in zip(best["perSeedMacroF1"], base["perSeedMacroF1"]))
    checks = {"macroF1 +0.01": p["macroF1"] >= b["macroF1"] + 0.01, "N Se higher": p["N_Se"] > b["N_Se"],
              "A Se within 0.01": p["A_Se"] >= b["A_Se"] - 0.01, "V Se within 0.01": p["V_Se"] >= b["V_Se"] - 0.01,
              "3 of 4 seeds": wins >= 3}
    return checks, "DS2 candidate" if all(checks.values()) else "rejected"


def figures(y, pred):
    m = metrics_from_confusion(confusion(y, pred))
    pc = m["perClass"]
    out = {"macroF1": round(m["macroF1"], 4), "accuracy": round(m["accuracy"], 4)}
    for c in an.CLASSES:
        out[f"{c}_Se"] = round(pc[c]["recall"], 4)
        out[f"{c}_PPV"] = round(pc[c]["precision"], 4)
        out[f"{c}_F1"] = round(pc[c]["f1"], 4)
    return out


def oof_widths(run, data):
    """qrsWidthSec of each out-of-fold beat, matched on (record, sample) among the default-lead beats."""
    col = data["contextNames"].index("qrsWidthSec")
    default = np.flatnonzero(data["isDefault"] == 1)
    key = data["records"][default].astype(np.int64) * (1 << 40) + data["samples"][default]
    order = np.argsort(key)
    want = run["records"].astype(np.int64) * (1 << 40) + run["samples"]
    pos = np.searchsorted(key[order], want)
    if np.any(pos >= len(order)) or not np.array_equal(key[order][pos], want):
        sys.exit("study_width_gate: an out-of-fold beat is not in the data file")
    return data["context"][default[order[pos]], col]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("npz", nargs="+")
    ap.add_argument("--data", default=os.path.join(HERE, "data", "mitdb_ctx.bin"))
    args = ap.parse_args()
    data = read_beats_bin(args.data)
    runs, y = load_seed_runs(args.npz)
    width = oof_widths(runs[0], data)
    epoch = pooled_epoch(runs, y)[2]
    k = len(runs)
    logits = np.concatenate([r["logits"][epoch - 1] for r in runs])
    yy, ww = np.tile(y, k), np.tile(width, k)

    results = []
    for t_l in T_L_GRID:
        for t_r in T_R_GRID:
            def score(o, t_l=t_l, t_r=t_r):
                return metrics_from_confusion(confusion(yy, gated_labels(logits + o, ww, t_l, t_r)))["macroF1"]
            offsets, _ = calibrate_bias(logits, yy, score=score)
            pooled = figures(yy, gated_labels(logits + offsets, ww, t_l, t_r))
            seeds = [figures(y, gated_labels(r["logits"][epoch - 1] + offsets, width, t_l, t_r))["macroF1"] for r in runs]
            results.append({"T_L": t_l, "T_R": t_r, "offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())),
                            "pooled": pooled, "perSeedMacroF1": seeds})
            print(f"T_L {t_l} T_R {t_r}: macro-F1 {pooled['macroF1']} N Se {pooled['N_Se']} L F1 {pooled['L_F1']} "
                  f"R F1 {pooled['R_F1']} A {pooled['A_Se']}/{pooled['A_PPV']} V {pooled['V_Se']}/{pooled['V_PPV']} "
                  f"seeds {seeds}", flush=True)

    base = results[0]
    # Where the N beats called L are, without the gate (all seeds together): what a width gate could reach.
    base_pred = gated_labels(logits + np.array([base["offsets"][c] for c in an.CLASSES]), ww, None, None)
    n_as_l = (yy == N) & (base_pred == L)
    recs = np.tile(runs[0]["records"], k)
    base["nCalledLByRecord"] = {int(r): int(c) for r, c in zip(*np.unique(recs[n_as_l], return_counts=True))}
    base["nCalledLMedianWidthSec"] = {r: round(float(np.median(ww[n_as_l & (recs == r)])), 4)
                                      for r in base["nCalledLByRecord"]}
    print(f"no gate: N beats called L by record {base['nCalledLByRecord']}, median width "
          f"{base['nCalledLMedianWidthSec']}")
    best = max(results[1:], key=lambda r: r["pooled"]["macroF1"])
    checks, decision = gate_decision(base, best)
    out = {"name": os.path.splitext(os.path.basename(args.out))[0], "date": datetime.date.today().isoformat(),
           "plan": "experiments/cv/plan-session10-width-gate.md", "seeds": [os.path.basename(p) for p in args.npz],
           "epoch": epoch, "grid": results, "best": {"T_L": best["T_L"], "T_R": best["T_R"]},
           "checks": checks, "decision": decision}
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print(f"epoch {epoch}; best T_L {best['T_L']} T_R {best['T_R']}: {checks} -> {decision}")


if __name__ == "__main__":
    main()
