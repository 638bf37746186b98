"""DS1 diagnosis: what the logit offsets trade, on the shipped v1-ctx-ds1 recipe's out-of-fold logits.

  python3 models/training/study_calibration_tradeoff.py OUT.json OUT.png runs/s10kd/teacher-s{1,2,3,4}.npz

The npz files come from experiments/cv/session10-teachers.sh (four weight seeds, every fold model's logits on every
DS1 beat); the four seeds' out-of-fold default-lead logits are pooled. Two sweeps, no DS2 beat read, no candidate:
- L held at each value of -3..3, the other offsets (N stays 0) refitted for pooled macro-F1 as the shipped
  calibration does: why that calibration puts L at +3, the edge of its grid;
- the frontier: the best pooled macro-F1 under a floor on N sensitivity (study_constrained_calibration's search).
"""
import datetime
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from cv_pool_seeds import summary  # noqa: E402
from study_constrained_calibration import search  # noqa: E402
from study_lead_average import DATA, lead_pairs, out_of_fold  # noqa: E402
from train import calibrate_bias, confusion, metrics_from_confusion, read_beats_bin  # noqa: E402

N, L = 0, 1
L_GRID = np.linspace(-3, 3, 25)
L_PATIENTS = (109, 207)
N_SE_FLOORS = [0.84, 0.86, 0.88, 0.90, 0.92, 0.93, 0.94, 0.95, 0.96]


def fit_with_l(logits, y, l_offset):
    """Offsets maximising macro-F1 with L's held at l_offset."""
    def fixed(o):
        o = o.copy()
        o[L] = l_offset
        return o

    def score(o):
        return metrics_from_confusion(confusion(y, (logits + fixed(o)).argmax(1)))["macroF1"]

    offsets, _ = calibrate_bias(logits, y, score=score)
    return fixed(offsets)


def main(out_json, out_png, paths):
    d = read_beats_bin(DATA)
    dflt, _ = lead_pairs(d)
    y = d["labels"][dflt].astype(np.int64)
    rec = d["records"][dflt].astype(np.int64)
    seeds = [out_of_fold(p, d["records"])[dflt] for p in paths]
    if any(np.isnan(s).any() for s in seeds):
        sys.exit("study_calibration_tradeoff: a DS1 beat has no out-of-fold logits")
    logits, yy, rr = np.concatenate(seeds), np.tile(y, len(seeds)), np.tile(rec, len(seeds))
    rows = []
    for l_offset in L_GRID:
        offsets = fit_with_l(logits, yy, l_offset)
        pred = (logits + offsets).argmax(1)
        m = summary(metrics_from_confusion(confusion(yy, pred)))
        n_as_l = {int(r): int(np.sum((rr == r) & (yy == N) & (pred == L))) for r in np.unique(rr)}
        l_found = {int(r): round(float(np.mean(pred[(rr == r) & (yy == L)] == L)), 4) for r in L_PATIENTS}
        rows.append({"L": round(float(l_offset), 3), "offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())),
                     "calibrated": m, "nCalledL": int(sum(n_as_l.values())),
                     "nCalledLByRecord": {r: c for r, c in n_as_l.items() if c}, "lSeByPatient": l_found})
        print(f"L {l_offset:+.2f}: macro-F1 {m['macroF1']:.4f}  N Se {m['N']['recall']:.3f}  L F1 {m['L']['f1']:.3f}  "
              f"A {m['A']['recall']:.3f}/{m['A']['precision']:.3f}  V {m['V']['recall']:.3f}/{m['V']['precision']:.3f}  "
              f"N->L {rows[-1]['nCalledL']}  L Se {l_found}", flush=True)
    frontier = []
    for floor in N_SE_FLOORS:
        offsets = search(yy, logits, True, floor)
        m = summary(metrics_from_confusion(confusion(yy, (logits + offsets).argmax(1))))
        frontier.append({"nSeFloor": floor, "offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())), "calibrated": m})
        print(f"N Se >= {floor:.2f}: macro-F1 {m['macroF1']:.4f}  N Se {m['N']['recall']:.3f}  "
              f"A {m['A']['recall']:.3f}/{m['A']['precision']:.3f}  V {m['V']['recall']:.3f}/{m['V']['precision']:.3f}  "
              f"offsets {frontier[-1]['offsets']}", flush=True)
    result = {"name": os.path.splitext(os.path.basename(out_json))[0], "protocol": "cv (DS1 only), a diagnosis",
              "date": datetime.date.today().isoformat(), "seeds": [os.path.basename(p) for p in paths],
              "beats": int(dflt.size), "lSweep": rows, "nSeFrontier": frontier}
    with open(out_json, "w") as fh:
        json.dump(result, fh, indent=1)
    plot(rows, frontier, out_png)
    print(f"-> {out_json}, {out_png}")


def plot(rows, frontier, path):
    x = [r["L"] for r in rows]
    c = [r["calibrated"] for r in rows]
    fig, (a, b, f) = plt.subplots(1, 3, figsize=(16, 4))
    a.plot(x, [m["macroF1"] for m in c], "k-", lw=2, label="macro-F1 (5 classes)")
    a.plot(x, [m["N"]["recall"] for m in c], label="N Se")
    a.plot(x, [m["L"]["f1"] for m in c], label="L F1")
    a.plot(x, [m["A"]["recall"] for m in c], label="A Se")
    a.plot(x, [m["V"]["recall"] for m in c], label="V Se")
    a.axhline(0.95, color="grey", ls=":", lw=1)
    a.text(x[0], 0.955, "N Se target 0.95", color="grey", fontsize=8)
    a.set_xlabel("L logit offset (others refitted)")
    a.set_ylim(0, 1)
    a.legend(fontsize=8, loc="lower left")
    a.set_title("DS1 out of fold, four weight seeds")
    for r, style in ((109, "-"), (207, "--")):
        b.plot(x, [row["lSeByPatient"][r] for row in rows], "C1" + style, label=f"L Se, held-out {r}")
    b2 = b.twinx()
    b2.plot(x, [row["nCalledL"] / 4 for row in rows], "C0", label="N beats called L (per seed)")
    b.set_xlabel("L logit offset (others refitted)")
    b.set_ylabel("share of the patient's L beats found")
    b2.set_ylabel("N beats called L")
    b.set_ylim(0, 1)
    lines = b.get_legend_handles_labels()[0] + b2.get_legend_handles_labels()[0]
    b.legend(lines, [h.get_label() for h in lines], fontsize=8, loc="upper left")
    b.set_title("what the L offset buys and costs")
    fx = [r["calibrated"]["N"]["recall"] for r in frontier]
    fc = [r["calibrated"] for r in frontier]
    f.plot(fx, [m["macroF1"] for m in fc], "ko-", lw=2, label="macro-F1 (5 classes)")
    f.plot(fx, [m["A"]["recall"] for m in fc], "C2o-", label="A Se")
    f.plot(fx, [m["A"]["precision"] for m in fc], "C2o:", label="A PPV")
    f.plot(fx, [m["V"]["recall"] for m in fc], "C3o-", label="V Se")
    f.plot(fx, [m["V"]["precision"] for m in fc], "C3o:", label="V PPV")
    f.axvline(0.95, color="grey", ls=":", lw=1)
    f.set_xlabel("N Se reached (best macro-F1 under a floor on N Se)")
    f.set_ylim(0, 1)
    f.legend(fontsize=8, loc="lower left")
    f.set_title("the N Se frontier")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
