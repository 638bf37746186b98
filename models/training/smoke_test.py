"""CI smoke test of the training scripts (well under a minute, no GPU, no exported dataset needed).

Exports the beats of three MIT-BIH records with build/native/av-export-beats when the native build and
../shared/data/mitdb are there (else synthetic ECG-like windows), trains V1 and V2 for a few batches under
both protocols, exports each run to a temporary folder and checks the files: a numpy interpreter of
models/FORMAT.md reproduces PyTorch's outputs, the ONNX interface, the parameter counts (Keras way) within
3 % of 77,358 / 40,386 and the FLOPs per beat under 3 M / 1.5 M. Also checks the shipped models/ files.
"""
import glob
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import arrhythminet as an  # noqa: E402
import check_export  # noqa: E402
import export_model  # noqa: E402
import train  # noqa: E402

PARAM_TARGETS = {"v1": 77358, "v2": 40386}
FLOP_LIMITS = {"v1": 3_000_000, "v2": 1_500_000}
RECORDS = ["100", "101", "119"]  # DS2, DS1 training, DS1 validation: both protocols get all three splits


def make_data(tmp):
    tool = os.path.join(ROOT, "build", "native", "av-export-beats")
    mitdb = os.environ.get("AV_MITDB_DIR", os.path.join(ROOT, "..", "shared", "data", "mitdb"))
    path = os.path.join(tmp, "beats.bin")
    if os.path.exists(tool) and all(os.path.exists(os.path.join(mitdb, r + ".hea")) for r in RECORDS):
        subprocess.run([tool, mitdb, path] + RECORDS, check=True, stderr=subprocess.DEVNULL)
        d = train.read_beats_bin(path)
        assert d["windows"].shape[1:] == (2, an.WINDOW) and set(np.unique(d["records"])) == {int(r) for r in RECORDS}
        assert d["context"].shape == (d["labels"].size, len(d["contextNames"])) and np.isfinite(d["context"]).all()
        w = d["windows"][:, 0].astype(np.float32)  # channel 0: z-scored (std below 1 only where the floor acts)
        assert np.allclose(w.mean(axis=1), 0, atol=2e-2) and (w.std(axis=1) <= 1 + 2e-2).all()
        default = w[d["isDefault"] == 1]
        assert np.allclose(default.std(axis=1), 1, atol=2e-2)
        return path, "av-export-beats on records " + " ".join(RECORDS)
    windows, labels = export_model.synthetic_beats(1500, seed=3)
    records = np.random.default_rng(4).choice([100, 101, 119], size=labels.size)
    path = os.path.join(tmp, "beats.npz")
    np.savez(path, windows=windows.astype(np.float16), labels=labels.astype(np.int8),
             records=records.astype(np.int16), samples=np.arange(labels.size) * 300, source="synthetic")
    return path, "synthetic windows (no native build or MIT-BIH data found)"


def template_option_check(train_ctx, data, runs, out):
    """--template-min-pre-local: the export records it, only the template's features change, and it reaches the
    exported model's metadata (input.context.templateMinPreLocal) through result.json."""
    tool = os.path.join(ROOT, "build", "native", "av-export-beats")
    mitdb = os.environ.get("AV_MITDB_DIR", os.path.join(ROOT, "..", "shared", "data", "mitdb"))
    path = data[:-4] + "-m85.bin"
    subprocess.run([tool, mitdb, path, "--template-min-pre-local", "0.85"] + RECORDS, check=True,
                   stderr=subprocess.DEVNULL)
    a, b = train.read_beats_bin(data), train.read_beats_bin(path)
    assert a["templateMinPreLocal"] == 0.0 and abs(b["templateMinPreLocal"] - 0.85) < 1e-6
    names = a["contextNames"]
    rr = [names.index(n) for n in ("preRrSec", "postRrSec", "localRrSec", "logPreLocal", "logPreLong")]
    assert np.array_equal(a["context"][:, rr], b["context"][:, rr]) and np.array_equal(a["labels"], b["labels"])
    # 119 has ventricular bigeminy: without its premature V beats the template, and so the V beats' distance to it,
    # changes.
    diff = names.index("templateDiffQrs")
    v119 = (a["records"] == 119) & (a["labels"] == 4)
    assert v119.sum() > 100 and (a["context"][v119, diff] != b["context"][v119, diff]).mean() > 0.5
    run_dir, _ = train_ctx.main(["--model", "v1", "--protocol", "interpatient", "--epochs", "1", "--max-batches", "2",
                                 "--batch", "64", "--subset", "200", "--data", path, "--out", runs,
                                 "--name", "smoke-m85"])
    meta = export_model.export_run(run_dir, out)
    assert meta["input"]["context"]["templateMinPreLocal"] == 0.85, meta["input"]["context"]


