"""Tables of the context models for models/README.md: the leave-records-out CV inside DS1 (one row per
configuration tried) and the metrics of the exported context models (paper protocol and DS2).

  python3 models/training/report_ctx.py --cv models/training/experiments/cv/*.json
  python3 models/training/report_ctx.py --models models/arrhythminet-v1-ctx.json ...
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
        s, m = d["settings"], d["pooledBest"]
        settings = (f"{s['model']}, {s['channels']} ch, {len(s['features'])} features, leads {s['leads']}, "
                    f"dropout {s.get('dropout', 0)}, wd {s['weightDecay']}, balance {s['balance']}")
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", nargs="*", default=[])
    ap.add_argument("--models", nargs="*", default=[])
    args = ap.parse_args()
    if args.cv:
        cv_table(args.cv)
    if args.models:
        model_table(args.models)


if __name__ == "__main__":
    main()
