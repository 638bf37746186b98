"""Figures of Grad-CAM and SHAP explanations on MIT-BIH beats, made by the C++ core (build/native/av-explain).

For each (record, class) below the tool picks beats whose reference annotation and predicted label agree,
evenly spaced over the record, and this script draws, per beat: the z-scored window with the Grad-CAM map as
a heat strip behind it (top), and the SHAP value of each of the 12 segments against the recording's median
normal beat (bottom; the baseline is the dashed line, the model's background when no beat is predicted N), in probability of the explained class. Also one per-class (global) panel.

  bash scripts/build.sh native
  /usr/bin/python3 models/training/plot_explanations.py [--model v1] [--mitdb ../shared/data/mitdb]

Writes models/figures/explain-<model>-<record>-<class>.png and explain-<model>-<record>-global.png.
"""
import argparse
import json
import os
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CASES = [("208", "V"), ("119", "V"), ("106", "V"), ("232", "A"), ("109", "L"), ("118", "R")]


def run_tool(record, model, cls, mitdb, count, with_global=False):
    cmd = [os.path.join(ROOT, "build", "native", "av-explain"), os.path.join(mitdb, record + ".hea"),
           os.path.join(ROOT, "models", model + ".json"), "--class", cls, "--count", str(count)]
    if with_global:
        cmd.append("--global")
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def plot_beats(doc, path):
    beats = doc["beats"]
    if not beats:
        print(f"{path}: no {doc['class']} beats predicted in {doc['record']}, skipped")
        return
    fs = doc["sampleRate"]
    before = doc["windowBefore"]
    fig, axes = plt.subplots(2, len(beats), figsize=(3.2 * len(beats), 4.6), sharex=True,
                             gridspec_kw={"height_ratios": [3, 2]}, squeeze=False)
    for col, b in enumerate(beats):
        w = np.asarray(b["window"])
        t = (np.arange(len(w)) - before) / 360.0 * 1000  # ms from the R peak
        cam = np.asarray(b["gradcam"]["values"])
        ax = axes[0][col]
        base = np.asarray(b["baselineWindow"])
        lo, hi = min(w.min(), base.min()) - 0.3, max(w.max(), base.max()) + 0.3
        ax.imshow(cam[None, :], aspect="auto", cmap="Reds", vmin=0, vmax=1.6, alpha=0.9, extent=[t[0], t[-1], lo, hi])
        ax.plot(t, w, color="black", lw=1.3, label="beat")
        ax.plot(t, base, color="tab:blue", lw=0.8, ls="--", label=b["shap"]["baseline"].replace("-", " "))
        ax.plot(t, lo + cam * (hi - lo) * 0.25, color="darkred", lw=1.0, label="Grad-CAM")
        ax.set_ylim(lo, hi)
        ax.set_title(f"{doc['record']} @ {b['sample'] / fs:.1f} s: {doc['class']} "
                     f"p={b['gradcam']['probabilities'][b['gradcam']['classIndex']]:.2f}", fontsize=8)
        ax.axvline(0, color="grey", lw=0.5)
        if col == 0:
            ax.set_ylabel("z-scored ECG\n(Grad-CAM: red shade and curve)", fontsize=8)
            ax.legend(fontsize=6, loc="lower left")
        ax2 = axes[1][col]
        shap = b["shap"]
        for s in shap["segments"]:
            x0, x1 = (s["start"] - before) / 0.36, (s["end"] - before) / 0.36
            ax2.bar((x0 + x1) / 2, s["value"], width=(x1 - x0) * 0.9,
                    color="tab:red" if s["value"] > 0 else "tab:blue")
        ax2.axhline(0, color="grey", lw=0.5)
        ax2.axvline(0, color="grey", lw=0.5)
        ax2.set_xlabel("ms from R peak", fontsize=8)
        ax2.set_title(f"SHAP: f(x)={shap['outputValue']:.2f}, f(base)={shap['baseValue']:.2f}", fontsize=7)
        if col == 0:
            ax2.set_ylabel(f"SHAP (p of {doc['class']})", fontsize=8)
    fig.suptitle(f"{doc['model']}: why these beats of record {doc['record']} are {doc['class']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(path)


def plot_global(doc, path):
    g = doc.get("global")
    if not g:
        return
    classes = g["classes"]
    fig, axes = plt.subplots(1, len(classes), figsize=(3.4 * len(classes), 3.2), squeeze=False)
    before = doc["windowBefore"]
    for ax, c in zip(axes[0], classes):
        avg = np.asarray(c["averageBeat"])
        t = (np.arange(len(avg)) - before) / 0.36
        lo, hi = avg.min() - 0.3, avg.max() + 0.3
        cam = np.asarray(c["meanGradcam"])
        ax.imshow(cam[None, :], aspect="auto", cmap="Reds", vmin=0, vmax=1.6, alpha=0.9, extent=[t[0], t[-1], lo, hi])
        ax.plot(t, avg, color="black", lw=1.2)
        ax.plot(t, lo + cam * (hi - lo) * 0.25, color="darkred", lw=1.0)
        ax.set_ylim(lo, hi)
        if "meanAbsShap" in c:
            shap = np.asarray(c["meanAbsShap"])
            axr = ax.twinx()
            axr.plot(t, shap, color="tab:purple", lw=1.0)
            axr.set_ylim(0, max(shap.max() * 1.1, 1e-6))
            axr.tick_params(labelsize=6)
        ax.set_title(f"{c['label']}: {c['beats']} beats", fontsize=9)
        ax.set_xlabel("ms from R peak", fontsize=8)
    axes[0][0].set_ylabel("average beat (Grad-CAM red)", fontsize=8)
    fig.suptitle(f"{doc['model']}, record {doc['record']}: per-class mean Grad-CAM and mean |SHAP| (purple)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(path)


def concentration(doc):
    """Share of |SHAP| in the QRS (R +- 100 ms) and T-wave (R + 100..400 ms) windows, and mean Grad-CAM there."""
    t = (np.arange(len(doc["beats"][0]["window"])) - doc["windowBefore"]) / 0.36
    qrs, tw = (t >= -100) & (t < 100), (t >= 100) & (t < 400)
    rest = ~(qrs | tw)
    shap = np.array([np.abs(b["shap"]["values"]) for b in doc["beats"]])
    cam = np.array([b["gradcam"]["values"] for b in doc["beats"]])
    mass = shap.sum(axis=1)
    return (f"{doc['record']} {doc['class']} ({len(doc['beats'])} beats): |SHAP| share QRS {np.mean(shap[:, qrs].sum(1) / mass):.2f}, "
            f"T {np.mean(shap[:, tw].sum(1) / mass):.2f} (windows hold {qrs.mean():.2f} and {tw.mean():.2f} of the samples); "
            f"mean Grad-CAM QRS {cam[:, qrs].mean():.2f}, T {cam[:, tw].mean():.2f}, elsewhere {cam[:, rest].mean():.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="v1")
    ap.add_argument("--mitdb", default=os.path.join(ROOT, "..", "shared", "data", "mitdb"))
    ap.add_argument("--count", type=int, default=4, help="beats drawn per figure")
    ap.add_argument("--stats", type=int, default=24, help="beats per case for the printed QRS/T shares")
    args = ap.parse_args()
    model = args.model if args.model.startswith("arrhythminet") else f"arrhythminet-{args.model}"
    out = os.path.join(ROOT, "models", "figures")
    os.makedirs(out, exist_ok=True)
    for record, cls in CASES:
        doc = run_tool(record, model, cls, args.mitdb, max(args.stats, args.count), with_global=(record == "208"))
        n = len(doc["beats"])
        drawn = dict(doc, beats=[doc["beats"][(2 * k + 1) * n // (2 * args.count)] for k in range(min(args.count, n))])
        plot_beats(drawn, os.path.join(out, f"explain-{model}-{record}-{cls}.png"))
        plot_global(doc, os.path.join(out, f"explain-{model}-{record}-global.png"))
        if doc["beats"]:
            print("  " + concentration(doc))


if __name__ == "__main__":
    main()
