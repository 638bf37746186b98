"""Writes a trained (or seeded untrained) ArrhythmiNet to models/ in the format of models/FORMAT.md:
NAME.json (metadata + layer list), NAME.bin (float32 little-endian tensors), NAME.onnx, and the parity
reference set models/reference/NAME.json (input windows + PyTorch logits and probabilities).

Context models (ArrhythmiNet(variant, in_channels=2, context=F)) declare their second input in the metadata,
input.context = {"features": F, "names": [...]}, with the feature names the training chose (result.json
"contextNames"); their ONNX file has two inputs, input [N, 2, 256] and context [N, F], and their reference set
gives each window's "context" beside its "inputs".

  python3 models/training/export_model.py --run models/training/runs/arrhythminet-v1   # a train.py run
  python3 models/training/export_model.py --untrained --model v1 --seed 1              # seeded random init
  python3 models/training/export_model.py --untrained --model v2 --ctx 14 --out /tmp/ctx  # untrained context model
"""
import argparse
import inspect
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402

MODELS_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
VERSION = "1.0.0"
# Names for the context features of an untrained context model (parity tests only): the features of
# src/dsp/beat_context.h in their order, then feature15, feature16, ... if more are asked for.
UNTRAINED_CONTEXT_NAMES = ["preRrSec", "postRrSec", "localRrSec", "logPreLocal", "logPostLocal", "logPostPre",
                           "logPreLong", "logLocalLong", "templateCorrQrs", "templateCorrWindow", "templateDiffQrs",
                           "logAmplitudeRatio", "qrsWidthSec", "logWidthRatio"]


def _f32(values):
    """Python floats that round-trip exactly to the float32 values PyTorch used."""
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def architecture_and_weights(model):
    """Layer list with parameter offsets, and the concatenated float32 tensors in that order."""
    chunks, offset, layers = [], 0, []

    def put(tensor):
        nonlocal offset
        arr = tensor.detach().cpu().numpy().astype("<f4")
        ref = {"offset": offset, "shape": list(arr.shape)}
        chunks.append(arr.ravel())
        offset += arr.size
        return ref

    for layer in model.layers:
        entry = dict(layer)
        m = model.mods[layer["name"]] if layer["name"] in model.mods else None
        if isinstance(m, nn.Conv1d):
            entry["weight"] = put(m.weight)
            if m.bias is not None:
                entry["bias"] = put(m.bias)
        elif isinstance(m, nn.BatchNorm1d):
            entry["gamma"] = put(m.weight)
            entry["beta"] = put(m.bias)
            entry["mean"] = put(m.running_mean)
            entry["var"] = put(m.running_var)
        elif isinstance(m, nn.Linear):
            entry["weight"] = put(m.weight)
            entry["bias"] = put(m.bias)
        layers.append(entry)
    return layers, np.concatenate(chunks).astype("<f4")


def _channels(model):
    return int(getattr(model, "in_channels", 1))


def _context(model):
    return int(getattr(model, "context", 0) or 0)


