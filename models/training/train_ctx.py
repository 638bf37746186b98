"""Trains the context models (ArrhythmiNet V1/V2 with the patient's context) on beats exported by
tools/av-export-beats (AVBEATS2: two-channel windows and the context features of src/dsp/beat_context.h,
computed by the product's own chunked analysis).

  python3 models/training/train_ctx.py --model v1 --protocol cv --epochs 16           # 5-fold CV inside DS1
  python3 models/training/train_ctx.py --model v1 --protocol interpatient --epochs 12 --calibration-from CV.json
  python3 models/training/train_ctx.py --model v1 --protocol paper --epochs 16

Protocols:
  cv            leave-records-out cross-validation inside DS1 (5 folds by record, fixed assignment). Nothing
                from DS2 is read. Writes the pooled out-of-fold metrics of every epoch, the epoch with the best
                pooled macro-F1, and per-class logit offsets chosen on the pooled out-of-fold logits of that
                epoch. This is where every modelling choice is made.
  interpatient  trains on all of DS1 for --epochs (chosen by cv) with the offsets of --calibration-from, then
                scores DS2 once (default lead, reference beats). Every such run is a look at the test set: it is
                logged in models/training/experiments/ by the caller.
  paper         random stratified 80/10/10 split of the beats of all 48 records (a beat's two leads stay in one
                part), epoch chosen on validation, metrics on the test part (default lead).
Training uses every lead of every record (--leads all), so the model is not tied to MLII; validation and test use
the default lead, as the product does. Balancing: each epoch draws at most --cap beats of a class and oversamples
the others up to --balance x --cap. Augmentation: time stretch and shift about the R peak (both channels), baseline
tilt, noise, amplitude of the difference channel, jitter of the RR features.
"""
import argparse
import copy
import datetime
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402
from train import (DS1, DS2, PACED, SHIFT, beat_key, calibrate_bias, confusion, metrics_from_confusion,  # noqa: E402
                   read_beats_bin)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "data", "mitdb_ctx.bin")
CV_FOLDS = 5


def cv_folds(seed=0):
    """DS1 records in CV_FOLDS groups (a fixed shuffle), so every fold validates on patients it never saw."""
    recs = np.random.default_rng(seed).permutation(sorted(DS1)).tolist()
    return [sorted(recs[i::CV_FOLDS]) for i in range(CV_FOLDS)]


def paper_parts(labels, records, samples, seed):
    """The paper protocol's random stratified 80/10/10 beat split: per example 0 (train), 1 (validation) or
    2 (test); both leads of a beat fall in the same part."""
    key = beat_key(records, samples)
    rng = np.random.default_rng(seed)
    uniq, first = np.unique(key, return_index=True)
    part = np.empty(uniq.size, np.int8)
    for c in range(len(an.CLASSES)):
        idx = rng.permutation(np.flatnonzero(labels[first] == c))
        n_t = int(round(0.1 * idx.size))
        part[idx[:n_t]], part[idx[n_t:2 * n_t]], part[idx[2 * n_t:]] = 2, 1, 0
    return part[np.searchsorted(uniq, key)]


def label_rules(args):
    """The exported model's labelRules (models/FORMAT.md), or None."""
    rules = {}
    if args.l_min_template_qrs > 0:
        rules["lMinTemplateQrsSec"] = args.l_min_template_qrs
    if args.v_template_match:
        rules["vTemplateMatchCorrQrs"], rules["vTemplateMatchMinQrsSec"] = args.v_template_match
    return rules or None


def select_features(names, spec):
    if spec == "none":
        return []
    if spec == "all":
        return list(names)
    wanted = spec.split(",")
    for w in wanted:
        if w not in names:
            raise ValueError(f"unknown context feature {w}; the data has {names}")
    return wanted


def epoch_indices(train_idx, labels, cap, balance, rng, records=None, record_power=1.0):
    """One epoch: at most `cap` beats of each class (drawn without replacement), smaller classes oversampled
    up to balance x cap. With record_power p < 1 (and records), a beat of class c in record r is drawn with weight
    n_rc^(p - 1), with replacement, so record r's share of class c goes as n_rc^p: p = 1 is uniform over beats,
    p = 0 gives every record the same share."""
    picks = []
    target = int(balance * cap)
    for c in range(len(an.CLASSES)):
        idx = train_idx[labels[train_idx] == c]
        if idx.size == 0:
            continue
        if record_power != 1.0 and records is not None:
            _, inverse, counts = np.unique(records[idx], return_inverse=True, return_counts=True)
            w = counts[inverse].astype(np.float64) ** (record_power - 1.0)
            size = cap if idx.size > cap else max(idx.size, target)
            picks.append(rng.choice(idx, size=size, replace=True, p=w / w.sum()))
        elif idx.size > cap:
            picks.append(rng.choice(idx, size=cap, replace=False))
        else:
            picks.append(idx)
            if idx.size < target:
                picks.append(rng.choice(idx, size=target - idx.size, replace=True))
    return rng.permutation(np.concatenate(picks))


