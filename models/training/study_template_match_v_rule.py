"""DS1 study: no V label on a beat that matches its running template (experiments/cv/plan-session13-template-match-v-rule.md).

  python3 models/training/study_template_match_v_rule.py OUT.json runs/s10kd/teacher-s{1,2,3,4}.npz --widths W.f32
      [--wide-only] [--plot PNG]

A beat labelled V whose templateCorrQrs (the context feature of data/mitdb_ctx.bin) is at least c and whose running
template is at least T_V wide takes its best label among N, L, R and A (L only on a template of at least T_L, the
shipped L rule's 90 ms); the L rule (L on a narrower template -> best of N, A, V) applies as shipped, and a beat both
rules touch takes the best of N and A. The grid point is chosen on the other folds (cross-fitted), with the offsets
either cross-fitted too or kept (the four seeds' pooled no-rule fit). No DS2 beat is read.
"""
import argparse
import datetime
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from study_cross_fitted_calibration import FREE, decision, ds1_default_lead, fit_offsets, summary  # noqa: E402
from study_lead_average import out_of_fold  # noqa: E402
from study_width_gate import figures  # noqa: E402
from train_ctx import cv_folds  # noqa: E402

N, L, R, A, V = range(5)
T_L = 0.09
GRID = [(t_v, c) for t_v in (0.09, 0.0) for c in (0.80, 0.85, 0.90, 0.95)]
WIDE_GRID = [g for g in GRID if g[0] == T_L]  # --wide-only, the plan's addendum


def ruled_labels(logits, width, corr, rule):
    """argmax, then the L rule, then (rule = (T_V, c), or None for none) the template-match V rule."""
    pred = logits.argmax(1)
    allowed = np.ones(logits.shape, bool)
    narrow = width < T_L  # NaN (no template yet): no rule
    l_ruled = (pred == L) & narrow
    allowed[l_ruled] = [c in (N, A, V) for c in range(5)]
    pred = np.where(allowed, logits, -np.inf).argmax(1)
    if rule is not None:
        t_v, c = rule
        v_ruled = (pred == V) & (corr >= c) & (width >= t_v)
        allowed[v_ruled, V] = False
        allowed[v_ruled & narrow, L] = False
        pred = np.where(allowed, logits, -np.inf).argmax(1)
    return pred


def macro_f1(y, pred):
    return figures(y, pred)["macroF1"]


def cross_fitted_rule(seeds, y, rec, grid, label, offsets_mode):
    """A label rule scored on patients that chose neither its grid point nor the offsets. For each CV fold: offsets
    fitted without the rule on the other folds' pooled out-of-fold logits ("cross-fitted"), or the pooled fit on all
    folds ("kept"); the grid point with the best macro-F1 on the other folds; both applied to the held-out fold.
    label(logits, beats, g): the labels of rows of logits that are the beats `beats` (indices into y) under grid
    point g, or without the rule for g = None. Returns per seed the labels with the rule and without it, the folds'
    choices, and the grid point, its scores and the offsets on all folds."""
    k = len(seeds)
    pooled, yy, rr = np.concatenate(seeds), np.tile(y, k), np.tile(rec, k)
    beats = np.tile(np.arange(y.size), k)
    kept = fit_offsets(pooled, yy, FREE["all"])
    with_rule = [np.empty(y.size, np.int64) for _ in seeds]
    without = [np.empty(y.size, np.int64) for _ in seeds]
    folds = []
    for held_out in cv_folds():
        fit = ~np.isin(rr, held_out)
        o = fit_offsets(pooled[fit], yy[fit], FREE["all"]) if offsets_mode == "cross-fitted" else kept
        scores = {g: macro_f1(yy[fit], label(pooled[fit] + o, beats[fit], g)) for g in grid}
        g = max(grid, key=lambda p: scores[p])
        folds.append({"heldOut": held_out, "offsets": o.round(3).tolist(), "rule": list(g),
                      "fitMacroF1": round(scores[g], 4)})
        rows = np.flatnonzero(np.isin(rec, held_out))
        for s, a, b in zip(seeds, with_rule, without):
            a[rows] = label(s[rows] + o, rows, g)
            b[rows] = label(s[rows] + o, rows, None)
    all_scores = {g: macro_f1(yy, label(pooled + kept, beats, g)) for g in grid}
    final = max(grid, key=lambda p: all_scores[p])
    return with_rule, without, folds, final, all_scores, kept


