"""Independent check of exported model files: runs NAME.json + NAME.bin with a small numpy interpreter
written from models/FORMAT.md alone (not from the PyTorch code) and compares with the reference set's
PyTorch outputs; also checks the ONNX file's interface. Context models (input.channels 2, input.context) run
each reference window with its "context" vector, the value layers name "context" in their "inputs".

  python3 models/training/check_export.py models/arrhythminet-v1.json [...]
"""
import json
import os
import sys

import numpy as np


def conv1d(x, w, b, stride, padding, groups):
    """x [C, L], w [out, in/groups, k] -> [out, L']."""
    c_in, length = x.shape
    out_ch, per_group, k = w.shape
    xp = np.pad(x, ((0, 0), (padding, padding)))
    l_out = (length + 2 * padding - k) // stride + 1
    y = np.zeros((out_ch, l_out), dtype=np.float64)
    out_per_group = out_ch // groups
    for g in range(groups):
        xs = xp[g * per_group:(g + 1) * per_group]
        # columns [per_group * k, l_out]
        cols = np.stack([xs[:, j:j + stride * (l_out - 1) + 1:stride] for j in range(k)], axis=1)
        cols = cols.reshape(per_group * k, l_out)
        wg = w[g * out_per_group:(g + 1) * out_per_group].reshape(out_per_group, per_group * k)
        y[g * out_per_group:(g + 1) * out_per_group] = wg @ cols
    if b is not None:
        y += b[:, None]
    return y


def run_model(meta, weights, window, context=None):
    def param(layer, key):
        p = layer[key]
        n = int(np.prod(p["shape"]))
        return weights[p["offset"]:p["offset"] + n].astype(np.float64).reshape(p["shape"])

    x = np.asarray(window, dtype=np.float64).reshape(meta["input"]["channels"], meta["input"]["length"])
    values = {"input": x}
    features = meta["input"].get("context", {}).get("features", 0)
    if features:
        values["context"] = np.asarray(context, dtype=np.float64).reshape(features)
    for layer in meta["architecture"]:
        t = layer["type"]
        if t != "add" and "inputs" in layer:  # a one-input layer that reads a named value, not the previous one
            (source,) = layer["inputs"]
            x = values[source]
        if t == "conv1d":
            x = conv1d(x, param(layer, "weight"), param(layer, "bias") if "bias" in layer else None,
                       layer["stride"], layer["padding"], layer["groups"])
        elif t == "batchnorm":
            g, b, m, v = (param(layer, k) for k in ("gamma", "beta", "mean", "var"))
            x = (x - m[:, None]) / np.sqrt(v[:, None] + layer["epsilon"]) * g[:, None] + b[:, None]
        elif t == "relu":
            x = np.maximum(x, 0)
        elif t == "relu6":
            x = np.clip(x, 0, 6)
        elif t == "add":
            a, b = layer["inputs"]
            x = values[a] + values[b]
        elif t == "global_avg_pool":
            x = x.mean(axis=1)
        elif t == "dense":
            x = param(layer, "weight") @ x + param(layer, "bias")
        elif t == "softmax":
            logits = x
            e = np.exp(x - x.max())
            x = e / e.sum()
        else:
            raise ValueError("unknown layer type " + t)
        values[layer["name"]] = x
    return logits, x


def check(json_path, tol=2e-4):
    folder = os.path.dirname(os.path.abspath(json_path))
    with open(json_path) as f:
        meta = json.load(f)
    weights = np.fromfile(os.path.join(folder, meta["weights"]["file"]), dtype="<f4")
    assert meta["format"] == "arrhythmiavision-model" and meta["formatVersion"] == 1
    assert weights.size == meta["weights"]["count"], "weights.count matches the .bin size"
    assert meta["classes"] == ["N", "L", "R", "A", "V"]
    length = meta["window"]["before"] + meta["window"]["after"]
    channels = meta["input"]["channels"]
    assert channels in (1, 2), "input.channels is 1 or 2"
    features = meta["input"].get("context", {}).get("features", 0)
    if "context" in meta["input"]:
        names = meta["input"]["context"]["names"]
        assert len(names) == features and all(isinstance(n, str) and n for n in names), "one name per feature"
    assert meta["input"]["length"] == length and len(meta["explain"]["background"]) == channels * length
    names = [layer["name"] for layer in meta["architecture"]]
    assert len(set(names)) == len(names), "layer names are unique"
    assert meta["architecture"][-1]["type"] == "softmax"
    assert meta["explain"]["gradcamLayer"] == names[names.index(
        next(l["name"] for l in meta["architecture"] if l["type"] == "global_avg_pool")) - 1]

    ref_path = os.path.join(folder, "reference", meta["name"] + ".json")
    with open(ref_path) as f:
        ref = json.load(f)
    worst = 0.0
    contexts = ref["context"] if features else [None] * len(ref["inputs"])
    assert len(contexts) == len(ref["inputs"]), "one context vector per reference window"
    for window, ctx, logits_ref, probs_ref in zip(ref["inputs"], contexts, ref["logits"], ref["probabilities"]):
        assert len(window) == channels * length
        logits, probs = run_model(meta, weights, window, ctx)
        worst = max(worst, float(np.max(np.abs(logits - logits_ref))), float(np.max(np.abs(probs - probs_ref))))
    assert worst < tol, f"{meta['name']}: numpy interpreter differs from PyTorch by {worst}"

    onnx_path = os.path.join(folder, meta["name"] + ".onnx")
    import onnx
    model = onnx.load(onnx_path)
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == (["input", "context"] if features else ["input"])
    assert [o.name for o in model.graph.output] == ["logits", "probabilities"]
    assert max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")) <= 13
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims[1:]] == [channels, length]
    if features:
        dims = model.graph.input[1].type.tensor_type.shape.dim
        assert [d.dim_value for d in dims[1:]] == [features]
    return meta["name"], len(ref["inputs"]), worst


if __name__ == "__main__":
    for path in sys.argv[1:]:
        name, n, worst = check(path)
        print(f"{name}: {n} reference windows, max |numpy - torch| = {worst:.2e}, onnx ok")