class Augmenter:
    def __init__(self, names, stretch, rr_jitter, amp_jitter, synth_a=0.0, noise=0.0):
        self.names = names
        self.stretch, self.rr_jitter, self.amp_jitter, self.synth_a = stretch, rr_jitter, amp_jitter, synth_a
        self.noise = noise
        self.k = {n: i for i, n in enumerate(names)}

    def premature(self, ctx, labels, rng):
        """Synthetic atrial premature beats: a share synth_a of the N beats of the batch become A, with their RR
        context made premature (pre-RR x U(0.55, 0.85)) and the following interval lengthened (x U(1.0, 1.35));
        the morphology is the patient's own normal beat, which is what an A beat looks like to the QRS."""
        k = self.k
        if self.synth_a <= 0 or "preRrSec" not in k:
            return ctx, labels
        pick = np.flatnonzero((labels == 0) & (rng.random(labels.size) < self.synth_a))
        if pick.size == 0:
            return ctx, labels
        f_pre = rng.uniform(0.55, 0.85, size=pick.size).astype(np.float32)
        f_post = rng.uniform(1.0, 1.35, size=pick.size).astype(np.float32)
        lp, lq = np.log(f_pre), np.log(f_post)
        for name, delta in (("logPreLocal", lp), ("logPostLocal", lq), ("logPostPre", lq - lp), ("logPreLong", lp)):
            if name in k:
                ctx[pick, k[name]] = np.clip(ctx[pick, k[name]] + delta, -2, 2)
        ctx[pick, k["preRrSec"]] *= f_pre
        if "postRrSec" in k:
            ctx[pick, k["postRrSec"]] *= f_post
        labels = labels.copy()
        labels[pick] = 3
        return ctx, labels

    def recording_noise(self, x0, rng):
        """Noise of real recordings on a share `noise` of the beats, at an EC57-style SNR drawn from U(6, 24) dB
        against the window's QRS peak-to-peak (S = A^2 / 8): electrode motion (a smoothed random walk with an
        occasional step, so low-frequency and step-like) or muscle artifact (white noise lightly smoothed, so
        broadband). Added to both channels (the difference channel shares the window's units closely)."""
        b, w = x0.shape
        q0, q1 = max(0, an.WINDOW_BEFORE - 36), min(w, an.WINDOW_BEFORE + 54)
        amp = x0[:, q0:q1].max(axis=1) - x0[:, q0:q1].min(axis=1)
        snr = rng.uniform(6, 24, size=b)
        rms = amp / (np.sqrt(8) * 10 ** (snr / 20))
        walk = np.cumsum(rng.normal(size=(b, w)), axis=1)
        k = 24
        walk = np.apply_along_axis(lambda r: np.convolve(r, np.ones(k) / k, mode="same"), 1, walk)
        steps = (rng.random(b) < 0.3)[:, None] * (np.arange(w)[None, :] >= rng.integers(0, w, size=(b, 1)))
        em = walk - walk.mean(axis=1, keepdims=True) + steps * rng.normal(0, 2 * walk.std(axis=1, keepdims=True) + 1e-6)
        white = rng.normal(size=(b, w + 2))
        ma = (white[:, :-2] + white[:, 1:-1] + white[:, 2:]) / 3
        noise = np.where((rng.random(b) < 0.5)[:, None], em, ma)
        noise = noise - noise.mean(axis=1, keepdims=True)
        noise = noise / np.maximum(noise.std(axis=1, keepdims=True), 1e-6) * rms[:, None]
        return (noise * (rng.random(b) < self.noise)[:, None]).astype(np.float32)

    def __call__(self, x, ctx, rng):
        """x [B, C, W] (channel 0 z-scored), ctx [B, F] raw features."""
        b, c, w = x.shape
        factor = rng.uniform(1 - self.stretch, 1 + self.stretch, size=(b, 1))
        shift = rng.integers(-SHIFT, SHIFT + 1, size=(b, 1))
        pos = np.clip(an.WINDOW_BEFORE + (np.arange(w)[None, :] - an.WINDOW_BEFORE) * factor + shift, 0, w - 1)
        i0 = np.minimum(pos.astype(np.int64), w - 2)
        frac = (pos - i0).astype(np.float32)[:, None, :]
        rows = np.arange(b)[:, None, None]
        chans = np.arange(c)[None, :, None]
        x = x[rows, chans, i0[:, None, :]] * (1 - frac) + x[rows, chans, i0[:, None, :] + 1] * frac
        t = np.linspace(-1.0, 1.0, w, dtype=np.float32)
        x = x + rng.normal(0, 0.3, size=(b, c, 1)).astype(np.float32) * t
        x = x + rng.normal(0, 1, size=(b, c, w)).astype(np.float32) * rng.uniform(0, 0.05, size=(b, 1, 1)).astype(np.float32)
        if self.noise > 0:
            x = x + self.recording_noise(x[:, 0], rng)[:, None, :]
        x[:, 0] = an.zscore(x[:, 0])
        if c > 1:
            x[:, 1:] *= np.exp(rng.normal(0, self.amp_jitter, size=(b, 1, 1))).astype(np.float32)
        ctx = ctx.copy()
        k = self.k
        if self.rr_jitter > 0 and "preRrSec" in k:
            e_pre = rng.normal(0, self.rr_jitter, size=b).astype(np.float32)
            e_post = rng.normal(0, self.rr_jitter, size=b).astype(np.float32)
            for name, delta in (("logPreLocal", e_pre), ("logPostLocal", e_post), ("logPostPre", e_post - e_pre),
                                ("logPreLong", e_pre)):
                if name in k:
                    ctx[:, k[name]] += delta
            ctx[:, k["preRrSec"]] *= np.exp(e_pre)
            if "postRrSec" in k:
                ctx[:, k["postRrSec"]] *= np.exp(e_post)
        if "logAmplitudeRatio" in k:
            ctx[:, k["logAmplitudeRatio"]] += rng.normal(0, self.amp_jitter, size=b).astype(np.float32)
        return x.astype(np.float32), ctx


