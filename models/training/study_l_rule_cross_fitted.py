"""DS1 diagnosis, no decision: session 12's L rule under session 13's cross-fitted evaluation (offsets and T_L
fitted on four folds, scored on the fifth), with the checks of experiments/cv/plan-session13-template-match-v-rule.md.

  python3 models/training/study_l_rule_cross_fitted.py W.f32 runs/s10kd/teacher-s{1,2,3,4}.npz

W.f32: `av-export-beats ... --template-widths W.f32`. No DS2 beat is read.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study_cross_fitted_calibration import decision, ds1_default_lead, summary  # noqa: E402
from study_lead_average import out_of_fold  # noqa: E402
from study_template_match_v_rule import cross_fitted_rule  # noqa: E402
from study_width_gate import gated_labels  # noqa: E402

T_L_GRID = [(0.070,), (0.075,), (0.080,), (0.085,), (0.090,)]


def main(widths, paths):
    d, dflt, y, rec, width = ds1_default_lead(widths, "study_l_rule_cross_fitted")
    seeds = [out_of_fold(p, d["records"])[dflt] for p in paths]
    with_rule, without, folds, _, _, _ = cross_fitted_rule(
        seeds, y, rec, T_L_GRID, lambda lg, b, g: gated_labels(lg, width[b], g[0] if g else None, None), "cross-fitted")
    base, row = summary(y, without), summary(y, with_rule)
    for tag, r in (("no L rule", base), ("L rule", row)):
        p = r["pooled"]
        print(f"{tag}: macro-F1 {p['macroF1']} N Se {p['N_Se']} L F1 {p['L_F1']} A {p['A_Se']}/{p['A_PPV']} "
              f"V {p['V_Se']}/{p['V_PPV']} seeds {r['perSeedMacroF1']}")
    print(f"T_L per fold {[f['rule'][0] for f in folds]}: {decision(base, row)}")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
