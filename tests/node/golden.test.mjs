// The CLI JSON of records 100, 203 and 208 (detected and reference beats, single-beat V1) byte for byte against
// tests/golden (see its README), apart from the timing fields and the Holter fields added since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mitdb = process.env.AV_MITDB_DIR ?? path.join(root, '../shared/data/mitdb');
const run = promisify(execFile);
// Fields added after the golden was written (the Holter summary of issue 13, the signal quality and warnings
// of issue 12) are left out; the run keeps the model's own labels (--no-af-relabel). Every field the golden
// holds must match as it was, apart from the counts: beats in unusable signal are no longer counted.
const HOLTER_SUMMARY = ['ventricular', 'supraventricular', 'af', 'pauses', 'hrv', 'hourly'];
function withoutTiming(text) {
  const j = JSON.parse(text);
  for (const b of j.beats) { delete b.rhythm; delete b.noisy; }
  for (const key of HOLTER_SUMMARY) delete j.summary[key];
  delete j.summary.signalQuality;  // and the signal quality (issue 12)
  delete j.summary.ventricularFlutter;
  delete j.summary.intervals;  // the median beat's intervals (issue 15)
  delete j.warnings;
  delete j.summary.events?.svRuns;
  delete j.summary.heartRate?.minTimeSec;
  delete j.summary.heartRate?.maxTimeSec;
  return JSON.stringify({ ...j, timing: undefined });
}

for (const record of ['100', '203', '208']) {
  for (const beats of ['detect', 'reference']) {
    test(`CLI JSON of ${record} (${beats} beats, v1) equals the golden`, { skip: !fs.existsSync(path.join(mitdb, `${record}.hea`)) }, async () => {
      const { stdout } = await run(process.execPath, [path.join(root, 'src/js/cli.js'), 'analyze', path.join(mitdb, `${record}.hea`),
        '--model', 'v1', '--beats', beats, '--format', 'json', '--no-af-relabel'], { maxBuffer: 64 << 20 });
      const golden = zlib.gunzipSync(fs.readFileSync(path.join(root, 'tests/golden', `cli-${record}-${beats}-v1.json.gz`))).toString();
      const now = JSON.parse(stdout);
      const was = JSON.parse(golden);
      // Beats in unusable signal keep their place and labels in beats but leave the counts (and the
      // findings built on them); the counts must be the golden's minus exactly those beats.
      const noisy = now.beats.filter((b) => b.noisy);
      for (const c of Object.keys(was.summary.counts))
        assert.equal(now.summary.counts[c], was.summary.counts[c] - noisy.filter((b) => b.label === c).length, c);
      if (noisy.length) {
        for (const j of [now, was]) for (const key of ['counts', 'burden', 'events', 'heartRate']) delete j.summary[key];
      }
      assert.equal(withoutTiming(JSON.stringify(now)), withoutTiming(JSON.stringify(was)));
    });
  }
}
