"""Record-level label rules studied on out-of-fold predictions inside DS1 (no DS2 beat is read).

  python3 models/training/train_ctx.py --model v1 --protocol cv ... --save-oof runs/exp/cv-oof.npz
  python3 models/training/study_postprocess.py runs/exp/cv-oof.npz [--data data/mitdb_ctx.bin]

The npz holds the pooled out-of-fold logits of every epoch (each DS1 record scored by the fold model that never
saw it). This script takes the CV's chosen epoch and logit offsets and reports, pooled over DS1, what each rule
does to N Se, L/R F1, A Se/PPV and macro-F1:
  family   conduction is a property of the patient's dominant morphology: among the beats labelled N, L or R
           that match the running template (templateCorrQrs >= t), the record's majority label replaces the
           others (beats of another morphology keep theirs).
  prematurity  an A label needs pre-RR < p x local RR; otherwise the beat takes its best non-A label.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from train import beat_key, confusion, metrics_from_confusion, read_beats_bin, rows_with_keys  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
N, L, R, A, V = range(5)


def summary(y, p):
    m = metrics_from_confusion(confusion(y, p))
    pc = m["perClass"]
    return {"macroF1": m["macroF1"], "accuracy": m["accuracy"], "N_Se": pc["N"]["recall"], "L_F1": pc["L"]["f1"],
            "R_F1": pc["R"]["f1"], "A_Se": pc["A"]["recall"], "A_PPV": pc["A"]["precision"],
            "V_Se": pc["V"]["recall"], "V_PPV": pc["V"]["precision"]}


def family_vote(pred, logits, records, corr, threshold, min_share=0.5):
    """Within each record: the beats labelled N/L/R whose QRS matches the template vote (by count); when one
    conduction label holds more than min_share of them, the matching beats take it."""
    out = pred.copy()
    for rec in np.unique(records):
        idx = np.flatnonzero((records == rec) & np.isin(pred, (N, L, R)) & (corr >= threshold))
        if idx.size < 20:
            continue
        counts = np.bincount(pred[idx], minlength=5)[[N, L, R]]
        winner = (N, L, R)[int(np.argmax(counts))]
        if counts.max() > min_share * idx.size:
            out[idx] = winner
    return out


def prematurity_gate(pred, logits, log_pre_local, ratio):
    out = pred.copy()
    late = (pred == A) & (log_pre_local > np.log(ratio))
    lg = logits[late].copy()
    lg[:, A] = -np.inf
    out[late] = lg.argmax(1)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("oof")
    ap.add_argument("--data", default=os.path.join(HERE, "data", "mitdb_ctx.bin"))
    ap.add_argument("--epoch", type=int, default=0, help="epoch to study (default: the CV's choice)")
    ap.add_argument("--json", help="write the table as JSON")
    args = ap.parse_args()
    oof = np.load(args.oof)
    epoch = args.epoch or int(oof["bestEpoch"])
    logits = oof["logits"][epoch - 1] + oof["offsets"][None, :]
    y, records, samples = oof["labels"], oof["records"], oof["samples"]
    raw = read_beats_bin(args.data)
    names = raw["contextNames"]
    key = beat_key(raw["records"], raw["samples"])
    default = raw["isDefault"].astype(bool)
    rows = rows_with_keys(key, np.flatnonzero(default), beat_key(records, samples))
    assert rows is not None and np.array_equal(raw["labels"][rows], y), "oof rows do not match"
    ctx = raw["context"][rows]
    corr = ctx[:, names.index("templateCorrQrs")]
    lpl = ctx[:, names.index("logPreLocal")]
    pred = logits.argmax(1)

    table = [("model (epoch %d, CV offsets)" % epoch, summary(y, pred))]
    for t in (0.8, 0.9, 0.95):
        for share in (0.5, 0.7):
            table.append((f"family t={t} share>{share}", summary(y, family_vote(pred, logits, records, corr, t, share))))
    for ratio in (0.95, 0.9, 0.85):
        table.append((f"prematurity pre<{ratio} local", summary(y, prematurity_gate(pred, logits, lpl, ratio))))
    keys = list(table[0][1].keys())
    print("| rule | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for name, s in table:
        print(f"| {name} | " + " | ".join(f"{s[k]:.3f}" for k in keys) + " |")
    per_rec = {}
    for rec in np.unique(records):
        i = records == rec
        per_rec[int(rec)] = {"beats": int(i.sum()), "accuracy": round(float((pred[i] == y[i]).mean()), 3),
                             "labels": np.bincount(y[i], minlength=5).tolist(),
                             "predicted": np.bincount(pred[i], minlength=5).tolist()}
    print("per record (reference N L R A V | predicted):")
    for rec, d in per_rec.items():
        print(f"  {rec}: acc {d['accuracy']:.3f}  ref {d['labels']}  pred {d['predicted']}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"oof": os.path.basename(args.oof), "epoch": epoch, "rules": dict(table), "perRecord": per_rec},
                      fh, indent=1)


if __name__ == "__main__":
    main()
