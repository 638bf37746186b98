"""Trains ArrhythmiNet V1/V2 on beats exported by tools/av-export-beats (the product's own C++ preprocessing).

  python3 models/training/train.py --model v1 --protocol paper --epochs 20 --seed 1
  python3 models/training/train.py --model v1 --protocol interpatient --epochs 20 --seed 1

Protocols (docs/DESIGN.md section 3):
  paper         random stratified 80/10/10 beat split of all 48 records (fixed seed); epoch chosen on
                validation, metrics on test.
  interpatient  train on DS1 minus a few DS1 validation records (epoch chosen there), test on DS2;
                paced records 102 104 107 217 excluded.
Balancing (training split only): each epoch, every class with fewer beats than balance x the largest class
is oversampled (drawn with replacement) up to that count. Augmentation (training only): time stretch about
the R peak, +-3 sample shift, a linear baseline tilt and Gaussian noise, then the window is z-scored again
like the C++ preprocessing.
All randomness (split, sampling, augmentation, init) comes from numpy generators seeded by --seed, so a
run depends only on the seed and the data; GPU and CPU floats still differ slightly.
Writes a run folder (model.pt, result.json, reference.npz, history) that export_model.py --run exports.
"""
import argparse
import copy
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "data", "mitdb_ctx.bin")  # tools/av-export-beats (all leads)
DS1 = [101, 106, 108, 109, 112, 114, 115, 116, 118, 119, 122, 124, 201, 203, 205, 207, 208, 209, 215, 220,
       223, 230]
DS2 = [100, 103, 105, 111, 113, 117, 121, 123, 200, 202, 210, 212, 213, 214, 219, 221, 222, 228, 231, 232,
       233, 234]
PACED = [102, 104, 107, 217]
# DS1 records held out for choosing the epoch in the inter-patient protocol (~9 % of DS1's beats: N, A and V;
# validation macro-F1 averages the classes present). L and R occur in only three DS1 records each, so they
# all stay in training.
DS1_VALIDATION = [119, 220, 223]
SHIFT = 3


def read_beats_bin(path):
    """The file written by tools/av-export-beats (layout in that file's header comment). AVBEATS2/3 files hold
    two-channel windows and every context feature (3 also the template's templateMinPreLocal); AVBEATS1 (older)
    single-channel windows only."""
    raw = np.fromfile(path, dtype=np.uint8)
    magic = raw[:8].tobytes()
    min_pre_local = 0.0
    if magic == b"AVBEATS1":
        n, w, before, after = (int(v) for v in raw[8:24].view("<u4"))
        channels, features, names, o = 1, 0, [], 24
    elif magic in (b"AVBEATS2", b"AVBEATS3"):
        n, channels, w, before, after, features, name_bytes = (int(v) for v in raw[8:36].view("<u4"))
        o = 36
        if magic == b"AVBEATS3":  # + float32 templateMinPreLocal
            min_pre_local = float(raw[36:40].view("<f4")[0])
            o = 40
        names = raw[o:o + name_bytes].tobytes().decode("ascii").split("\0")[:-1]
        o += name_bytes
    else:
        raise ValueError(f"{path}: not an av-export-beats file")
    if (before, after) != (an.WINDOW_BEFORE, an.WINDOW_AFTER):
        raise ValueError(f"{path}: window {before}+{after}, the models use {an.WINDOW_BEFORE}+{an.WINDOW_AFTER}")
    windows = raw[o:o + 2 * n * channels * w].view("<f2").reshape(n, channels, w)
    o += 2 * n * channels * w
    context = raw[o:o + 4 * n * features].view("<f4").reshape(n, features)
    o += 4 * n * features
    labels = raw[o:o + n].view(np.int8)
    o += n
    records = raw[o:o + 2 * n].view("<i2")
    o += 2 * n
    if magic != b"AVBEATS1":
        leads = raw[o:o + n].view(np.int8)
        is_default = raw[o + n:o + 2 * n].view(np.int8)
        o += 2 * n
    else:
        leads, is_default = np.zeros(n, np.int8), np.ones(n, np.int8)
    samples = raw[o:o + 8 * n].view("<i8")
    if o + 8 * n != raw.size:
        raise ValueError(f"{path}: size does not match {n} beats")
    return {"windows": windows, "context": context, "contextNames": names, "labels": labels, "records": records,
            "leads": leads, "isDefault": is_default, "samples": samples, "source": "tools/av-export-beats",
            "templateMinPreLocal": min_pre_local}