class _OnnxWrapper(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        logits = self.model(x)
        return logits, torch.softmax(logits, dim=1)


class _OnnxContextWrapper(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x, ctx):
        logits = self.model(x, ctx)
        return logits, torch.softmax(logits, dim=1)


def export_onnx(model, path):
    """Opset 13 with the TorchScript exporter (torch 1.13 and newer). Context models get a second input."""
    channels, features = _channels(model), _context(model)
    inputs = ["input"] + (["context"] if features else [])
    axes = {k: {0: "N"} for k in inputs + ["logits", "probabilities"]}
    kwargs = dict(input_names=inputs, output_names=["logits", "probabilities"], dynamic_axes=axes,
                  opset_version=13, do_constant_folding=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # torch >= 2.5: keep the TorchScript exporter (opset 13, same graph)
    x = torch.zeros(1, channels, an.WINDOW)
    if features:
        torch.onnx.export(_OnnxContextWrapper(model).eval(), (x, torch.zeros(1, features)), path, **kwargs)
    else:
        torch.onnx.export(_OnnxWrapper(model).eval(), x, path, **kwargs)


def input_spec(model, context_names=None, template_min_pre_local=0.0):
    """The metadata's "input" object; a context model needs one name per context feature. template_min_pre_local:
    the running template of the training data (av-export-beats --template-min-pre-local; 0, every beat, is left out)."""
    spec = {"layout": "NCW", "channels": _channels(model), "length": an.WINDOW}
    features = _context(model)
    if features:
        names = list(context_names or [])
        if len(names) != features or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f"a context model with {features} context features needs {features} context names, "
                             f"got {names!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"context names must be unique: {names!r}")
        spec["context"] = {"features": features, "names": names}
        if template_min_pre_local:
            if not 0 < template_min_pre_local <= 1:
                raise ValueError(f"templateMinPreLocal {template_min_pre_local!r} is not in (0, 1]")
            spec["context"]["templateMinPreLocal"] = round(float(template_min_pre_local), 6)
    elif context_names:
        raise ValueError("context names given for a model without a context input")
    return spec


def export(model, name, training, metrics, background, out_dir=MODELS_DIR, context_names=None, onnx=True,
           background_context=None, label_rules=None, template_min_pre_local=0.0):
    """Writes NAME.json, NAME.bin and (unless onnx is False) NAME.onnx; returns the metadata dict.
    background: the mean input window, channels x 256 floats (any shape). context_names: one string per context
    feature of a context model, in the order the network reads them (None for single-beat models).
    background_context: optional typical context vector (F floats), stored as explain.backgroundContext.
    label_rules: optional {"lMinTemplateQrsSec": s, "vTemplateMatchCorrQrs": c, "vTemplateMatchMinQrsSec": s} (any of
    the L rule and the V rule) for a context model (FORMAT.md, labelRules). template_min_pre_local: input_spec's."""
    model = model.cpu().eval()
    layers, weights = architecture_and_weights(model)
    spec = input_spec(model, context_names, template_min_pre_local)
    background = np.asarray(background, dtype=np.float32).ravel()
    if background.size != spec["channels"] * an.WINDOW:
        raise ValueError(f"background has {background.size} values, expected {spec['channels']} x {an.WINDOW}")
    meta = {
        "format": "arrhythmiavision-model",
        "formatVersion": 1,
        "name": name,
        "version": VERSION,
        "classes": list(an.CLASSES),
        "sampleRate": an.SAMPLE_RATE,
        "window": {"before": an.WINDOW_BEFORE, "after": an.WINDOW_AFTER},
        "normalization": {"method": "zscore", "stdFloor": an.STD_FLOOR},
        "input": spec,
        "weights": {"file": name + ".bin", "dtype": "float32", "count": int(weights.size)},
        "parameters": an.keras_parameter_count(model),
        "flops": an.flops_per_beat(model),
        "architecture": layers,
        "explain": {"gradcamLayer": model.gradcam_layer, "background": _f32(background)},
        "training": training,
        "metrics": metrics,
    }
    if background_context is not None:
        bc = _f32(background_context)
        if len(bc) != _context(model):
            raise ValueError(f"background_context has {len(bc)} values, expected {_context(model)}")
        meta["explain"]["backgroundContext"] = bc
    if label_rules:
        v_rule = {"vTemplateMatchCorrQrs", "vTemplateMatchMinQrsSec"}
        keys = set(label_rules)
        if not context_names or not keys or not keys <= {"lMinTemplateQrsSec"} | v_rule or (keys & v_rule and not v_rule <= keys):
            raise ValueError(f"label rules {label_rules!r}: lMinTemplateQrsSec and/or both V-rule keys, only for a "
                             "context model")
        meta["labelRules"] = dict(label_rules)
    assert meta["parameters"] == weights.size, "every tensor in the .bin is a Keras-counted parameter"
    os.makedirs(out_dir, exist_ok=True)
    weights.tofile(os.path.join(out_dir, name + ".bin"))
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    if onnx:
        export_onnx(model, os.path.join(out_dir, name + ".onnx"))
    return meta


def write_reference(model, name, windows, labels, source, out_dir=os.path.join(MODELS_DIR, "reference"),
                    contexts=None):
    """Parity set: windows (already normalized, as the engine feeds them: [n, channels, 256] or flattened) with
    PyTorch's float32 outputs. A context model also needs contexts [n, F], written per window as "context"."""
    model = model.cpu().eval()
    channels, features = _channels(model), _context(model)
    x = torch.from_numpy(np.asarray(windows, dtype=np.float32)).reshape(-1, channels, an.WINDOW)
    ctx = None
    if features:
        if contexts is None:
            raise ValueError(f"{name} is a context model: write_reference needs the windows' context vectors")
        ctx = torch.from_numpy(np.asarray(contexts, dtype=np.float32)).reshape(-1, features)
        if ctx.shape[0] != x.shape[0]:
            raise ValueError(f"{x.shape[0]} windows but {ctx.shape[0]} context vectors")
    with torch.no_grad():
        logits = model(x, ctx) if features else model(x)
        probs = torch.softmax(logits, dim=1)
    ref = {
        "model": name,
        "classes": list(an.CLASSES),
        "windowLength": an.WINDOW,
        "channels": channels,
        "source": source,
        "count": int(x.shape[0]),
        "labels": [None if lab is None or lab < 0 else an.CLASSES[int(lab)] for lab in labels],
        "inputs": [_f32(w) for w in x.reshape(x.shape[0], -1).numpy()],
    }
    if features:
        ref["contextFeatures"] = features
        ref["context"] = [_f32(c) for c in ctx.numpy()]
    ref["logits"] = [_f32(v) for v in logits.numpy()]
    ref["probabilities"] = [_f32(v) for v in probs.numpy()]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(ref, f)
        f.write("\n")
    return ref


def pick_reference(labels, per_class=8, seed=0):
    """Indices of up to per_class examples of each class (about 40 windows in all)."""
    rng = np.random.default_rng(seed)
    picks = []
    for c in range(len(an.CLASSES)):
        idx = np.flatnonzero(labels == c)
        if idx.size:
            picks.extend(sorted(rng.choice(idx, size=min(per_class, idx.size), replace=False).tolist()))
    return np.array(picks, dtype=np.int64)


def synthetic_beats(n, seed):
    """ECG-like windows (P, QRS, T bumps with jitter and noise), z-scored; for tests without data."""
    rng = np.random.default_rng(seed)
    t = np.arange(an.WINDOW, dtype=np.float64) - an.WINDOW_BEFORE
    labels = rng.integers(0, len(an.CLASSES), size=n)
    out = np.empty((n, an.WINDOW), dtype=np.float32)
    for i, c in enumerate(labels):
        qrs_w = 4.0 + 6.0 * (c in (1, 2, 4)) + rng.normal(0, 0.5)     # wide QRS for L, R, V
        p_amp = 0.0 if c == 4 else (0.05 if c == 3 else 0.15)         # no P for V, odd P for A
        p_pos = -55 + (25 if c == 3 else 0) + rng.normal(0, 3)
        sign = -1.0 if c == 2 else 1.0
        x = (sign * np.exp(-0.5 * (t / qrs_w) ** 2)
             + p_amp * np.exp(-0.5 * ((t - p_pos) / 8) ** 2)
             + (0.3 if c != 4 else -0.4) * np.exp(-0.5 * ((t - 90 - rng.normal(0, 5)) / 18) ** 2)
             + rng.normal(0, 0.03, size=t.size))
        out[i] = an.zscore(x).astype(np.float32)
    return out, labels


def randomize_batchnorm(model, seed):
    """Non-trivial BN statistics for an untrained export, so parity tests exercise the folding."""
    rng = np.random.default_rng(seed + 1000)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm1d):
                n = m.num_features
                m.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, n).astype(np.float32)))
                m.bias.copy_(torch.from_numpy(rng.normal(0, 0.1, n).astype(np.float32)))
                m.running_mean.copy_(torch.from_numpy(rng.normal(0, 0.2, n).astype(np.float32)))
                m.running_var.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, n).astype(np.float32)))
            elif isinstance(m, nn.Linear):
                m.weight.mul_(8.0)  # logits spread over a few units, so parity tests see real differences
                m.bias.copy_(torch.from_numpy(rng.normal(0, 0.5, m.bias.shape).astype(np.float32)))
    return model