def cross_fitted_check(train_ctx):
    """A fold's cross-fitted offsets come from the other folds alone: shuffling its own labels changes neither its
    offsets nor its labels; and with one fold's logits shifted by +2 on A, its offsets differ from the others'."""
    rng = np.random.default_rng(3)
    y = rng.integers(0, 5, 600)
    logits = rng.normal(0, 1, (600, 5)) + 2.0 * np.eye(5)[y]
    fold = np.repeat([0, 1, 2], 200)
    logits[fold == 2, 3] += 2.0
    pred, offsets = train_ctx.cross_fitted_labels(logits, y, fold)
    y2 = y.copy()
    y2[fold == 0] = rng.permutation(y2[fold == 0])
    pred2, offsets2 = train_ctx.cross_fitted_labels(logits, y2, fold)
    assert offsets2[0] == offsets[0] and np.array_equal(pred2[fold == 0], pred[fold == 0])
    assert offsets2[1] != offsets[1] or offsets2[2] != offsets[2], "the other folds' offsets see fold 0's labels"
    assert offsets[2][3] > offsets[0][3], "fold 2's offsets (fitted without its A-shifted beats) must not lower A"


def distillation_check(train_ctx, data, runs):
    """--save-teacher holds each fold model's own logits, and a student learns from their mean."""
    import torch
    import torch.nn.functional as F
    small = ["--model", "v1", "--protocol", "cv", "--epochs", "2", "--max-batches", "2", "--batch", "64",
             "--subset", "200", "--data", data, "--out", runs, "--folds", "1,4"]  # the folds of 101 and 119
    teachers = []
    for seed in (1, 2):
        t, oof = (os.path.join(runs, f"teacher-s{seed}.npz"), os.path.join(runs, f"teacher-s{seed}-oof.npz"))
        train_ctx.main(small + ["--init-seed", str(seed), "--last-epoch", "--save-teacher", t, "--save-oof", oof,
                                "--name", f"teacher-s{seed}"])
        saved, o = np.load(t), np.load(oof)
        # The out-of-fold logits of the last epoch are the fold models' logits on their validation beats.
        for f in (1, 4):
            sel = np.isin(o["records"], train_ctx.cv_folds()[f])
            rows, kept = o["rows"][sel], saved[f"rows_f{f}"]
            assert sel.any() and np.isin(rows, kept).all()
            lg = saved[f"logits_f{f}"][np.searchsorted(kept, rows)]
            assert np.allclose(lg, o["logits"][-1][sel], atol=1e-4), "teacher logits differ from the out-of-fold ones"
        teachers.append(t)
    _, student = train_ctx.main(small + ["--teacher", *teachers, "--name", "student"])
    assert student["settings"]["teachers"] == ["teacher-s1.npz", "teacher-s2.npz"]
    # The loss: alpha = 1 is the cross-entropy; a student equal to the teacher adds nothing at alpha = 0.
    z, y = torch.randn(8, 5), torch.randint(0, 5, (8,))
    soft = F.softmax(z / 2, dim=1)
    assert torch.allclose(train_ctx.distill_loss(z, y, soft, 1.0, 2.0), F.cross_entropy(z, y))
    assert abs(float(train_ctx.distill_loss(z, y, soft, 0.0, 2.0))) < 1e-6
    print("  distillation: teacher files match the fold models, student trained")