def beat_key(records, samples):
    """One id per beat, shared by its leads (record and sample position)."""
    return records.astype(np.int64) * 10_000_000 + samples.astype(np.int64)


def rows_with_keys(key, candidates, want):
    """The row among `candidates` whose key is each of `want` (keys from beat_key), or None if one is missing."""
    order = candidates[np.argsort(key[candidates])]
    pos = np.minimum(np.searchsorted(key[order], want), order.size - 1)
    rows = order[pos]
    return rows if np.array_equal(key[rows], want) else None


def load_data(path):
    """Single-beat training data: the default lead's z-scored windows (channel 0 of an AVBEATS2 file)."""
    d = read_beats_bin(path) if path.endswith(".bin") else np.load(path)
    windows = d["windows"]
    keep = np.ones(len(d["labels"]), bool)
    if windows.ndim == 3:
        keep = d["isDefault"].astype(bool) if "isDefault" in d else keep
        windows = windows[:, 0]
    return {"windows": windows[keep], "labels": d["labels"][keep].astype(np.int64),
            "records": d["records"][keep].astype(np.int64), "samples": d["samples"][keep].astype(np.int64),
            "source": str(d["source"]) if "source" in d else path}


def split_paper(labels, seed):
    """Stratified 80/10/10 beat split."""
    rng = np.random.default_rng(seed)
    parts = {"train": [], "validation": [], "test": []}
    for c in range(len(an.CLASSES)):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(0.1 * idx.size))
        n_val = int(round(0.1 * idx.size))
        parts["test"].append(idx[:n_test])
        parts["validation"].append(idx[n_test:n_test + n_val])
        parts["train"].append(idx[n_test + n_val:])
    return {k: np.sort(np.concatenate(v)) for k, v in parts.items()}


def split_interpatient(records):
    train_recs = [r for r in DS1 if r not in DS1_VALIDATION]
    return {"train": np.flatnonzero(np.isin(records, train_recs)),
            "validation": np.flatnonzero(np.isin(records, DS1_VALIDATION)),
            "test": np.flatnonzero(np.isin(records, DS2))}, train_recs


def balanced_epoch(train_idx, labels, balance, rng):
    """Training indices for one epoch: minority classes oversampled up to balance x the largest class."""
    counts = np.bincount(labels[train_idx], minlength=len(an.CLASSES))
    target = int(balance * counts.max())
    picks = []
    for c in range(len(an.CLASSES)):
        idx = train_idx[labels[train_idx] == c]
        if idx.size == 0:
            continue
        picks.append(idx)
        if idx.size < target:
            picks.append(rng.choice(idx, size=target - idx.size, replace=True))
    return rng.permutation(np.concatenate(picks))


def augment(x, rng, stretch=0.0):
    """x [B, W] float32 z-scored windows -> time-stretched about the R peak by U(1-stretch, 1+stretch),
    shifted by up to +-SHIFT samples, with a linear baseline tilt and Gaussian noise, z-scored again."""
    b, w = x.shape
    factor = rng.uniform(1 - stretch, 1 + stretch, size=(b, 1))
    shift = rng.integers(-SHIFT, SHIFT + 1, size=(b, 1))
    pos = an.WINDOW_BEFORE + (np.arange(w)[None, :] - an.WINDOW_BEFORE) * factor + shift
    pos = np.clip(pos, 0, w - 1)
    i0 = np.minimum(pos.astype(np.int64), w - 2)
    frac = (pos - i0).astype(np.float32)
    rows = np.arange(b)[:, None]
    x = x[rows, i0] * (1 - frac) + x[rows, i0 + 1] * frac
    t = np.linspace(-1.0, 1.0, w, dtype=np.float32)
    x = x + rng.normal(0, 0.3, size=(b, 1)).astype(np.float32) * t
    x = x + rng.normal(0, 1, size=(b, w)).astype(np.float32) * rng.uniform(0, 0.05, size=(b, 1)).astype(np.float32)
    return an.zscore(x).astype(np.float32)