def plot_v_calls(path, seeds, y, width, corr, offsets, c):
    """Histogram of templateCorrQrs for the V calls (L rule applied) on templates at least T_L wide, by true class."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pred = np.concatenate([ruled_labels(s + offsets, width, corr, None) for s in seeds])
    yy, cc, ww = np.tile(y, len(seeds)), np.tile(corr, len(seeds)), np.tile(width, len(seeds))
    on_wide = (pred == V) & (ww >= T_L)
    bins = np.linspace(-1, 1, 41)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for cls, color in ((V, "tab:red"), (L, "tab:blue"), (N, "tab:gray"), (A, "tab:green"), (R, "tab:purple")):
        m = on_wide & (yy == cls)
        if m.any():
            ax.hist(cc[m], bins=bins, histtype="step", linewidth=1.6, color=color,
                    label=f"{'true V' if cls == V else 'false V, truly ' + an.CLASSES[cls]} ({m.sum():,})")
    ax.axvline(c, color="black", linestyle="--", linewidth=1)
    ax.text(c - 0.02, ax.get_ylim()[1] * 0.5, f"c = {c:g}: V calls to the right\nget their best other label",
            ha="right", va="top", fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("templateCorrQrs (the beat's QRS against its running template)")
    ax.set_ylabel("V calls, 4 seeds (log)")
    ax.set_title("DS1 out of fold: V calls on a template at least 90 ms wide", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("npz", nargs="+")
    ap.add_argument("--widths", required=True, help="av-export-beats --template-widths output")
    ap.add_argument("--wide-only", action="store_true", help="the addendum's grid: T_V = T_L only")
    ap.add_argument("--plot", help="PNG: templateCorrQrs of the V calls on wide templates, by true class (kept offsets)")
    args = ap.parse_args()
    grid = WIDE_GRID if args.wide_only else GRID
    d, dflt, y, rec, width = ds1_default_lead(args.widths, "study_template_match_v_rule")
    corr = d["context"][dflt, d["contextNames"].index("templateCorrQrs")].astype(np.float64)
    seeds = [out_of_fold(p, d["records"])[dflt] for p in args.npz]
    if any(np.isnan(s).any() for s in seeds):
        sys.exit("study_template_match_v_rule: a DS1 beat has no out-of-fold logits")

    out = {"name": os.path.splitext(os.path.basename(args.out))[0], "date": datetime.date.today().isoformat(),
           "plan": "experiments/cv/plan-session13-template-match-v-rule.md", "T_L": T_L, "grid": grid,
           "seeds": [os.path.basename(p) for p in args.npz], "widths": os.path.basename(args.widths), "evaluations": {}}
    decisions = []
    for mode in ("cross-fitted", "kept"):
        with_rule, without, folds, final, all_scores, kept = cross_fitted_rule(
            seeds, y, rec, grid, lambda lg, b, g: ruled_labels(lg, width[b], corr[b], g), mode)
        base, row = summary(y, without), summary(y, with_rule)
        checks, verdict = decision(base, row)
        decisions.append(verdict)
        ruled = [int(((w != b)).sum()) for w, b in zip(with_rule, without)]
        out["evaluations"][mode] = {"base": base, "withRule": row, "folds": folds, "checks": checks,
                                    "decision": verdict, "beatsChangedPerSeed": ruled,
                                    "allFolds": {"offsets": dict(zip(an.CLASSES, kept.round(3).tolist())),
                                                 "rule": list(final),
                                                 "macroF1ByGridPoint": {f"{t}/{c}": round(s, 4)
                                                                        for (t, c), s in all_scores.items()}}}
        for tag, r in (("base", base), ("V rule", row)):
            p = r["pooled"]
            print(f"{mode} {tag}: macro-F1 {p['macroF1']} N Se {p['N_Se']} L F1 {p['L_F1']} R F1 {p['R_F1']} "
                  f"A {p['A_Se']}/{p['A_PPV']} V {p['V_Se']}/{p['V_PPV']} seeds {r['perSeedMacroF1']}", flush=True)
        print(f"{mode}: folds' rules {[f['rule'] for f in folds]}, beats changed per seed {ruled}, "
              f"all folds: {final} -> {checks} -> {verdict}", flush=True)
    out["decision"] = "DS2 candidate" if all(v == "DS2 candidate" for v in decisions) else "rejected"
    if args.plot:
        kept = out["evaluations"]["kept"]["allFolds"]
        plot_v_calls(args.plot, seeds, y, width, corr, np.array([kept["offsets"][c] for c in an.CLASSES]), kept["rule"][1])
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print(f"decision: {out['decision']} ({args.out})")


if __name__ == "__main__":
    main()