def main():
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        data, source = make_data(tmp)
        print(f"smoke test data: {source}")
        runs, out = os.path.join(tmp, "runs"), os.path.join(tmp, "models")
        for variant in ("v1", "v2"):
            for protocol in ("paper", "interpatient"):
                run_dir, metrics = train.main(["--model", variant, "--protocol", protocol, "--epochs", "2",
                                               "--max-batches", "3", "--batch", "64", "--subset", "300",
                                               "--data", data, "--out", runs, "--device", "cpu", "--calibrate"])
                assert 0.0 <= metrics["accuracy"] <= 1.0 and len(metrics["confusionMatrix"]) == 5
                meta = export_model.export_run(run_dir, out)
                name, n, worst = check_export.check(os.path.join(out, meta["name"] + ".json"))
                assert n > 0 and meta["training"]["epochsRun"] == 2
                p = meta["parameters"]
                assert abs(p - PARAM_TARGETS[variant]) <= 0.03 * PARAM_TARGETS[variant], (variant, p)
                assert meta["flops"] <= FLOP_LIMITS[variant], (variant, meta["flops"])
                assert os.path.exists(os.path.join(out, "figures", name + "-curves.png"))
                print(f"  {name}: {p} parameters, {meta['flops']} FLOPs, {n} reference windows, "
                      f"max |numpy - torch| {worst:.1e}")
        if data.endswith(".bin"):  # the context models need av-export-beats' two-channel windows and features
            import train_ctx
            cv_path, cv = train_ctx.main(["--model", "v2", "--protocol", "cv", "--epochs", "2", "--max-batches", "3",
                                          "--batch", "64", "--subset", "300", "--data", data, "--out", runs])
            assert cv["bestEpoch"] in (1, 2) and len(cv["pooledPerEpoch"]) == 2
            assert sorted(cv["crossFittedCalibration"]["offsetsByFold"]) == sorted(p["fold"] for p in cv["perFold"])
            cross_fitted_check(train_ctx)
            distillation_check(train_ctx, data, runs)
            template_option_check(train_ctx, data, runs, out)
            for variant in ("v1", "v2"):
                for protocol in ("paper", "interpatient"):
                    # The shipped recipes: DS1 models with synthetic A beats, the V1 paper model with weight averaging.
                    extra = (["--calibration-from", cv_path, "--synth-a", "0.1"] if protocol == "interpatient"
                             else ["--calibrate", "--ema", "0.998"]) + ["--dropout", "0.5", "--noise-aug", "0.5"]
                    run_dir, metrics = train_ctx.main(["--model", variant, "--protocol", protocol, "--epochs", "2",
                                                       "--max-batches", "3", "--batch", "64", "--subset", "300",
                                                       "--data", data, "--out", runs] + extra)
                    assert 0.0 <= metrics["accuracy"] <= 1.0
                    meta = export_model.export_run(run_dir, out)
                    name, n, worst = check_export.check(os.path.join(out, meta["name"] + ".json"))
                    p = meta["parameters"]
                    assert meta["input"]["channels"] == 2 and len(meta["input"]["context"]["names"]) == len(train.read_beats_bin(data)["contextNames"])
                    assert p <= 1.05 * PARAM_TARGETS[variant], (variant, p)
                    assert meta["flops"] <= FLOP_LIMITS[variant], (variant, meta["flops"])
                    print(f"  {name}: {p} parameters, {meta['flops']} FLOPs, {n} reference windows, "
                          f"max |numpy - torch| {worst:.1e}")
    for path in sorted(glob.glob(os.path.join(ROOT, "models", "arrhythminet-*.json"))):
        name, n, worst = check_export.check(path)
        print(f"  shipped {name}: {n} reference windows, max |numpy - torch| {worst:.1e}, onnx ok")
    print(f"training smoke test passed in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