def metrics_from_confusion(cm):
    cm = np.asarray(cm, dtype=np.int64)
    tp = np.diag(cm).astype(np.float64)
    support = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros_like(tp),
                   where=(precision + recall) > 0)
    present = support > 0
    r = lambda v: round(float(v), 4)  # noqa: E731
    return {
        "beats": int(cm.sum()),
        "accuracy": r(tp.sum() / max(cm.sum(), 1)),
        "macroF1": r(f1[present].mean()) if present.any() else 0.0,
        "perClass": {c: {"precision": r(precision[i]), "recall": r(recall[i]), "f1": r(f1[i]),
                         "support": int(support[i])} for i, c in enumerate(an.CLASSES)},
        "confusionMatrix": cm.tolist(),
        "confusionMatrixLayout": "rows: true class, columns: predicted class, order N L R A V",
    }


def confusion(true, pred):
    k = len(an.CLASSES)
    return np.bincount(true * k + pred, minlength=k * k).reshape(k, k)


@torch.no_grad()
def predict_logits(model, windows, idx, device, batch=4096):
    model.eval()
    out = []
    for s in range(0, idx.size, batch):
        x = torch.from_numpy(windows[idx[s:s + batch]].astype(np.float32)).unsqueeze(1).to(device)
        out.append(model(x).float().cpu())
    return torch.cat(out).numpy() if out else np.zeros((0, len(an.CLASSES)), np.float32)