def synthetic_context_inputs(windows, labels, features, seed):
    """Two-channel windows [n, 2, 256] (channel 1: the beat minus the mean beat, scaled by the mean beat's spread,
    like the template difference channel) and context vectors [n, F] (class-dependent RR-like values + noise)."""
    rng = np.random.default_rng(seed + 2000)
    template = windows.mean(axis=0)
    diff = (windows - template) / max(float(template.std()), 0.05)
    two = np.stack([windows, diff.astype(np.float32)], axis=1).astype(np.float32)
    shift = np.where(np.isin(labels, (3, 4)), -0.4, 0.0)[:, None]  # premature A and V beats
    ctx = (rng.normal(0.0, 0.5, size=(len(windows), features)) + shift).astype(np.float32)
    return two, ctx


def scale_context_head(model, windows, contexts, logit_std=3.0):
    """Untrained context models: rescales head_wave and head_context (weight and bias together, so the ReLU mask
    keeps its share of active units) to unit output spread on the given inputs, and the final dense to logits of
    spread logit_std, so that the parity set is neither saturated nor dominated by one branch."""
    x = torch.from_numpy(np.asarray(windows, dtype=np.float32))
    c = torch.from_numpy(np.asarray(contexts, dtype=np.float32))
    with torch.no_grad():
        for name in ("head_wave", "head_context", "dense"):
            seen = {}
            hook = model.mods[name].register_forward_hook(lambda mod, i, o: seen.__setitem__("out", o))
            model(x, c)
            hook.remove()
            spread = float(seen["out"].std())
            if name == "dense":
                model.mods[name].weight.mul_(logit_std / spread)
            else:
                model.mods[name].weight.div_(spread)
                model.mods[name].bias.div_(spread)
    return model