def make_model(args, features):
    model = an.init_weights(an.ArrhythmiNet(args.model, in_channels=args.channels, context=features), args.init_seed)
    model.dropout = args.dropout
    return model


def model_inputs(data, i, norm):
    """The network's two inputs for beats i: windows, and context features standardized by norm (None without)."""
    x = torch.from_numpy(data["x"][i].astype(np.float32))
    c = torch.from_numpy(((data["ctx"][i] - norm[0]) / norm[1]).astype(np.float32)) if data["ctx"].shape[1] else None
    return x, c


@torch.no_grad()
def predict_logits(model, data, idx, norm, batch=4096):
    model.eval()
    out = []
    for s in range(0, idx.size, batch):
        out.append(model(*model_inputs(data, idx[s:s + batch], norm)).float())
    return torch.cat(out).numpy() if out else np.zeros((0, len(an.CLASSES)), np.float32)


@torch.no_grad()
def adabn_logits(model, data, idx, norm, batch=512):
    """Patient-adapted BatchNorm (AdaBN): for each record among idx, the BatchNorm statistics are re-estimated
    from that record's own beats (a pass in training mode with a cumulative average), then its beats are scored.
    Labels are not used: this is what inference could do with a record it has not seen."""
    out = np.zeros((idx.size, len(an.CLASSES)), np.float32)
    recs = data["records"][idx]
    for r in np.unique(recs):
        sel = np.flatnonzero(recs == r)
        m = copy.deepcopy(model)
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm1d):
                mod.reset_running_stats()
                mod.momentum = None
        m.train()
        m.dropout = 0.0
        for s in range(0, sel.size, batch):
            m(*model_inputs(data, idx[sel[s:s + batch]], norm))
        out[sel] = predict_logits(m, data, idx[sel], norm)
    return out


def distill_loss(logits, hard, soft, alpha, temperature):
    """alpha x cross-entropy on the labels + (1 - alpha) x T^2 x KL(teacher || student) at temperature T
    (Hinton et al. 2015). soft: the teachers' probabilities at T, one row per beat."""
    t = temperature
    kl = F.kl_div(F.log_softmax(logits / t, dim=1), soft, reduction="batchmean")
    return alpha * F.cross_entropy(logits, hard) + (1 - alpha) * t * t * kl


