#!/usr/bin/env bash
# The command-line interface (Node, on the WASM build). Run from anywhere; uses the bundled sample records.
set -euo pipefail
cd "$(dirname "$0")/../.."
cli="node src/js/cli.js"      # after `npm install arrhythmiavision`: npx arrhythmiavision

echo "== human-readable summary of record 100 =="
$cli analyze examples/data/100.hea --format text

echo "== JSON: the beat count and the first three beats (V2 model, lead V1) =="
$cli analyze examples/data/119.hea --model v2 --lead V1 --format json |
  node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.summary.beatCount, r.beats.slice(0, 3))'

echo "== classify at the reference beat positions of 208.atr (evaluates the classifier alone) =="
$cli analyze examples/data/208.hea --beats reference --format json |
  node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.summary.counts)'

echo "== bad input: exit code 2 and one line on stderr =="
printf 'not a header\n' > /tmp/av-bad.hea && : > /tmp/av-bad.dat
set +e
$cli analyze /tmp/av-bad.hea --format json
echo "exit code $?"