def export_untrained(variant, seed, out_dir=MODELS_DIR, ref_dir=None, context=0, count=40, onnx=True):
    """Seeded untrained model (parity tests only). context > 0: the context variant with that many features
    (two-channel input), named arrhythminet-VARIANT-ctx, its reference set with synthetic context vectors."""
    name = f"arrhythminet-{variant}" + ("-ctx" if context else "")
    channels = 2 if context else 1
    net = an.ArrhythmiNet(variant, in_channels=channels, context=context) if context else an.ArrhythmiNet(variant)
    model = randomize_batchnorm(an.init_weights(net, seed), seed).eval()
    windows, labels = synthetic_beats(count, seed)
    contexts, names = None, None
    if context:
        windows, contexts = synthetic_context_inputs(windows, labels, context, seed)
        scale_context_head(model, windows, contexts)
        names = (UNTRAINED_CONTEXT_NAMES + [f"feature{i + 1}" for i in range(len(UNTRAINED_CONTEXT_NAMES), context)])
        names = names[:context]
    training = {"trained": False, "note": "UNTRAINED: seeded random init (numpy default_rng) with random "
                "BatchNorm statistics, for parity tests of the engine only", "seed": seed}
    meta = export(model, name, training, {}, windows.mean(axis=0), out_dir, context_names=names, onnx=onnx)
    write_reference(model, name, windows, labels, {"kind": "synthetic", "seed": seed},
                    ref_dir or os.path.join(out_dir, "reference"), contexts=contexts)
    return meta


