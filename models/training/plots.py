"""Training-curve and confusion-matrix PNGs for a train.py run (used by export_model.py --run)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

CLASSES = ["N", "L", "R", "A", "V"]


def training_curves(history, selected_epoch, title, path):
    """Loss and accuracy per epoch; validation curves where the run had a validation split."""
    ep = [h["epoch"] for h in history]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))

    def curve(axis, key, label):
        if all(key in h for h in history):
            axis.plot(ep, [h[key] for h in history], label=label)

    curve(a, "trainLoss", "train (balanced, augmented)")
    curve(a, "valLoss", "validation")
    a.set_xlabel("epoch")
    a.set_ylabel("cross-entropy")
    a.set_yscale("log")
    a.legend()
    curve(b, "trainAccuracy", "train accuracy")
    curve(b, "valAccuracy", "validation accuracy")
    curve(b, "valMacroF1", "validation macro-F1")
    b.axvline(selected_epoch, color="k", ls=":", lw=1, label=f"selected epoch {selected_epoch}")
    b.set_xlabel("epoch")
    b.legend(loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def confusion_matrix(cm, title, path):
    cm = np.asarray(cm, dtype=np.float64)
    rows = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.imshow(rows, cmap="Blues", vmin=0, vmax=1)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, f"{int(cm[i, j])}\n{rows[i, j]:.1%}" if cm[i, j] else "0", ha="center", va="center",
                    fontsize=7, color="white" if rows[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(CLASSES)), CLASSES)
    ax.set_yticks(range(len(CLASSES)), CLASSES)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true (row-normalised colour)")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def figures_for_run(result, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    name = result["name"]
    key = result["training"]["split"]["protocol"]
    m = result["metrics"][key]
    label = "paper protocol, test split" if key == "paper" else "inter-patient, DS2"
    curves = os.path.join(out_dir, f"{name}-curves.png")
    conf = os.path.join(out_dir, f"{name}-confusion.png")
    training_curves(result["history"], result["training"]["selectedEpoch"], name, curves)
    confusion_matrix(m["confusionMatrix"], f"{name}: {label}\naccuracy {m['accuracy']:.4f}, "
                     f"macro-F1 {m['macroF1']:.4f}", conf)
    return curves, conf