def calibrate_bias(logits, labels, grid=np.linspace(-3, 3, 25), rounds=3, score=None):
    """Per-class additive logit offsets that maximise macro-F1 on the validation split (coordinate ascent).
    N's offset stays 0; the offsets are folded into the dense bias. score(offsets) -> float replaces macro-F1
    as what the search maximises."""
    offsets = np.zeros(logits.shape[1])
    if score is None:
        def score(o):
            return metrics_from_confusion(confusion(labels, (logits + o).argmax(1)))["macroF1"]

    best = score(offsets)
    for _ in range(rounds):
        for c in range(1, logits.shape[1]):
            for v in grid:
                trial = offsets.copy()
                trial[c] = v
                s = score(trial)
                if s > best + 1e-6:
                    best, offsets = s, trial
    return offsets, best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["v1", "v2"], required=True)
    ap.add_argument("--protocol", choices=["paper", "interpatient"], required=True)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--out", default=os.path.join(HERE, "runs"))
    ap.add_argument("--name", help="run/model name (default arrhythminet-v1, arrhythminet-v1-ds1, ...)")
    ap.add_argument("--device", default="auto", help="auto | cpu | cuda")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--balance", type=float, default=0.5, help="oversample classes up to this x the largest")
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--stretch", type=float, default=0.0,
                    help="time-stretch augmentation range (+-); 0 = off (stretching changes QRS width, the feature that separates V)")
    ap.add_argument("--calibrate", action="store_true",
                    help="fold per-class logit offsets chosen on validation into the dense bias (for class A)")
    ap.add_argument("--time-limit", type=float, default=0,
                    help="stop after the epoch that passes this many seconds (recorded as epochsRun)")
    ap.add_argument("--max-batches", type=int, default=0, help="stop each epoch after this many (smoke test)")
    ap.add_argument("--subset", type=int, default=0, help="use at most this many beats per class (smoke test)")
    args = ap.parse_args(argv)

    t_start = time.time()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          (args.device if args.device != "auto" else "cpu"))
    if device.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)

    data = load_data(args.data)
    windows, labels, records = data["windows"], data["labels"], data["records"]
    if args.subset:
        rng0 = np.random.default_rng(args.seed)
        keep = np.sort(np.concatenate([rng0.permutation(np.flatnonzero(labels == c))[:args.subset]
                                       for c in range(len(an.CLASSES))]))
        windows, labels, records = windows[keep], labels[keep], records[keep]
        data["samples"] = data["samples"][keep]

    suffix = "" if args.protocol == "paper" else "-ds1"
    name = args.name or f"arrhythminet-{args.model}{suffix}"
    if args.protocol == "paper":
        split = split_paper(labels, args.seed)
        split_info = {"protocol": "paper", "method": "random stratified 80/10/10 beat split (numpy "
                      "default_rng(seed) permutation per class)", "records": sorted(set(records.tolist()))}
    else:
        split, train_recs = split_interpatient(records)
        split_info = {"protocol": "interpatient", "trainRecords": train_recs,
                      "validationRecords": DS1_VALIDATION, "testRecords": DS2, "excluded": PACED}

    counts = {k: {c: int((labels[v] == i).sum()) for i, c in enumerate(an.CLASSES)} for k, v in split.items()}
    print(f"{name}: device {device}, split counts {json.dumps(counts)}", flush=True)

    model = an.init_weights(an.ArrhythmiNet(args.model), args.seed).to(device)
    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    rng = np.random.default_rng(args.seed + 1)
    steps_per_epoch = len(balanced_epoch(split["train"], labels, args.balance, np.random.default_rng(0)))
    steps_per_epoch = -(-steps_per_epoch // args.batch)
    if args.max_batches:
        steps_per_epoch = min(steps_per_epoch, args.max_batches)
    total_steps = max(1, steps_per_epoch * args.epochs)
    warmup = max(1, min(steps_per_epoch, total_steps // 10))

    def lr_at(step):  # linear warm-up, then cosine decay to 1 % of the peak
        if step < warmup:
            return args.lr * (step + 1) / warmup
        p = (step - warmup) / max(1, total_steps - warmup)
        return args.lr * (0.01 + 0.99 * 0.5 * (1 + np.cos(np.pi * p)))

    history, best, step = [], None, 0
    val_labels = labels[split["validation"]]
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        model.train()
        order = balanced_epoch(split["train"], labels, args.balance, rng)
        loss_sum, correct, seen = 0.0, 0, 0
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            if idx.size == 0:
                break
            xb = windows[idx].astype(np.float32)
            if not args.no_augment:
                xb = augment(xb, rng, args.stretch)
            x = torch.from_numpy(xb).unsqueeze(1).to(device)
            y = torch.from_numpy(labels[idx]).to(device)
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += float(loss.detach()) * idx.size
            correct += int((logits.argmax(1) == y).sum())
            seen += idx.size
        val_logits = predict_logits(model, windows, split["validation"], device)
        val_loss = float(F.cross_entropy(torch.from_numpy(val_logits), torch.from_numpy(val_labels))) \
            if val_labels.size else 0.0
        vm = metrics_from_confusion(confusion(val_labels, val_logits.argmax(1)))
        h = {"epoch": epoch, "trainLoss": round(loss_sum / max(seen, 1), 5), "trainAccuracy": round(correct / max(seen, 1), 5),
             "valLoss": round(val_loss, 5), "valAccuracy": vm["accuracy"], "valMacroF1": vm["macroF1"],
             "seconds": round(time.time() - t0, 1)}
        history.append(h)
        print(json.dumps(h), flush=True)
        if best is None or vm["macroF1"] > best[0]:
            best = (vm["macroF1"], epoch, copy.deepcopy(model.state_dict()))
        if args.time_limit and time.time() - t_start > args.time_limit and epoch < args.epochs:
            print(f"time limit reached after epoch {epoch}", flush=True)
            break

    model.load_state_dict(best[2])
    model = model.cpu()
    cal = None
    if args.calibrate:
        offsets, f1 = calibrate_bias(predict_logits(model, windows, split["validation"], "cpu"), val_labels)
        with torch.no_grad():
            model.mods["dense"].bias.add_(torch.from_numpy(offsets.astype(np.float32)))
        cal = {"method": "per-class logit offsets (coordinate ascent on a grid) maximising validation "
               "macro-F1, folded into the dense bias", "offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())),
               "validationMacroF1": f1}
    test_idx = split["test"]
    test_pred = predict_logits(model, windows, test_idx, "cpu").argmax(1)
    test_metrics = metrics_from_confusion(confusion(labels[test_idx], test_pred))
    val_metrics = metrics_from_confusion(confusion(val_labels, predict_logits(
        model, windows, split["validation"], "cpu").argmax(1)))
    elapsed = time.time() - t_start
    print(f"{name}: best epoch {best[1]}, test accuracy {test_metrics['accuracy']}, "
          f"macro-F1 {test_metrics['macroF1']}, {elapsed:.0f} s", flush=True)

    key = "paper" if args.protocol == "paper" else "interpatient"
    evaluated_on = "test split (10 %)" if key == "paper" else "DS2 (22 records), reference beat positions"
    training = {
        "trained": True,
        "data": {"source": "MIT-BIH Arrhythmia Database (48 records, lead MLII = default lead), beats at "
                 "reference annotation positions labelled N, L, R, A or V, windows from tools/av-export-beats "
                 "(the product's own C++ reading, filtering, resampling and normalization)",
                 "file": os.path.relpath(os.path.abspath(args.data), os.path.join(HERE, "..", "..")), "beats": int(labels.size)},
        "split": split_info,
        "seed": args.seed,
        "counts": counts,
        "balancing": {"method": "random oversampling with replacement of the training split, redrawn "
                      "every epoch", "targetFractionOfLargestClass": args.balance},
        "augmentation": None if args.no_augment else (
            (f"time stretch about the R peak x U({1 - args.stretch:g}, {1 + args.stretch:g}), " if args.stretch else
             "no time stretch, ") + f"shift +-{SHIFT} samples, linear baseline tilt sd 0.3, Gaussian noise sd "
            "U(0, 0.05), re-z-score"),
        "optimizer": {"name": "AdamW", "lr": args.lr, "weightDecay": args.weight_decay, "batch": args.batch,
                      "schedule": "linear warm-up (10 % of steps, at most one epoch), cosine to 1 %"},
        "loss": "cross-entropy",
        "epochs": args.epochs,
        "epochsRun": len(history),
        "selectedEpoch": best[1],
        "selection": "epoch with the best validation macro-F1",
        "calibration": cal,
        "device": str(device) + (f" ({torch.cuda.get_device_name(0)})" if device.type == "cuda" else ""),
        "torch": torch.__version__,
        "seconds": round(elapsed),
        "command": "python3 models/training/train.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    metrics = {key: dict(test_metrics, evaluatedOn=evaluated_on),
               "validation": dict(val_metrics, protocol=key)}

    run_dir = os.path.join(args.out, name)
    os.makedirs(run_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(run_dir, "model.pt"))
    # Reference windows for the engine's parity tests: ~8 test beats per class; background = mean training window.
    from export_model import pick_reference  # noqa: E402
    ref = test_idx[pick_reference(labels[test_idx], 8, args.seed)]
    background = windows[split["train"]].astype(np.float64).mean(axis=0)
    np.savez(os.path.join(run_dir, "reference.npz"), windows=windows[ref].astype(np.float32),
             labels=labels[ref], background=background)
    with open(os.path.join(run_dir, "result.json"), "w") as f:
        json.dump({"name": name, "variant": args.model, "training": training, "metrics": metrics,
                   "history": history,
                   "referenceSource": {"kind": "test split" if key == "paper" else "DS2", "records":
                                       records[ref].tolist(), "samples": data["samples"][ref].tolist()}},
                  f, indent=1)
    return run_dir, test_metrics


if __name__ == "__main__":
    main()
