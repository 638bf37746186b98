// The plausibility gate through the CLI and the JS API: files that are not ECGs (made here, and the test
// channels of pyedflib's test_generator.edf) give a warning and no arrhythmia findings; a noisy MIT-BIH
// record keeps its noisy beats in beats but leaves them out of the counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../src/js/index.js';
import { root, read, runCli, tempDir } from './helpers.mjs';

const shared = path.join(root, '../shared/data');
const edf = path.join(shared, 'pyedflib-samples/test_generator.edf');
const mitdb = process.env.AV_MITDB_DIR ?? path.join(shared, 'mitdb');

function noFindings(r) {
  const s = r.summary;
  assert.equal(s.signalQuality.usablePercent, 0);
  assert.deepEqual(Object.values(s.counts), [0, 0, 0, 0, 0]);
  assert.equal(s.pauses.length, 0);
  assert.equal(s.af.episodes.length, 0);
  for (const list of Object.values(s.events)) assert.equal(list.length, 0);
}

test('CSV files of a square wave, a sine, breathing and a flat line: a warning, no findings', async () => {
  const dir = tempDir();
  const fs_ = 250;
  const waves = {
    square: (t) => (t % 1 < 0.5 ? 1 : -1),
    sine: (t) => Math.sin(2 * Math.PI * 1.3 * t),
    breathing: (t) => 0.8 * Math.sin(2 * Math.PI * 0.25 * t) + 0.2 * Math.sin(2 * Math.PI * 0.5 * t + 1),
    flat: () => 0.05,
  };
  for (const [name, f] of Object.entries(waves)) {
    const lines = ['time,ECG'];
    for (let i = 0; i < 120 * fs_; i++) lines.push(`${(i / fs_).toFixed(4)},${f(i / fs_).toFixed(5)}`);
    const file = path.join(dir, `${name}.csv`);
    fs.writeFileSync(file, lines.join('\n'));
    const { code, stdout, stderr } = await runCli(['analyze', file]);
    assert.equal(code, 0, stderr);
    const r = JSON.parse(stdout);
    assert.ok(r.warnings.length >= 1, name);
    assert.match(r.warnings[0].code, /^(not_ecg_waveform|no_usable_signal|periodic_test_signal|implausible_heart_rate)$/, name);
    noFindings(r);
  }
});

test('every channel of pyedflib test_generator.edf is found not to be an ECG', { skip: !fs.existsSync(edf) }, async () => {
  const av = await createAnalyzer();
  const rec = av.readEdf(read(edf));
  assert.ok(rec.leads.length >= 10);
  for (let lead = 0; lead < rec.leads.length; lead++) {
    const r = av.analyze(rec, { lead });
    assert.ok(r.warnings.some((w) => w.code !== 'lead_unlike_training'), `${rec.leads[lead].name}: ${JSON.stringify(r.warnings)}`);
    noFindings(r);
  }
  av.dispose();
});

test('record 105: noisy stretches are flagged, their beats stay in beats and leave the counts', { skip: !fs.existsSync(path.join(mitdb, '105.hea')) }, async () => {
  const av = await createAnalyzer();
  const rec = av.readWfdb({ hea: read(path.join(mitdb, '105.hea')), dat: read(path.join(mitdb, '105.dat')) });
  const r = av.analyze(rec);
  const q = r.summary.signalQuality;
  assert.ok(q.unusable.length > 0 && q.usablePercent < 99);
  const noisy = r.beats.filter((b) => b.noisy);
  assert.equal(noisy.length, q.noisyBeats);
  assert.ok(noisy.length > 0);
  // Each noisy beat lies in an unusable stretch, and no other beat does.
  const inside = (b) => q.unusable.some((u) => b.time >= u.startSec && b.time < u.endSec);
  for (const b of r.beats) assert.equal(!!b.noisy, inside(b), `beat at ${b.time}`);
  const counted = Object.values(r.summary.counts).reduce((a, n) => a + n, 0);
  assert.equal(counted, r.beats.length - noisy.length);
  assert.equal(r.warnings.length, 0);
  av.dispose();
});
