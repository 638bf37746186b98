"""Tables of the context models for models/README.md: the leave-records-out CV inside DS1 (one row per
configuration tried) and the metrics of the exported context models (paper protocol and DS2).

  python3 models/training/report_ctx.py --cv models/training/experiments/cv/*.json
  python3 models/training/report_ctx.py --models models/arrhythminet-v1-ctx.json ...
  python3 models/training/report_ctx.py --ds2 models/training/experiments/ds2/*.json
"""
import argparse
import json

CLASSES = ["N", "L", "R", "A", "V"]


def cv_table(paths):
    print("| CV run | settings | best epoch | pooled macro-F1 | N Se / PPV | L F1 | R F1 | A Se / PPV | V Se / PPV |"
          " calibrated macro-F1 |")
    print("|---|---|---:|---:|---|---:|---:|---|---|---:|")
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        if "seeds" in d:  # cv_pool_seeds.py: one choice from several seeds' out-of-fold logits
            m = d["pooledBest"]
            sp = lambda c: f"{m[c]['recall']:.2f} / {m[c]['precision']:.2f}"  # noqa: E731
            print(f"| {d['name']} | the seeds {', '.join(d['seeds'])} pooled (epoch by their mean macro-F1) | "
                  f"{d['bestEpoch']} | {d['meanPooledMacroF1PerEpoch'][d['bestEpoch'] - 1]:.3f} (mean) | {sp('N')} | "
                  f"{m['L']['f1']:.2f} | {m['R']['f1']:.2f} | {sp('A')} | {sp('V')} | "
                  f"{d['calibration']['pooled']['macroF1']:.3f} |")
            continue
        if "settings" not in d:  # a post-processing study, not a CV run
            continue
        s, m = d["settings"], d["pooledBest"]
        settings = (f"{s['model']}, {s['channels']} ch, {len(s['features'])} features, leads {s['leads']}, "
                    f"dropout {s.get('dropout', 0)}, wd {s['weightDecay']}, balance {s['balance']}")
        # The settings that most runs left at their defaults, shown where a run changed them.
        for key, label, default in (("cap", "cap", 12000), ("lr", "lr", 0.003), ("synthA", "synthetic A", 0),
                                    ("noiseAug", "noise", 0), ("ema", "weight average", 0),
                                    ("initSeed", "weight seed", 1)):
            v = s.get(key)
            if v is not None and v != default:
                settings += f", {label} {v}"
        sp = lambda c: f"{m[c]['recall']:.2f} / {m[c]['precision']:.2f}"  # noqa: E731
        print(f"| {d['name']} | {settings} | {d['bestEpoch']} | {m['macroF1']:.3f} | {sp('N')} | {m['L']['f1']:.2f} | "
              f"{m['R']['f1']:.2f} | {sp('A')} | {sp('V')} | {d['calibration']['pooled']['macroF1']:.3f} |")


def model_table(paths):
    print("| model | parameters | FLOPs / beat | protocol | accuracy | macro-F1 | N Se | L F1 | R F1 | A Se / PPV |"
          " V Se / PPV |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---|")
    for p in paths:
        with open(p) as f:
            meta = json.load(f)
        own = "interpatient" if meta["name"].endswith("-ds1") else "paper"
        m = meta["metrics"][own]
        pc = m["perClass"]
        sp = lambda c: f"{pc[c]['recall']:.3f} / {pc[c]['precision']:.3f}"  # noqa: E731
        print(f"| `{meta['name']}` | {meta['parameters']:,} | {meta['flops'] / 1e6:.2f} M | {own} | {m['accuracy']:.4f} | "
              f"{m['macroF1']:.4f} | {pc['N']['recall']:.3f} | {pc['L']['f1']:.3f} | {pc['R']['f1']:.3f} | {sp('A')} | "
              f"{sp('V')} |")


def ds2_table(paths):
    """av-eval --json results: the five classes and the AAMI classes the literature reports."""
    print("| evaluation | beats | accuracy | macro-F1 | N Se | L F1 | R F1 | A Se / PPV | V Se / PPV | SVEB Se / PPV |"
          " VEB Se / PPV | SVEB F1 | VEB F1 |")
    print("|---|---|---:|---:|---:|---:|---:|---|---|---|---|---:|---:|")
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        c, a = d["total"]["classes"], d["total"]["aami"]
        pc, pa = c["perClass"], a["perClass"]
        sp = lambda t, k: f"{100 * t[k]['se']:.1f} / {100 * t[k]['ppv']:.1f}"  # noqa: E731
        name = p.rsplit("/", 1)[-1].replace(".json", "")
        print(f"| {name} | {d['beatSource']} | {100 * c['accuracy']:.2f} | {100 * c['macroF1']:.2f} | "
              f"{100 * pc['N']['se']:.1f} | {100 * pc['L']['f1']:.1f} | {100 * pc['R']['f1']:.1f} | {sp(pc, 'A')} | "
              f"{sp(pc, 'V')} | {sp(pa, 'S')} | {sp(pa, 'V')} | {100 * pa['S']['f1']:.1f} | {100 * pa['V']['f1']:.1f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", nargs="*", default=[])
    ap.add_argument("--models", nargs="*", default=[])
    ap.add_argument("--ds2", nargs="*", default=[], help="av-eval --json results (experiments/ds2/*.json)")
    args = ap.parse_args()
    if args.cv:
        cv_table(args.cv)
    if args.models:
        model_table(args.models)
    if args.ds2:
        ds2_table(args.ds2)


if __name__ == "__main__":
    main()
