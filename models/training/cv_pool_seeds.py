"""One choice from the leave-records-out CV of several weight seeds (DS1 only; no DS2 beat is read).

  python3 models/training/cv_pool_seeds.py OUT.json cv-s1.npz cv-s2.npz ...
  python3 models/training/cv_pool_seeds.py --key adaptedLogits OUT.json ...   # the AdaBN logits (--adabn runs)
  python3 models/training/cv_pool_seeds.py --ensemble OUT.json ...   # also the seeds' mean logits at that epoch

Each npz is a `train_ctx.py --protocol cv --save-oof` run of the same configuration with another `--init-seed`.
The epoch is the one with the best mean (over the seeds) pooled out-of-fold macro-F1; the per-class logit offsets
are chosen on the out-of-fold logits of that epoch from all seeds together. OUT.json has the fields that
`train_ctx.py --calibration-from` and `--stop-after` read ("calibration", "bestEpoch").
"""
import datetime
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from train import calibrate_bias, confusion, metrics_from_confusion  # noqa: E402


def summary(m):
    return {"accuracy": m["accuracy"], "macroF1": m["macroF1"],
            **{c: {k: m["perClass"][c][k] for k in ("recall", "precision", "f1")} for c in an.CLASSES}}


def load_seed_runs(paths, key="logits"):
    """The --save-oof files of one recipe's weight seeds (r["logits"] = r[key]) and their common labels; exits
    unless they cover the same beats and epochs."""
    runs = [dict(np.load(p)) for p in paths]
    for r in runs:
        r["logits"] = r[key]
    labels = runs[0]["labels"]
    for r in runs[1:]:
        if not np.array_equal(r["labels"], labels) or r["logits"].shape != runs[0]["logits"].shape:
            sys.exit(f"{os.path.basename(sys.argv[0])}: the runs do not cover the same beats and epochs")
    return runs, labels


def pooled_epoch(runs, labels):
    """(per-seed pooled macro-F1 per epoch, their mean, the 1-based epoch with the best mean)."""
    per_seed = [[metrics_from_confusion(confusion(labels, r["logits"][e].argmax(1)))["macroF1"]
                 for e in range(r["logits"].shape[0])] for r in runs]
    mean = np.mean(per_seed, axis=0)
    return per_seed, mean, int(np.argmax(mean)) + 1


def main(out_path, paths, key="logits", ensemble=False):
    runs, labels = load_seed_runs(paths, key)
    per_seed, mean, best = pooled_epoch(runs, labels)
    logits = np.concatenate([r["logits"][best - 1] for r in runs])
    y = np.concatenate([labels] * len(runs))
    offsets, _ = calibrate_bias(logits, y)
    result = {
        "name": os.path.splitext(os.path.basename(out_path))[0], "protocol": "cv", "date": datetime.date.today().isoformat(),
        "seeds": [os.path.basename(p) for p in paths], "logits": key,
        "meanPooledMacroF1PerEpoch": [round(float(v), 4) for v in mean],
        "perSeedPooledMacroF1PerEpoch": [[round(float(v), 4) for v in s] for s in per_seed],
        "bestEpoch": best,
        "pooledBest": summary(metrics_from_confusion(confusion(y, logits.argmax(1)))),
        "calibration": {"offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())),
                        "pooled": summary(metrics_from_confusion(confusion(y, (logits + offsets).argmax(1)))),
                        "method": "per-class logit offsets maximising the out-of-fold macro-F1 of all seeds together"},
    }
    if ensemble:  # one prediction per beat: the mean of the seeds' logits, with offsets of its own
        mean_logits = np.mean([r["logits"][best - 1] for r in runs], axis=0)
        mean_offsets, _ = calibrate_bias(mean_logits, labels)
        result["ensemble"] = {
            "uncalibrated": summary(metrics_from_confusion(confusion(labels, mean_logits.argmax(1)))),
            "offsets": dict(zip(an.CLASSES, mean_offsets.round(3).tolist())),
            "calibrated": summary(metrics_from_confusion(confusion(labels, (mean_logits + mean_offsets).argmax(1))))}
    with open(out_path, "w") as fh:
        json.dump(result, fh, indent=1)
    print(f"{result['name']}: epoch {best} (mean pooled macro-F1 {mean[best - 1]:.4f}), offsets "
          f"{result['calibration']['offsets']}, calibrated {result['calibration']['pooled']['macroF1']} -> {out_path}")
    if ensemble:
        e = result["ensemble"]
        print(f"  ensemble of the {len(runs)} seeds: macro-F1 {e['uncalibrated']['macroF1']:.4f}, "
              f"calibrated {e['calibrated']['macroF1']:.4f}")


if __name__ == "__main__":
    argv = sys.argv[1:]
    key = "logits"
    ensemble = False
    while argv[:1] in (["--key"], ["--ensemble"]):
        if argv[0] == "--key":
            key, argv = argv[1], argv[2:]
        else:
            ensemble, argv = True, argv[1:]
    if len(argv) < 2:
        sys.exit(__doc__)
    main(argv[0], argv[1:], key, ensemble)
