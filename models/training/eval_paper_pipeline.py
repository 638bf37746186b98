"""The paper protocol through the product's C++ pipeline: every record analysed by av-analyze at its reference
beat positions, then the beats of the paper split's validation and test parts scored, the model's own labels
(beats[].modelLabel where the AF rule changed one) and the labels after the AF rule (A inside AF counted as N).

  python3 models/training/eval_paper_pipeline.py [--model v1-ctx] [--json out.json]
  (needs the native build, bash scripts/build.sh native, and data/mitdb_ctx.bin for the split)

The model-alone figures must equal train_ctx.py's for the same model (engine parity on the whole split).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from train import confusion, metrics_from_confusion, read_beats_bin  # noqa: E402
from train_ctx import DEFAULT_DATA, paper_parts  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def pipeline_labels(records, mitdb, model):
    """(record, sample) -> (label after the AF rule, the model's label)."""
    out = {}
    for r in records:
        analysis = subprocess.run([os.path.join(ROOT, "build", "native", "av-analyze"), os.path.join(mitdb, f"{r}.hea"),
                                   "--model", model, "--beats", "reference", "--no-timing"],
                                  stdout=subprocess.PIPE, check=True).stdout
        for b in json.loads(analysis)["beats"]:
            out[(int(r), b["sample"])] = (b["label"], b.get("modelLabel", b["label"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="v1-ctx")
    ap.add_argument("--mitdb", default=os.path.join(ROOT, "..", "shared", "data", "mitdb"))
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--seed", type=int, default=1, help="the paper split's seed (train_ctx.py --seed)")
    ap.add_argument("--json")
    args = ap.parse_args()
    raw = read_beats_bin(args.data)
    labels, records = raw["labels"].astype(np.int64), raw["records"].astype(np.int64)
    samples, default = raw["samples"].astype(np.int64), raw["isDefault"].astype(bool)
    part = paper_parts(labels, records, samples, args.seed)
    model = args.model if args.model.endswith(".json") else os.path.join(ROOT, "models", f"arrhythminet-{args.model}.json")
    got = pipeline_labels(sorted(set(records.tolist())), args.mitdb, model)
    index = {c: i for i, c in enumerate(an.CLASSES)}
    result = {"model": args.model, "seed": args.seed}
    for split, code in (("validation", 1), ("test", 2)):
        idx = np.flatnonzero((part == code) & default)
        pairs = [got.get((int(records[i]), int(samples[i]))) for i in idx]
        if any(p is None for p in pairs):
            sys.exit(f"eval_paper_pipeline: {sum(p is None for p in pairs)} {split} beats not found in the pipeline's output")
        for tag, k in (("modelAlone", 1), ("withAfRule", 0)):
            pred = np.array([index.get(p[k], -1) for p in pairs])
            other = int((pred < 0).sum())  # labels outside the five classes (none expected at reference beats)
            m = metrics_from_confusion(confusion(labels[idx][pred >= 0], pred[pred >= 0]))
            pc = m["perClass"]
            result[f"{split}.{tag}"] = {"beats": int(idx.size), "otherLabels": other, "accuracy": m["accuracy"],
                                        "macroF1": m["macroF1"], "perClass": pc}
            print(f"{split:10s} {tag:10s}: {idx.size} beats, accuracy {m['accuracy']:.4f}, macro-F1 {m['macroF1']:.4f}, "
                  f"A Se / PPV / F1 {pc['A']['recall']:.3f} / {pc['A']['precision']:.3f} / {pc['A']['f1']:.3f}, "
                  f"V F1 {pc['V']['f1']:.3f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
