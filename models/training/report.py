"""Prints the metrics tables of models/README.md from the shipped metadata (and optional extra run folders).

  python3 models/training/report.py                      # tables for the four shipped models
  python3 models/training/report.py --runs RUN_DIR ...   # plus one summary line per train.py run
"""
import argparse
import json
import os

MODELS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
NAMES = ["arrhythminet-v1", "arrhythminet-v2", "arrhythminet-v1-ds1", "arrhythminet-v2-ds1"]
CLASSES = ["N", "L", "R", "A", "V"]


def aami(cm):
    """Sensitivity / PPV with AAMI-like grouping: N, L and R together (non-ectopic), A (S), V."""
    groups = {"N+L+R": [0, 1, 2], "A": [3], "V": [4]}
    out = {}
    for g, idx in groups.items():
        tp = sum(cm[i][j] for i in idx for j in idx)
        true = sum(cm[i][j] for i in idx for j in range(5))
        pred = sum(cm[i][j] for i in range(5) for j in idx)
        out[g] = (tp / true if true else 0.0, tp / pred if pred else 0.0)
    return out


def model_table(name):
    with open(os.path.join(MODELS, name + ".json")) as f:
        meta = json.load(f)
    t = meta["training"]
    key = t["split"]["protocol"]  # the file also carries its sibling's metrics under the other protocol
    m = meta["metrics"][key]
    lines = [f"**{name}** ({'paper protocol, test split' if key == 'paper' else 'inter-patient, DS2'}, "
             f"{m['beats']} beats): accuracy **{m['accuracy']:.4f}**, macro-F1 **{m['macroF1']:.4f}** "
             f"(epoch {t['selectedEpoch']} of {t['epochs']} chosen on validation)", "",
             "| class | support | sensitivity (recall) | PPV (precision) | F1 |", "|---|---:|---:|---:|---:|"]
    for c in CLASSES:
        v = m["perClass"][c]
        lines.append(f"| {c} | {v['support']} | {v['recall']:.4f} | {v['precision']:.4f} | {v['f1']:.4f} |")
    lines += ["", "Confusion matrix (rows: true, columns: predicted):", "",
              "| | " + " | ".join(CLASSES) + " |", "|---|" + "---:|" * 5]
    for c, row in zip(CLASSES, m["confusionMatrix"]):
        lines.append(f"| **{c}** | " + " | ".join(str(v) for v in row) + " |")
    if key == "interpatient":
        g = aami(m["confusionMatrix"])
        lines += ["", "Grouped AAMI-style (L and R counted with N): " + ", ".join(
            f"{k} sensitivity {se:.4f} / PPV {ppv:.4f}" for k, (se, ppv) in g.items())]
    return "\n".join(lines)


def architecture_table(name):
    """One row per block (layers sharing a name prefix): the layers, output shape per beat, Keras parameters
    and FLOPs (multiply-adds x 2)."""
    with open(os.path.join(MODELS, name + ".json")) as f:
        meta = json.load(f)
    blocks = []  # [prefix, [descriptions], shape, params, flops]
    c, length = meta["input"]["channels"], meta["input"]["length"]
    for layer in meta["architecture"]:
        t, p, fl = layer["type"], 0, 0
        prefix = layer["name"].split("_")[0] if layer["name"][:1] in "bs" and "_" in layer["name"] else "head"
        if t == "conv1d":
            length = (length + 2 * layer["padding"] - layer["kernel"]) // layer["stride"] + 1
            c = layer["outChannels"]
            p = c * (layer["inChannels"] // layer["groups"]) * layer["kernel"]
            fl = 2 * p * length
            desc = (f"depthwise k{layer['kernel']} s{layer['stride']}" if layer["groups"] > 1 else
                    f"conv k{layer['kernel']} s{layer['stride']} {layer['inChannels']}->{c}")
        elif t == "batchnorm":
            p, desc = 4 * layer["channels"], "BN"
        elif t == "add":
            desc = "+ residual"
        elif t == "global_avg_pool":
            length, desc = 1, "global avg pool"
        elif t == "dense":
            c = layer["outFeatures"]
            p, fl, desc = layer["inFeatures"] * c + c, 2 * layer["inFeatures"] * c, f"dense {layer['inFeatures']}->{c}"
        else:
            desc = t
        if not blocks or blocks[-1][0] != prefix:
            blocks.append([prefix, [], "", 0, 0])
        blk = blocks[-1]
        blk[1].append(desc)
        blk[2] = f"[{c}]" if prefix == "head" else f"[{c}, {length}]"
        blk[3] += p
        blk[4] += fl
    rows = ["| block | layers | output per beat | parameters | FLOPs |", "|---|---|---|---:|---:|"]
    for prefix, descs, shape, p, fl in blocks:
        rows.append(f"| {prefix} | {', '.join(descs)} | {shape} | {p:,} | {fl:,} |")
    rows.append(f"| **total** | | | **{meta['parameters']:,}** | **{meta['flops']:,}** |")
    return "\n".join(rows)


def run_line(path):
    """path: a train.py run folder or a result.json (models/training/experiments/*.json)."""
    with open(path if path.endswith(".json") else os.path.join(path, "result.json")) as f:
        r = json.load(f)
    t = r["training"]
    key = t["split"]["protocol"]
    m, v = r["metrics"][key], r["metrics"]["validation"]
    pc = m["perClass"]
    cmd = t.get("commandRun", t.get("command")).replace("python3 models/training/train.py ", "")
    return (f"| {os.path.basename(path).replace('.json', '')} | `{cmd}` | {v['macroF1']:.4f} | "
            f"{m['accuracy']:.4f} | {m['macroF1']:.4f} | {pc['A']['recall']:.4f} / {pc['A']['precision']:.4f} | "
            f"{pc['V']['recall']:.4f} / {pc['V']['precision']:.4f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--architecture", action="store_true", help="print the layer tables of V1 and V2")
    ap.add_argument("--runs", nargs="*", default=[], help="run folders or result.json files")
    args = ap.parse_args()
    if args.architecture:
        for name in NAMES[:2]:
            print(f"### {name}\n\n" + architecture_table(name) + "\n")
        return
    for name in NAMES:
        print(model_table(name) + "\n")
    if args.runs:
        print("| run | command | validation macro-F1 | test accuracy | test macro-F1 | A Se / PPV | V Se / PPV |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for run in args.runs:
            print(run_line(run))


if __name__ == "__main__":
    main()