def fit(args, data, train_idx, val_idx, log_prefix="", soft=None):
    """Trains one model; returns (model with the epoch of best validation macro-F1 or the last epoch,
    history, per-epoch validation logits, feature normalization, chosen epoch, per-epoch AdaBN validation logits
    (with --adabn, else empty)). soft: teacher probabilities (at --distill-temperature) for every row of data, used
    with distill_loss; beats the augmentation turns into synthetic A beats take a one-hot A target."""
    torch.manual_seed(args.init_seed)
    labels = data["labels"]
    features = data["ctx"].shape[1]
    model = make_model(args, features)
    ctx_train = data["ctx"][train_idx]
    norm = (ctx_train.mean(axis=0).astype(np.float32), np.maximum(ctx_train.std(axis=0), 1e-3).astype(np.float32)) \
        if features else (np.zeros(0, np.float32), np.ones(0, np.float32))
    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    rng = np.random.default_rng(args.init_seed + 1)
    aug = Augmenter(data["names"], args.stretch, args.rr_jitter, args.amp_jitter, args.synth_a, args.noise_aug)
    steps_per_epoch = -(-len(epoch_indices(train_idx, labels, args.cap, args.balance, np.random.default_rng(0),
                                                       data["records"], args.record_power)) // args.batch)
    if args.max_batches:
        steps_per_epoch = min(steps_per_epoch, args.max_batches)
    total = max(1, steps_per_epoch * args.epochs)
    warmup = max(1, min(steps_per_epoch, total // 10))

    def lr_at(step):
        if step < warmup:
            return args.lr * (step + 1) / warmup
        p = (step - warmup) / max(1, total - warmup)
        return args.lr * (0.01 + 0.99 * 0.5 * (1 + np.cos(np.pi * p)))

    # Weight averaging (--ema d): an exponential moving average of the weights and BatchNorm statistics, updated
    # every step; validation, the epoch choice and the saved model use the average.
    ema = copy.deepcopy(model) if args.ema > 0 else None
    if ema is not None:
        for p in ema.parameters():
            p.requires_grad_(False)

    def update_ema():
        with torch.no_grad():
            live = model.state_dict()
            for k, v in ema.state_dict().items():
                if v.dtype.is_floating_point:
                    v.mul_(args.ema).add_(live[k], alpha=1.0 - args.ema)
                else:
                    v.copy_(live[k])

    history, val_logits, best, step = [], [], None, 0
    adapted_logits = []
    for epoch in range(1, (args.stop_after or args.epochs) + 1):
        t0 = time.time()
        model.train()
        order = epoch_indices(train_idx, labels, args.cap, args.balance, rng, data["records"], args.record_power)
        loss_sum, seen = 0.0, 0
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            if idx.size == 0:
                break
            xb, cb = data["x"][idx].astype(np.float32), data["ctx"][idx].astype(np.float32)
            yb = labels[idx]
            if not args.no_augment:
                xb, cb = aug(xb, cb, rng)
                cb, yb = aug.premature(cb, yb, rng)
            if soft is not None:
                sb = soft[idx].copy()
                relabelled = yb != labels[idx]
                sb[relabelled] = np.eye(len(an.CLASSES), dtype=np.float32)[yb[relabelled]]
            cb = (cb - norm[0]) / norm[1]
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            logits = model(torch.from_numpy(xb), torch.from_numpy(cb) if features else None)
            if soft is None:
                loss = F.cross_entropy(logits, torch.from_numpy(yb))
            else:
                loss = distill_loss(logits, torch.from_numpy(yb), torch.from_numpy(sb), args.distill_alpha,
                                    args.distill_temperature)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if ema is not None:
                update_ema()
            step += 1
            loss_sum += float(loss.detach()) * idx.size
            seen += idx.size
        h = {"epoch": epoch, "trainLoss": round(loss_sum / max(seen, 1), 5), "seconds": round(time.time() - t0, 1)}
        scored = ema if ema is not None else model
        if val_idx is not None and val_idx.size:
            vl = predict_logits(scored, data, val_idx, norm)
            val_logits.append(vl)
            vm = metrics_from_confusion(confusion(labels[val_idx], vl.argmax(1)))
            h.update(valAccuracy=vm["accuracy"], valMacroF1=vm["macroF1"])
            if args.adabn:
                adapted_logits.append(adabn_logits(scored, data, val_idx, norm))
                am = metrics_from_confusion(confusion(labels[val_idx], adapted_logits[-1].argmax(1)))
                h.update(valAdaptedMacroF1=am["macroF1"])
            if best is None or vm["macroF1"] > best[0]:
                best = (vm["macroF1"], epoch, copy.deepcopy(scored.state_dict()))
        history.append(h)
        print(log_prefix + json.dumps(h), flush=True)
    if ema is not None:
        model.load_state_dict(ema.state_dict())
    if best is not None and not args.last_epoch:
        model.load_state_dict(best[2])
    chosen = best[1] if best is not None and not args.last_epoch else len(history)
    return model, history, val_logits, norm, chosen, adapted_logits


def cross_fitted_labels(logits, y, fold):
    """Labels with per-class offsets fitted on the other folds' out-of-fold logits (calibrate_bias), so that the
    calibrated score is that of patients the offsets did not see; and the offsets of each fold."""
    pred, per_fold = np.empty(y.size, np.int64), {}
    for f in np.unique(fold):
        rows = fold == f
        o, _ = calibrate_bias(logits[~rows], y[~rows])
        pred[rows] = (logits[rows] + o).argmax(1)
        per_fold[int(f)] = o.round(3).tolist()
    return pred, per_fold


def fold_normalization(model, norm):
    """Folds the feature standardization into head_context, so the saved model takes raw features."""
    if "head_context" not in model.mods:
        return
    lin = model.mods["head_context"]
    mean, std = torch.from_numpy(norm[0]), torch.from_numpy(norm[1])
    with torch.no_grad():
        lin.weight.div_(std[None, :])
        lin.bias.sub_(lin.weight @ mean)


def save_npz(path, **arrays):
    """A compressed npz at path, its folder made if needed (--save-oof, --save-teacher)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    np.savez_compressed(path, **arrays)


def teacher_logits(model, data, norm):
    """A teacher's logits on every DS1 beat (both leads): what a student trained on any subset of DS1 needs."""
    rows = np.flatnonzero(np.isin(data["records"], DS1))
    return rows, predict_logits(model, data, rows, norm)


def soft_targets(paths, key, data, train_idx, temperature):
    """The teachers' mean logits for fold `key` as probabilities at the temperature, one row per beat of data
    (zeros outside the teachers' rows); every training beat must be covered."""
    logits = None
    for p in paths:
        t = np.load(p)
        if f"rows_{key}" not in t:
            sys.exit(f"train_ctx: teacher {p} has no fold {key}")
        rows, lg = t[f"rows_{key}"], t[f"logits_{key}"].astype(np.float64)
        if logits is None:
            first_rows, logits = rows, lg / len(paths)
        elif not np.array_equal(rows, first_rows):
            sys.exit(f"train_ctx: teacher {p} covers other beats")
        else:
            logits += lg / len(paths)
    if not np.all(np.isin(train_idx, first_rows)):
        sys.exit("train_ctx: the teachers do not cover the training beats")
    z = logits / temperature
    z -= z.max(axis=1, keepdims=True)
    prob = np.exp(z)
    prob /= prob.sum(axis=1, keepdims=True)
    soft = np.zeros((len(data["labels"]), len(an.CLASSES)), np.float32)
    soft[first_rows] = prob
    return soft


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["v1", "v2"], required=True)
    ap.add_argument("--protocol", choices=["cv", "interpatient", "paper"], required=True)
    ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1, help="the split (paper protocol), and by default the training")
    ap.add_argument("--init-seed", type=int, help="weights, batch order and augmentation (default: --seed)")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--out", default=os.path.join(HERE, "runs"))
    ap.add_argument("--name")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--cap", type=int, default=12000, help="most beats of one class per epoch")
    ap.add_argument("--balance", type=float, default=0.5, help="oversample classes up to this x cap")
    ap.add_argument("--record-power", type=float, default=1.0,
                    help="record tempering of the draw: record r's share of class c goes as n_rc^p (1: uniform)")
    ap.add_argument("--channels", type=int, choices=[1, 2], default=2)
    ap.add_argument("--features", default="all", help="all | none | comma-separated feature names")
    ap.add_argument("--leads", choices=["all", "default"], default="all", help="leads used for training")
    ap.add_argument("--stretch", type=float, default=0.05)
    ap.add_argument("--rr-jitter", type=float, default=0.03)
    ap.add_argument("--amp-jitter", type=float, default=0.1)
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--dropout", type=float, default=0.0, help="dropout on the pooled waveform features (training)")
    ap.add_argument("--synth-a", type=float, default=0.0,
                    help="share of each batch's N beats turned into synthetic A beats (premature RR context)")
    ap.add_argument("--noise-aug", type=float, default=0.0,
                    help="share of training beats given electrode-motion or muscle noise at 6-24 dB SNR")
    ap.add_argument("--ema", type=float, default=0.0,
                    help="decay of an exponential moving average of the weights (e.g. 0.998; 0 = off)")
    ap.add_argument("--stop-after", type=int, default=0,
                    help="stop after this many epochs of the --epochs schedule (the epoch a CV chose, as the CV ran it)")
    ap.add_argument("--last-epoch", action="store_true", help="keep the last epoch (no validation choice)")
    ap.add_argument("--calibration-from", help="a cv result JSON whose logit offsets are folded into the bias")
    ap.add_argument("--l-min-template-qrs", type=float, default=0.0, metavar="SEC",
                    help="the exported model's L rule (labelRules.lMinTemplateQrsSec, models/FORMAT.md): the C++ "
                         "pipeline takes the best of N, A, V for an L beat whose running template is narrower; 0 = none")
    ap.add_argument("--v-template-match", type=float, nargs=2, default=None, metavar=("CORR", "SEC"),
                    help="the exported model's V rule (labelRules.vTemplateMatchCorrQrs and vTemplateMatchMinQrsSec): "
                         "no V label on a beat whose templateCorrQrs is at least CORR on a template at least SEC wide")
    ap.add_argument("--calibrate", action="store_true",
                    help="paper protocol: per-class logit offsets chosen on the validation split (macro-F1)")
    ap.add_argument("--save-oof", help="cv: write the out-of-fold logits of every epoch (npz) for post-processing studies")
    ap.add_argument("--adabn", action="store_true",
                    help="cv: also score each validation record with BatchNorm statistics re-estimated on its own beats")
    ap.add_argument("--save-teacher", help="cv/interpatient: write each fold model's logits on every DS1 beat (npz), "
                    "the targets a distilled student of that fold learns from")
    ap.add_argument("--teacher", nargs="+", default=[],
                    help="cv/interpatient: --save-teacher files of other weight seeds; the student learns from their "
                    "mean logits (knowledge distillation, same folds)")
    ap.add_argument("--distill-alpha", type=float, default=0.5, help="weight of the label cross-entropy")
    ap.add_argument("--distill-temperature", type=float, default=2.0)
    ap.add_argument("--folds", default="", help="cv: comma-separated fold numbers to run (default all)")
    ap.add_argument("--max-batches", type=int, default=0, help="smoke test: batches per epoch")
    ap.add_argument("--subset", type=int, default=0, help="smoke test: at most this many beats per class")
    args = ap.parse_args(argv)
    if args.init_seed is None:
        args.init_seed = args.seed
    if args.save_teacher and args.protocol == "cv" and not args.last_epoch:
        ap.error("--save-teacher in cv needs --last-epoch (a fixed epoch; the best validation epoch would let "
                 "the student's validation records choose its teacher)")
    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    raw = read_beats_bin(args.data)
    names = select_features(raw["contextNames"], args.features)
    cols = [raw["contextNames"].index(n) for n in names]
    data = {"x": raw["windows"][:, :args.channels], "ctx": raw["context"][:, cols].astype(np.float32),
            "names": names, "labels": raw["labels"].astype(np.int64), "records": raw["records"].astype(np.int64),
            "isDefault": raw["isDefault"].astype(bool), "samples": raw["samples"].astype(np.int64)}
    if args.subset:
        r0 = np.random.default_rng(args.seed)
        keep = np.sort(np.concatenate([r0.permutation(np.flatnonzero(data["labels"] == c))[:args.subset]
                                       for c in range(len(an.CLASSES))]))
        data = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in data.items()}
    labels, records, default = data["labels"], data["records"], data["isDefault"]
    use_lead = np.ones_like(default) if args.leads == "all" else default
    suffix = {"cv": "-cv", "interpatient": "-ds1", "paper": ""}[args.protocol]
    name = args.name or f"arrhythminet-{args.model}-ctx{suffix}"
    print(f"{name}: {len(labels)} beats, features {names}, channels {args.channels}", flush=True)
    common = {"features": names, "channels": args.channels, "leads": args.leads, "cap": args.cap,
              "balance": args.balance, "recordPower": args.record_power, "stretch": args.stretch, "rrJitter": args.rr_jitter,
              "ampJitter": args.amp_jitter, "augment": not args.no_augment, "dropout": args.dropout, "synthA": args.synth_a, "noiseAug": args.noise_aug, "ema": args.ema, "stopAfter": args.stop_after,
              "teachers": [os.path.basename(p) for p in args.teacher], "distillAlpha": args.distill_alpha if args.teacher else None,
              "distillTemperature": args.distill_temperature if args.teacher else None, "lr": args.lr, "batch": args.batch,
              "weightDecay": args.weight_decay, "epochs": args.epochs, "seed": args.seed, "initSeed": args.init_seed, "model": args.model,
              "command": "python3 models/training/train_ctx.py " + " ".join(sys.argv[1:] if argv is None else argv)}

    if args.protocol == "cv":
        folds = cv_folds()
        run_folds = [int(f) for f in args.folds.split(",")] if args.folds else list(range(CV_FOLDS))
        oof_labels, oof_logits, per_fold, oof_rows, oof_adapted = [], [], [], [], []
        teacher_out = {}
        for f in run_folds:
            val_recs = folds[f]
            train_recs = [r for r in DS1 if r not in val_recs]
            tr = np.flatnonzero(np.isin(records, train_recs) & use_lead)
            va = np.flatnonzero(np.isin(records, val_recs) & default)
            if va.size == 0 or tr.size == 0:
                print(f"fold {f}: no beats (records {val_recs} not in the data), skipped", flush=True)
                continue
            soft = soft_targets(args.teacher, f"f{f}", data, tr, args.distill_temperature) if args.teacher else None
            fold_model, hist, vlogits, fold_norm, _, adapted = fit(args, data, tr, va, log_prefix=f"fold {f} ", soft=soft)
            if args.save_teacher:
                teacher_out[f"rows_f{f}"], lg_t = teacher_logits(fold_model, data, fold_norm)
                teacher_out[f"logits_f{f}"] = lg_t.astype(np.float32)
            oof_labels.append(labels[va])
            oof_rows.append(va)
            oof_logits.append(np.stack(vlogits))  # [epochs, n, 5]
            if args.adabn:
                oof_adapted.append(np.stack(adapted))
            per_fold.append({"fold": f, "validationRecords": val_recs, "history": hist})
        y = np.concatenate(oof_labels)
        lg = np.concatenate(oof_logits, axis=1)
        pooled = [metrics_from_confusion(confusion(y, lg[e].argmax(1))) for e in range(lg.shape[0])]
        best_epoch = int(np.argmax([m["macroF1"] for m in pooled])) + 1
        offsets, cal_f1 = calibrate_bias(lg[best_epoch - 1], y)
        if args.save_oof:
            rows = np.concatenate(oof_rows)
            extra = {"adaptedLogits": np.concatenate(oof_adapted, axis=1).astype(np.float32)} if args.adabn else {}
            save_npz(args.save_oof, logits=lg.astype(np.float32), labels=y, records=records[rows], rows=rows,
                                samples=data["samples"][rows], bestEpoch=best_epoch, offsets=offsets, **extra)
        if args.save_teacher:
            save_npz(args.save_teacher, **teacher_out)
        cal = metrics_from_confusion(confusion(y, (lg[best_epoch - 1] + offsets).argmax(1)))
        fold_of_row = np.concatenate([np.full(r.size, p["fold"]) for p, r in zip(per_fold, oof_rows)])
        crossed, crossed_offsets = cross_fitted_labels(lg[best_epoch - 1], y, fold_of_row) \
            if len(oof_rows) > 1 else (None, {})
        crossed_m = metrics_from_confusion(confusion(y, crossed)) if crossed is not None else None
        summary = lambda m: {"accuracy": m["accuracy"], "macroF1": m["macroF1"],  # noqa: E731
                             **{c: {k: m["perClass"][c][k] for k in ("recall", "precision", "f1")} for c in an.CLASSES}}
        out = {"name": name, "protocol": "cv", "date": datetime.date.today().isoformat(), "settings": common,
               "folds": [{"fold": f, "validationRecords": folds[f]} for f in run_folds],
               "pooledPerEpoch": [summary(m) for m in pooled], "bestEpoch": best_epoch,
               "pooledBest": summary(pooled[best_epoch - 1]),
               "calibration": {"offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())), "pooled": summary(cal),
                               "method": "per-class logit offsets maximising pooled out-of-fold macro-F1"},
               "crossFittedCalibration": None if crossed_m is None else {
                   "pooled": summary(crossed_m), "offsetsByFold": crossed_offsets,
                   "method": "each fold scored with the offsets fitted on the other folds' out-of-fold logits"},
               "perFold": per_fold, "seconds": round(time.time() - t_start)}
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, name + ".json")
        with open(path, "w") as fh:
            json.dump(out, fh, indent=1)
        crossed_text = f" (cross-fitted {crossed_m['macroF1']:.4f})" if crossed_m is not None else ""
        print(f"{name}: best epoch {best_epoch}, pooled macro-F1 {pooled[best_epoch - 1]['macroF1']}, "
              f"calibrated {cal['macroF1']}{crossed_text} -> {path}", flush=True)
        return path, out

    if args.protocol == "interpatient":
        tr = np.flatnonzero(np.isin(records, DS1) & use_lead)
        te = np.flatnonzero(np.isin(records, DS2) & default)
        args.last_epoch = True
        soft = soft_targets(args.teacher, "all", data, tr, args.distill_temperature) if args.teacher else None
        model, hist, _, norm, chosen, _ = fit(args, data, tr, None, soft=soft)
        if args.save_teacher:
            rows_t, lg_t = teacher_logits(model, data, norm)
            save_npz(args.save_teacher, rows_all=rows_t, logits_all=lg_t.astype(np.float32))
        split_info = {"protocol": "interpatient", "trainRecords": DS1, "testRecords": DS2, "excluded": PACED,
                      "epochChoice": "fixed epoch count chosen by leave-records-out CV inside DS1"}
        val_metrics = None
    else:
        beat_part = paper_parts(labels, records, data["samples"], args.seed)
        tr = np.flatnonzero((beat_part == 0) & use_lead)
        va = np.flatnonzero((beat_part == 1) & default)
        te = np.flatnonzero((beat_part == 2) & default)
        model, hist, _, norm, chosen, _ = fit(args, data, tr, va)
        split_info = {"protocol": "paper", "method": "random stratified 80/10/10 split of beats (both leads of a "
                      "beat in one part), numpy default_rng(seed)", "records": sorted(set(records.tolist()))}
        val_metrics = metrics_from_confusion(confusion(labels[va], predict_logits(model, data, va, norm).argmax(1)))

    cal = None
    if args.calibrate and args.protocol == "paper":
        offsets, f1 = calibrate_bias(predict_logits(model, data, va, norm), labels[va])
        with torch.no_grad():
            model.mods["dense"].bias.add_(torch.from_numpy(offsets.astype(np.float32)))
        cal = {"offsets": dict(zip(an.CLASSES, offsets.round(3).tolist())), "validationMacroF1": f1,
               "method": "per-class logit offsets (coordinate ascent on a grid) maximising validation macro-F1"}
        val_metrics = metrics_from_confusion(confusion(labels[va], predict_logits(model, data, va, norm).argmax(1)))
    if args.calibration_from:
        with open(args.calibration_from) as fh:
            cv = json.load(fh)
        offsets = np.array([cv["calibration"]["offsets"][c] for c in an.CLASSES], np.float32)
        with torch.no_grad():
            model.mods["dense"].bias.add_(torch.from_numpy(offsets))
        cal = {"offsets": cv["calibration"]["offsets"], "from": os.path.basename(args.calibration_from),
               "method": cv["calibration"]["method"]}
    test_logits = predict_logits(model, data, te, norm)
    test_metrics = metrics_from_confusion(confusion(labels[te], test_logits.argmax(1)))
    fold_normalization(model, norm)
    # The folded model on raw features must give the same logits.
    check = predict_logits(model, data, te[:256], (np.zeros_like(norm[0]), np.ones_like(norm[1])))
    assert np.allclose(check, test_logits[:256], atol=1e-3), "normalization folding changed the outputs"
    elapsed = time.time() - t_start
    print(f"{name}: epoch {chosen}, test accuracy {test_metrics['accuracy']}, macro-F1 {test_metrics['macroF1']}, "
          f"{elapsed:.0f} s", flush=True)

    counts = {"train": {c: int((labels[tr] == i).sum()) for i, c in enumerate(an.CLASSES)},
              "test": {c: int((labels[te] == i).sum()) for i, c in enumerate(an.CLASSES)}}
    training = {
        "trained": True,
        "data": {"source": "MIT-BIH Arrhythmia Database (48 records), every lead for training, the default lead "
                 "(MLII) for validation and test; beats at reference annotation positions labelled N, L, R, A or "
                 "V, inputs from tools/av-export-beats (the product's own chunked analysis and context features)",
                 "file": os.path.relpath(os.path.abspath(args.data), os.path.join(HERE, "..", "..")),
                 "beats": int(labels.size)},
        "split": split_info, "seed": args.seed, "initSeed": args.init_seed, "counts": counts,
        "balancing": {"method": f"per epoch at most {args.cap} beats of a class, smaller classes oversampled "
                      f"with replacement up to {args.balance} x {args.cap}" + (
                          f"; record tempering: record r's share of class c as n_rc^{args.record_power:g}"
                          if args.record_power != 1.0 else "")},
        "augmentation": None if args.no_augment else (
            f"time stretch x U({1 - args.stretch:g}, {1 + args.stretch:g}) and shift +-{SHIFT} samples (both "
            f"channels), baseline tilt sd 0.3, noise sd U(0, 0.05), difference-channel gain and amplitude-ratio "
            f"jitter sd {args.amp_jitter}, RR jitter sd {args.rr_jitter} (log units)" + (
                f"; electrode-motion or muscle noise at U(6, 24) dB SNR on {args.noise_aug:g} of the beats"
                if args.noise_aug > 0 else "")),
        "optimizer": {"name": "AdamW", "lr": args.lr, "weightDecay": args.weight_decay, "batch": args.batch,
                      "schedule": "linear warm-up, cosine to 1 %"},
        "weightAverage": (f"exponential moving average of the weights and BatchNorm statistics, decay {args.ema:g} "
                          "per step" if args.ema > 0 else None),
        "loss": "cross-entropy" if not args.teacher else (
            f"knowledge distillation from the mean logits of {len(args.teacher)} teachers of the same recipe: "
            f"{args.distill_alpha:g} x cross-entropy + {1 - args.distill_alpha:g} x T^2 KL at T = {args.distill_temperature:g}"),
        "teachers": [os.path.basename(p) for p in args.teacher] or None, "epochs": args.epochs, "epochsRun": len(hist), "selectedEpoch": chosen,
        "calibration": cal, "contextFeatures": names, "inputChannels": args.channels,
        "device": "cpu", "torch": torch.__version__, "seconds": round(elapsed), "command": common["command"],
    }
    key_name = "paper" if args.protocol == "paper" else "interpatient"
    metrics = {key_name: dict(test_metrics, evaluatedOn="test split (10 %), default lead" if key_name == "paper"
                              else "DS2 (22 records), default lead, reference beat positions")}
    if val_metrics:
        metrics["validation"] = dict(val_metrics, protocol=key_name)
    run_dir = os.path.join(args.out, name)
    os.makedirs(run_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(run_dir, "model.pt"))
    from export_model import pick_reference  # noqa: E402
    ref = te[pick_reference(labels[te], 8, args.seed)]
    background = data["x"][tr[:20000]].astype(np.float64).mean(axis=0)
    np.savez(os.path.join(run_dir, "reference.npz"), windows=data["x"][ref].astype(np.float32),
             context=data["ctx"][ref].astype(np.float32), labels=labels[ref], background=background,
             backgroundContext=np.median(data["ctx"][tr], axis=0).astype(np.float32))
    with open(os.path.join(run_dir, "result.json"), "w") as fh:
        json.dump({"name": name, "variant": args.model, "contextNames": names, "inputChannels": args.channels,
                   "labelRules": label_rules(args), "templateMinPreLocal": raw["templateMinPreLocal"],
                   "training": training, "metrics": metrics, "history": hist,
                   "referenceSource": {"kind": "test split" if key_name == "paper" else "DS2",
                                       "records": records[ref].tolist(), "samples": data["samples"][ref].tolist()}},
                  fh, indent=1)
    return run_dir, test_metrics


if __name__ == "__main__":
    main()
