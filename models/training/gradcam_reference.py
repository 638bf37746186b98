"""Grad-CAM in PyTorch on the shipped reference windows, for the C++ parity test.

For every model in models/ with a reference set (models/reference/NAME.json) this loads the exported
weights (NAME.json + NAME.bin) into the PyTorch ArrhythmiNet, captures the Grad-CAM layer's output with a
tensor hook for its gradient, and writes models/reference/NAME.gradcam.json.

Grad-CAM here is the textbook recipe: alpha_k = mean_t d logit_c / d A_k(t) (autograd), cam = ReLU(sum_k alpha_k
A_k), linearly interpolated to the window and divided by its maximum (all zeros stay zeros).
Alignment convention (the same as src/explain/gradcam.h): feature position t sits at the centre of its
receptive field, offset + t * jump input samples, with offset += ((kernel - 1) / 2 - padding) * jump and
jump *= stride for each conv1d before the layer; numpy.interp holds the end values beyond the first and last
centre.

  /usr/bin/python3 models/training/gradcam_reference.py [--models DIR] [NAME ...]

Context models (input.channels 2, input.context): the windows are [2, 256] and each reference window's context
vector (reference set "context") is fed with it, so the gradient runs through the context head as well.

export_model.py runs this for every model it exports. Each file records the checksum of the weights it was made
from (weightsAbsSum), so that the C++ parity test can tell a stale file from a real mismatch.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arrhythminet as an  # noqa: E402

MODELS_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def load_exported(name, models_dir=MODELS_DIR):
    """ArrhythmiNet with the weights of models/NAME.json + NAME.bin; checks the layer lists agree."""
    with open(os.path.join(models_dir, name + ".json")) as f:
        meta = json.load(f)
    weights = np.fromfile(os.path.join(models_dir, meta["weights"]["file"]), dtype="<f4")
    variant = "v2" if any(layer["type"] == "relu6" for layer in meta["architecture"]) else "v1"
    channels = int(meta["input"].get("channels", 1))
    features = int(meta["input"].get("context", {}).get("features", 0))
    model = an.ArrhythmiNet(variant, classes=len(meta["classes"]), in_channels=channels, context=features)
    if [(l["name"], l["type"]) for l in model.layers] != [(l["name"], l["type"]) for l in meta["architecture"]]:
        raise SystemExit(f"{name}: layer list differs from ArrhythmiNet {variant}")

    def tensor(ref):
        n = int(np.prod(ref["shape"]))
        return torch.from_numpy(weights[ref["offset"]:ref["offset"] + n].reshape(ref["shape"]).copy())

    names = {"conv1d": [("weight", "weight"), ("bias", "bias")], "dense": [("weight", "weight"), ("bias", "bias")],
             "batchnorm": [("gamma", "weight"), ("beta", "bias"), ("mean", "running_mean"), ("var", "running_var")]}
    with torch.no_grad():
        for layer in meta["architecture"]:
            for key, attr in names.get(layer["type"], []):
                if key in layer:
                    getattr(model.mods[layer["name"]], attr).copy_(tensor(layer[key]))
    model.weights_abs_sum = float(np.abs(weights.astype(np.float64)).sum())
    return model.eval(), meta


def centres(meta, layer_name):
    offset, jump = 0.0, 1.0
    for layer in meta["architecture"]:
        if layer["type"] == "conv1d":
            offset += ((layer["kernel"] - 1) / 2 - layer["padding"]) * jump
            jump *= layer["stride"]
        if layer["name"] == layer_name:
            return offset, jump
    raise SystemExit(f"layer {layer_name} not found")


def gradcam(model, meta, windows, classes, contexts=None):
    """Grad-CAM maps [n, window length] for class classes[i] of windows[i] ([n, channels * length] or
    [n, channels, length]); contexts [n, F] for a context model."""
    layer = meta["explain"]["gradcamLayer"]
    if layer != model.gradcam_layer:
        raise SystemExit(f"explain.gradcamLayer {layer} is not the layer before pooling ({model.gradcam_layer})")
    captured = {}
    channels, length = int(meta["input"].get("channels", 1)), int(meta["input"]["length"])
    x = torch.from_numpy(np.asarray(windows, dtype=np.float32)).reshape(-1, channels, length)
    ctx = None if contexts is None else torch.from_numpy(np.asarray(contexts, dtype=np.float32))
    logits, features = model(x, ctx, return_features=True)  # features: the Grad-CAM layer's output
    features.register_hook(lambda g: captured.__setitem__("grad", g))
    picked = logits.gather(1, torch.tensor(classes).unsqueeze(1)).sum()
    picked.backward()
    A = features.detach().double().numpy()
    alpha = captured["grad"].double().numpy().mean(axis=2)  # [n, C]
    cam = np.maximum(np.einsum("nc,nct->nt", alpha, A), 0.0)
    offset, jump = centres(meta, layer)
    pos = offset + jump * np.arange(A.shape[2])
    x_axis = np.arange(length)
    out = np.stack([np.interp(x_axis, pos, row) for row in cam])
    peak = out.max(axis=1, keepdims=True)
    out = np.where(peak > 0, out / np.where(peak > 0, peak, 1.0), 0.0)
    return out, logits.detach().numpy()


def main(names, models_dir=MODELS_DIR):
    ref_dir = os.path.join(models_dir, "reference")
    if not names:
        names = sorted(f[:-5] for f in os.listdir(ref_dir) if f.endswith(".json") and ".gradcam" not in f)
    for name in names:
        with open(os.path.join(ref_dir, name + ".json")) as f:
            ref = json.load(f)
        model, meta = load_exported(name, models_dir)
        windows = np.asarray(ref["inputs"], dtype=np.float32)
        contexts = np.asarray(ref["context"], dtype=np.float32) if model.context else None
        predicted = np.asarray(ref["logits"]).argmax(axis=1)
        # Each window twice: for its predicted class and for one other (V, or N when V is predicted).
        other = np.where(predicted == 4, 0, 4)
        cams, logits = [], None
        for classes in (predicted, other):
            c, logits = gradcam(model, meta, windows, classes.tolist(), contexts)
            cams.append(c)
        err = np.abs(logits - np.asarray(ref["logits"])).max()
        out = {"model": name, "layer": meta["explain"]["gradcamLayer"],
               "convention": "feature t at its receptive-field centre offset + t*jump; numpy.interp; / max",
               "count": len(windows),
               "weightsAbsSum": model.weights_abs_sum,
               "classIndex": np.concatenate([predicted, other]).tolist(),
               "window": list(range(len(windows))) * 2,
               "values": [[float(v) for v in row] for row in np.concatenate(cams).astype(np.float32)]}
        path = os.path.join(ref_dir, name + ".gradcam.json")
        with open(path, "w") as f:
            json.dump(out, f, separators=(",", ":"))
        print(f"{path}: {2 * len(windows)} maps, logits match the reference set within {err:.2e}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=MODELS_DIR, help="folder with NAME.json, NAME.bin and reference/")
    ap.add_argument("names", nargs="*", help="models to do (default: every reference set)")
    args = ap.parse_args()
    main(args.names, args.models)
