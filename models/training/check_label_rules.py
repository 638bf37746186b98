"""The C++ pipeline's label rules against the studies' own: av-analyze's labels (rules on) on DS1's reference beats
outside AF, against study_template_match_v_rule.ruled_labels on av-analyze's probabilities with the export's template
widths and templateCorrQrs.

  python3 models/training/check_label_rules.py W.f32 [--model models/arrhythminet-v1-ctx-ds1.json]

W.f32: `av-export-beats ... data/mitdb_ctx.bin --template-widths W.f32`; needs the native build.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from study_lead_average import DATA  # noqa: E402
from study_template_match_v_rule import ruled_labels  # noqa: E402
from train import DS1, read_beats_bin  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("widths")
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "arrhythminet-v1-ctx-ds1.json"))
    ap.add_argument("--mitdb", default=os.path.join(ROOT, "..", "shared", "data", "mitdb"))
    args = ap.parse_args()
    rules = json.load(open(args.model))["labelRules"]
    if rules.get("lMinTemplateQrsSec") != 0.09:
        sys.exit("check_label_rules: the studies' L rule is 0.09 s; this model has another")
    v_rule = (rules["vTemplateMatchMinQrsSec"], rules["vTemplateMatchCorrQrs"]) if "vTemplateMatchCorrQrs" in rules else None
    d = read_beats_bin(DATA)
    widths = np.fromfile(args.widths, dtype="<f4")
    corr_col = d["contextNames"].index("templateCorrQrs")
    index = {c: i for i, c in enumerate(an.CLASSES)}
    beats = differ = changed = in_af = 0
    for r in DS1:
        rows = np.flatnonzero((d["records"] == r) & (d["isDefault"] == 1))
        row_of = {int(s): k for s, k in zip(d["samples"][rows], rows)}
        out = json.loads(subprocess.run([os.path.join(ROOT, "build", "native", "av-analyze"),
                                         os.path.join(args.mitdb, f"{r}.hea"), "--model", args.model,
                                         "--beats", "reference", "--no-timing"], stdout=subprocess.PIPE, check=True).stdout)
        for b in out["beats"]:
            if "label" not in b or b["sample"] not in row_of:
                continue
            if b.get("rhythm") == "AF":  # the AF rule relabels A there: not a label rule
                in_af += 1
                continue
            k = row_of[b["sample"]]
            p = np.array([b["probabilities"][c] or 0.0 for c in an.CLASSES])
            logits = np.log(np.maximum(p, 1e-12))[None]
            w, c = np.array([widths[k]], np.float64), np.array([d["context"][k, corr_col]], np.float64)
            expected = ruled_labels(logits, w, c, v_rule)[0]
            beats += 1
            changed += int(expected != ruled_labels(logits, w, c, None)[0])
            if index[b["label"]] != expected:
                differ += 1
                if differ <= 10:
                    print(f"differs: record {r} sample {b['sample']}: C++ {b['label']}, study {an.CLASSES[expected]}")
    print(f"{beats} DS1 reference beats outside AF ({in_af} in AF left out): {differ} labels differ; "
          f"the V rule changes {changed}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
