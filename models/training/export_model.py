"""Writes a trained (or seeded untrained) ArrhythmiNet to models/ in the format of models/FORMAT.md:
NAME.json (metadata + layer list), NAME.bin (float32 little-endian tensors), NAME.onnx, and the parity
reference set models/reference/NAME.json (input windows + PyTorch logits and probabilities).

  python3 models/training/export_model.py --run models/training/runs/arrhythminet-v1   # a train.py run
  python3 models/training/export_model.py --untrained --model v1 --seed 1              # seeded random init
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


class _OnnxWrapper(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        logits = self.model(x)
        return logits, torch.softmax(logits, dim=1)


def export_onnx(model, path):
    kwargs = dict(input_names=["input"], output_names=["logits", "probabilities"],
                  dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}, "probabilities": {0: "N"}},
                  opset_version=13, do_constant_folding=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # torch >= 2.5: keep the TorchScript exporter (opset 13, same graph)
    torch.onnx.export(_OnnxWrapper(model).eval(), torch.zeros(1, 1, an.WINDOW), path, **kwargs)


def export(model, name, training, metrics, background, out_dir=MODELS_DIR):
    """Writes NAME.json, NAME.bin and NAME.onnx; returns the metadata dict."""
    model = model.cpu().eval()
    layers, weights = architecture_and_weights(model)
    meta = {
        "format": "arrhythmiavision-model",
        "formatVersion": 1,
        "name": name,
        "version": VERSION,
        "classes": list(an.CLASSES),
        "sampleRate": an.SAMPLE_RATE,
        "window": {"before": an.WINDOW_BEFORE, "after": an.WINDOW_AFTER},
        "normalization": {"method": "zscore", "stdFloor": an.STD_FLOOR},
        "input": {"layout": "NCW", "channels": 1, "length": an.WINDOW},
        "weights": {"file": name + ".bin", "dtype": "float32", "count": int(weights.size)},
        "parameters": an.keras_parameter_count(model),
        "flops": an.flops_per_beat(model),
        "architecture": layers,
        "explain": {"gradcamLayer": model.gradcam_layer, "background": _f32(background)},
        "training": training,
        "metrics": metrics,
    }
    assert meta["parameters"] == weights.size, "every tensor in the .bin is a Keras-counted parameter"
    os.makedirs(out_dir, exist_ok=True)
    weights.tofile(os.path.join(out_dir, name + ".bin"))
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    export_onnx(model, os.path.join(out_dir, name + ".onnx"))
    return meta


def write_reference(model, name, windows, labels, source, out_dir=os.path.join(MODELS_DIR, "reference")):
    """Parity set: windows (already normalized, as the engine feeds them) with PyTorch's float32 outputs."""
    model = model.cpu().eval()
    x = torch.from_numpy(np.asarray(windows, dtype=np.float32)).reshape(-1, 1, an.WINDOW)
    with torch.no_grad():
        logits = model(x)
        probs = torch.softmax(logits, dim=1)
    ref = {
        "model": name,
        "classes": list(an.CLASSES),
        "windowLength": an.WINDOW,
        "source": source,
        "count": int(x.shape[0]),
        "labels": [None if lab is None or lab < 0 else an.CLASSES[int(lab)] for lab in labels],
        "inputs": [_f32(w) for w in x[:, 0].numpy()],
        "logits": [_f32(v) for v in logits.numpy()],
        "probabilities": [_f32(v) for v in probs.numpy()],
    }
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


def export_untrained(variant, seed, out_dir=MODELS_DIR, ref_dir=None):
    name = f"arrhythminet-{variant}"
    model = randomize_batchnorm(an.init_weights(an.ArrhythmiNet(variant), seed), seed).eval()
    windows, labels = synthetic_beats(40, seed)
    training = {"trained": False, "note": "UNTRAINED: seeded random init (numpy default_rng) with random "
                "BatchNorm statistics, for parity tests of the engine only", "seed": seed}
    meta = export(model, name, training, {}, windows.mean(axis=0), out_dir)
    write_reference(model, name, windows, labels, {"kind": "synthetic", "seed": seed},
                    ref_dir or os.path.join(out_dir, "reference"))
    return meta


def export_run(run_dir, out_dir=MODELS_DIR):
    """Exports a train.py run folder (model.pt + result.json + reference.npz)."""
    with open(os.path.join(run_dir, "result.json")) as f:
        result = json.load(f)
    model = an.ArrhythmiNet(result["variant"])
    model.load_state_dict(torch.load(os.path.join(run_dir, "model.pt"), map_location="cpu"))
    ref = np.load(os.path.join(run_dir, "reference.npz"))
    name = result["name"]
    meta = export(model, name, result["training"], result["metrics"], ref["background"], out_dir)
    write_reference(model, name, ref["windows"].astype(np.float32), ref["labels"], result["referenceSource"],
                    os.path.join(out_dir, "reference"))
    if result.get("history"):
        import plots
        plots.figures_for_run(result, os.path.join(out_dir, "figures"))
    return meta


def link_protocols(out_dir=MODELS_DIR):
    """Both protocols in every metadata file: arrhythminet-vX gets the DS2 metrics of arrhythminet-vX-ds1
    (same architecture, inter-patient training) and vice versa, marked with the model they belong to."""
    for variant in ("v1", "v2"):
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
    ap.add_argument("--out", default=MODELS_DIR)
    args = ap.parse_args()
    if args.untrained:
        for v in args.model or ["v1", "v2"]:
            meta = export_untrained(v, args.seed, args.out)
            print(f"{meta['name']}: {meta['parameters']} parameters, {meta['flops']} FLOPs/beat (untrained)")
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
