"""Does the paper protocol's calibration (per-class logit offsets fitted on the validation split) generalize, or
only fit that split? Answered on the validation split alone (no test beat is read): 10 random halvings, offsets
fitted on one half and scored on the other, against no offsets.

  python3 models/training/study_calibration.py RUN_DIR [RUN_DIR ...]    (train_ctx.py --protocol paper runs, seed 1)
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from train import calibrate_bias, confusion, metrics_from_confusion, read_beats_bin  # noqa: E402
from train_ctx import paper_parts  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def validation_split(raw, seed=1):
    """The paper protocol's validation beats (default lead), as train_ctx.py draws them."""
    parts = paper_parts(raw["labels"].astype(np.int64), raw["records"], raw["samples"], seed)
    return np.flatnonzero((parts == 1) & raw["isDefault"].astype(bool))


def scores(logits, y):
    m = metrics_from_confusion(confusion(y, logits.argmax(1)))
    return m["macroF1"], m["perClass"]["A"]["f1"]


def main(runs):
    loaded = {}
    for run in runs:
        with open(os.path.join(run, "result.json")) as fh:
            r = json.load(fh)
        path = os.path.join(HERE, "..", "..", r["training"]["data"]["file"])  # the beats the run trained on
        if path not in loaded:
            beats = read_beats_bin(path)
            split = validation_split(beats)
            loaded[path] = beats, split, beats["labels"][split].astype(np.int64)
        raw, va, y = loaded[path]
        channels, names = r["inputChannels"], r["contextNames"]
        cols = [raw["contextNames"].index(n) for n in names]
        x = torch.from_numpy(raw["windows"][va][:, :channels].astype(np.float32))
        ctx = torch.from_numpy(raw["context"][va][:, cols].astype(np.float32))
        model = an.ArrhythmiNet(r["variant"], in_channels=channels, context=len(names))
        model.load_state_dict(torch.load(os.path.join(run, "model.pt")))
        model.eval()
        folded = np.array([r["training"]["calibration"]["offsets"][c] for c in an.CLASSES])
        with torch.no_grad():
            logits = torch.cat([model(x[i:i + 4096], ctx[i:i + 4096]) for i in range(0, len(y), 4096)]).numpy() - folded
        plain, fitted = [], []
        for s in range(10):
            order = np.random.default_rng(100 + s).permutation(len(y))
            halves = order[:len(y) // 2], order[len(y) // 2:]
            for fit_on, score_on in (halves, halves[::-1]):
                offsets, _ = calibrate_bias(logits[fit_on], y[fit_on])
                fitted.append(scores(logits[score_on] + offsets, y[score_on]))
                plain.append(scores(logits[score_on], y[score_on]))
        p, f = np.mean(plain, axis=0), np.mean(fitted, axis=0)
        print(f"{os.path.basename(run.rstrip('/'))}: held-out half macro-F1 {p[0]:.4f} -> {f[0]:.4f}, "
              f"A F1 {p[1]:.3f} -> {f[1]:.3f} (no offsets -> offsets from the other half)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