def export_run(run_dir, out_dir=MODELS_DIR, context_names=None):
    """Exports a train.py run folder (model.pt + result.json + reference.npz).
    A context run: result.json "contextNames" (or the context_names argument) gives the features, "inputChannels"
    the window channels (default 2); reference.npz holds windows [n, channels, 256], "context" [n, F] and
    optionally "backgroundContext" [F] (stored as explain.backgroundContext)."""
    with open(os.path.join(run_dir, "result.json")) as f:
        result = json.load(f)
    if context_names is None:
        context_names = result.get("contextNames") or None
    if context_names:
        channels = int(result.get("inputChannels", result.get("inChannels", 2)))
        model = an.ArrhythmiNet(result["variant"], in_channels=channels, context=len(context_names))
    else:
        model = an.ArrhythmiNet(result["variant"])
    model.load_state_dict(torch.load(os.path.join(run_dir, "model.pt"), map_location="cpu"))
    ref = np.load(os.path.join(run_dir, "reference.npz"))
    name = result["name"]
    meta = export(model, name, result["training"], result["metrics"], ref["background"], out_dir,
                  context_names=context_names,
                  background_context=ref["backgroundContext"] if context_names and "backgroundContext" in ref.files
                  else None, label_rules=result.get("labelRules"),
                  template_min_pre_local=float(result.get("templateMinPreLocal", 0.0)))
    contexts = None
    if context_names:
        key = next((k for k in ("context", "contexts") if k in ref.files), None)
        if key is None:
            raise SystemExit(f"{run_dir}/reference.npz has no 'context' array for the context model {name}")
        contexts = ref[key].astype(np.float32)
    write_reference(model, name, ref["windows"].astype(np.float32), ref["labels"], result["referenceSource"],
                    os.path.join(out_dir, "reference"), contexts=contexts)
    if result.get("history"):
        import plots
        plots.figures_for_run(result, os.path.join(out_dir, "figures"))
    return meta


def link_protocols(out_dir=MODELS_DIR):
    """Both protocols in every metadata file: arrhythminet-vX gets the DS2 metrics of arrhythminet-vX-ds1
    (same architecture, inter-patient training) and vice versa, marked with the model they belong to."""
    for variant in ("v1", "v2", "v1-ctx", "v2-ctx"):
        paths = {k: os.path.join(out_dir, f"arrhythminet-{variant}{s}.json") for k, s in
                 (("paper", ""), ("interpatient", "-ds1"))}
        if not all(os.path.exists(p) for p in paths.values()):
            continue
        metas = {}
        for k, p in paths.items():
            with open(p) as f:
                metas[k] = json.load(f)
        if not all(k in metas[k].get("metrics", {}) for k in metas):
            continue
        for own, other in (("paper", "interpatient"), ("interpatient", "paper")):
            m = dict(metas[other]["metrics"][other])
            m["model"] = metas[other]["name"]
            m["note"] = (f"metrics of {metas[other]['name']}, the same architecture trained under the {other} "
                         f"protocol; this file's own weights are evaluated under '{own}'")
            metas[own]["metrics"][other] = m
            with open(paths[own], "w") as f:
                json.dump(metas[own], f, indent=1)
                f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", action="append", default=[], help="train.py run folder (repeatable)")
    ap.add_argument("--untrained", action="store_true")
    ap.add_argument("--model", choices=["v1", "v2"], action="append")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ctx", type=int, default=0, metavar="F",
                    help="with --untrained: the context variant with F context features and a two-channel window")
    ap.add_argument("--count", type=int, default=40, help="with --untrained: reference windows (default 40)")
    ap.add_argument("--no-onnx", action="store_true", help="with --untrained: skip NAME.onnx")
    ap.add_argument("--gradcam", action="store_true",
                    help="with --untrained: also write the Grad-CAM references (reference/NAME.gradcam.json)")
    ap.add_argument("--out", default=MODELS_DIR)
    args = ap.parse_args()
    if args.ctx < 0 or args.ctx > 64:
        ap.error("--ctx must be from 0 to 64")
    untrained = []
    if args.untrained:
        for v in args.model or ["v1", "v2"]:
            meta = export_untrained(v, args.seed, args.out, context=args.ctx, count=args.count,
                                    onnx=not args.no_onnx)
            untrained.append(meta["name"])
            print(f"{meta['name']}: {meta['parameters']} parameters, {meta['flops']} FLOPs/beat (untrained)")
    if untrained and args.gradcam:
        import gradcam_reference
        gradcam_reference.main(untrained, args.out)
    exported = []
    for run in args.run:
        meta = export_run(run, args.out)
        exported.append(meta["name"])
        print(f"{meta['name']}: {meta['parameters']} parameters, {meta['flops']} FLOPs/beat")
    link_protocols(args.out)
    if exported:  # Grad-CAM parity references for src/explain follow the weights (models/reference/NAME.gradcam.json)
        import gradcam_reference
        gradcam_reference.main(exported, args.out)


if __name__ == "__main__":
    main()
