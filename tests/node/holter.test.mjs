// The Holter summary recomputed independently from the result's own beats (HRV, pauses, hourly rows, the
// heart-rate times), and AF episodes by duration against MIT-BIH's (AFIB rhythm annotations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../src/js/index.js';
import { root, read } from './helpers.mjs';

const mitdb = process.env.AV_MITDB_DIR ?? path.join(root, '../shared/data/mitdb');
const have = (r) => fs.existsSync(path.join(mitdb, `${r}.hea`));
const av = await createAnalyzer();
const load = (r) => av.readWfdb({ hea: read(path.join(mitdb, `${r}.hea`)), dat: read(path.join(mitdb, `${r}.dat`)), atr: read(path.join(mitdb, `${r}.atr`)) });
const results = new Map();
const analyzed = (r) => {
  if (!results.has(r)) results.set(r, av.analyze(load(r)));
  return results.get(r);
};

const sd = (v) => {
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
};
// NN beats: labelled N, L or R and not in unusable signal.
const normal = (b) => !b.noisy && (b.label === 'N' || b.label === 'L' || b.label === 'R');

for (const r of ['100', '203', '232']) {
  test(`record ${r}: SDNN, RMSSD, pauses and hourly counts recomputed from the beats`, { skip: !have(r) }, () => {
    const res = analyzed(r);
    const fs_ = res.sampleRate;
    const b = res.beats;
    const nn = [];
    const diffs = [];
    for (let i = 1; i < b.length; i++) {
      if (!normal(b[i - 1]) || !normal(b[i])) continue;
      const ms = (1000 * (b[i].sample - b[i - 1].sample)) / fs_;
      if (i >= 2 && normal(b[i - 2])) diffs.push(ms - (1000 * (b[i - 1].sample - b[i - 2].sample)) / fs_);
      nn.push(ms);
    }
    const h = res.summary.hrv;
    assert.equal(h.nnCount, nn.length);
    assert.ok(Math.abs(h.sdnnMs - sd(nn)) <= 0.02 * sd(nn), `SDNN ${h.sdnnMs} vs ${sd(nn)}`);
    const rmssd = Math.sqrt(diffs.reduce((a, x) => a + x * x, 0) / diffs.length);
    assert.ok(Math.abs(h.rmssdMs - rmssd) <= 0.02 * rmssd, `RMSSD ${h.rmssdMs} vs ${rmssd}`);

    // Pauses: RR ≥ 2 s between two usable beats with no unusable stretch in between.
    const unusable = res.summary.signalQuality.unusable.map((u) => [u.startSec * fs_, u.endSec * fs_]);
    let pauses = 0;
    for (let i = 1; i < b.length; i++) {
      if (b[i].noisy || b[i - 1].noisy) continue;
      if (unusable.some(([a, e]) => a < b[i].sample && e > b[i - 1].sample)) continue;
      pauses += (b[i].sample - b[i - 1].sample) / fs_ >= 2.0;
    }
    assert.equal(res.summary.pauses.length, pauses);

    const hours = Math.ceil(res.durationSec / 3600);
    assert.equal(res.summary.hourly.length, hours);
    for (let k = 0; k < hours; k++) {
      const inHour = b.filter((x) => x.sample >= k * 3600 * fs_ && x.sample < (k + 1) * 3600 * fs_).length;
      assert.equal(res.summary.hourly[k].beats, inHour);
    }
    const hr = res.summary.heartRate;
    assert.ok(hr.minTimeSec >= 0 && hr.minTimeSec <= res.durationSec);
    assert.ok(hr.maxTimeSec >= 0 && hr.maxTimeSec <= res.durationSec);
  });
}

test('record 232 has more than 100 pauses; those of 3 s and more are flagged', { skip: !have('232') }, () => {
  const res = analyzed('232');
  assert.ok(res.summary.pauses.length > 100);
  for (const p of res.summary.pauses) assert.equal(!!p.flagged, p.durationSec >= 3);
  // A longer threshold keeps exactly the longer pauses.
  const long = av.analyze(load('232'), { pauseSec: 3 });
  assert.equal(long.summary.pauses.length, res.summary.pauses.filter((p) => p.flagged).length);
});

// (AFIB stretches from the .atr rhythm changes (symbol '+', aux '(AFIB'); (AFL stretches count neither way.
function annotatedAf(rec, length) {
  const spans = { '(AFIB': [], '(AFL': [] };
  let current = null;
  let start = 0;
  for (const a of rec.annotations) {
    if (a.symbol !== '+' || !a.aux?.startsWith('(')) continue;
    if (spans[current]) spans[current].push([start, a.sample]);
    current = a.aux;
    start = a.sample;
  }
  if (spans[current]) spans[current].push([start, length]);
  return spans;
}
const overlap = (spans, a, b) => spans.reduce((t, [x, y]) => t + Math.max(0, Math.min(y, b) - Math.max(x, a)), 0);

for (const r of ['201', '210', '221']) {
  test(`record ${r}: AF episodes cover its (AFIB annotations by duration`, { skip: !have(r) }, () => {
    const rec = load(r);
    const res = analyzed(r);
    const spans = annotatedAf(rec, rec.length);
    const fs_ = res.sampleRate;
    let found = 0;
    let both = 0;
    for (const e of res.summary.af.episodes) {
      const [a, b] = [Math.round(e.startSec * fs_), Math.round(e.endSec * fs_)];
      found += b - a - overlap(spans['(AFL'], a, b);
      both += overlap(spans['(AFIB'], a, b);
    }
    const truth = spans['(AFIB'].reduce((t, [a, b]) => t + b - a, 0);
    assert.ok(truth > 0);
    assert.ok(both / truth >= 0.85, `Se ${both / truth}`);
    // Beats inside an episode carry rhythm 'AF', and none of them is labelled A.
    const inAf = res.beats.filter((x) => x.rhythm === 'AF');
    assert.ok(inAf.length > 0);
    assert.equal(inAf.filter((x) => x.label === 'A').length, 0);
    assert.equal(res.beats.filter((x) => x.modelLabel === 'A').length, res.summary.af.relabelledA);
  });
}
