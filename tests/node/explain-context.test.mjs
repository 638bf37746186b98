// Context models through the WASM build: SHAP's context players (efficiency with the segments, the baseline's
// context, JSON fields), the negligible flag, and result.model.inTrainingData. The context model is the
// untrained fixture tests/fixtures/context-model/ (its metadata given an explain.backgroundContext here).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../src/js/index.js';
import { examples, read, root } from './helpers.mjs';

const fixture = path.join(root, 'tests/fixtures/context-model');
const meta = JSON.parse(fs.readFileSync(path.join(fixture, 'arrhythminet-v2-ctx.json'), 'utf8'));
const typical = Array.from({ length: meta.input.context.features }, (_, k) => 0.125 * (k + 1));
meta.explain.backgroundContext = typical;
const ctx = await createAnalyzer({ model: { json: JSON.stringify(meta), weights: read(path.join(fixture, 'arrhythminet-v2-ctx.bin')) } });
const v2 = await createAnalyzer({ model: 'v2' });
const v2ds1 = await createAnalyzer({ model: 'v2-ds1' });
test.after(() => [ctx, v2, v2ds1].forEach((av) => av.dispose()));
const files = (name) => ({ hea: read(path.join(examples, `${name}.hea`)), dat: read(path.join(examples, `${name}.dat`)) });
const sum = (list) => list.reduce((a, x) => a + x.value, 0);

test('context model SHAP: segments plus context players sum to outputValue - baseValue', () => {
  const rec = ctx.readWfdb(files('208'));
  const result = ctx.analyze(rec);
  for (const k of [40, 1200]) {
    const beat = result.beats[k];
    const e = ctx.explain(rec, beat, { method: 'shap', segments: 12, baseline: 'background' });
    assert.equal(e.estimator, 'exact');
    assert.equal(e.evaluations, 2 ** 16);
    assert.deepEqual(e.contextPlayers.map((p) => p.name), ['rhythm (RR)', 'template match', 'QRS width', 'amplitude']);
    assert.deepEqual(e.contextPlayers.flatMap((p) => p.features).sort(), [...meta.input.context.names].sort());
    const rhythm = e.contextPlayers[0];
    const i = meta.input.context.names.indexOf(rhythm.features[0]);
    assert.equal(rhythm.beatValues[0], e.context[i]);
    assert.ok(Math.abs(rhythm.baselineValues[0] - typical[i]) < 1e-6, 'background: explain.backgroundContext');
    assert.ok(Math.abs(sum(e.segments) + sum(e.contextPlayers) - (e.outputValue - e.baseValue)) < 1e-9);
    assert.ok(Math.abs(e.outputValue - beat.probabilities[e.label]) < 1e-5);
    assert.equal('negligible' in e, Math.abs(e.outputValue - e.baseValue) < 1e-3);
  }
  const g = ctx.explainGlobal(rec, { maxShapBeats: 1 });
  assert.equal(g.contextPlayers.length, 4);
  for (const c of g.classes) assert.equal(c.meanAbsShapContextPlayers.length, 4);
  assert.throws(() => ctx.explainGlobal(rec, { segments: 14 }), { code: 'explain_invalid_option' });
  rec.dispose();
});

test('single-beat model SHAP: no context players; a beat scoring like its baseline is negligible', () => {
  const rec = v2.readWfdb(files('119'));
  const result = v2.analyze(rec);
  let negligible = 0;
  for (const beat of result.beats.filter((b) => b.label === 'N').slice(0, 12)) {
    const e = v2.explain(rec, beat, { method: 'shap', segments: 8 });
    assert.equal(e.contextPlayers, undefined);
    assert.equal(e.negligible === true, Math.abs(e.outputValue - e.baseValue) < 1e-3);
    if (e.negligible) negligible++;
  }
  assert.ok(negligible > 0, 'confident N beats against the median N beat');
  rec.dispose();
});

test('result.model.inTrainingData: the record name and the MIT-BIH header shape', async () => {
  const check = (av, name, expected) => {
    const rec = av.readWfdb(files(name));
    assert.equal(av.analyze(rec).model.inTrainingData, expected, `${av.info.model} ${name}`);
    rec.dispose();
  };
  check(v2, '208', true);       // paper protocol: beats of all 48 records in training
  check(v2ds1, '208', true);    // DS1
  check(v2ds1, '100', false);   // DS2 (test)
  check(v2ds1, '119', false);   // validation record, not a training one
  check(ctx, '208', false);     // the fixture lists no training records
  assert.equal((await v2ds1.analyzeStream(files('208'))).model.inTrainingData, true);
  // A file named 208 that is not MIT-BIH 208 (other length), and the same samples under another name.
  const rec = v2ds1.readWfdb(files('208'));
  const samples = rec.samples(0);
  rec.dispose();
  const short = v2ds1.fromSamples(samples.subarray(0, 360 * 60), { sampleRate: 360, name: '208' });
  assert.equal(v2ds1.analyze(short).model.inTrainingData, false);
  const whole = v2ds1.fromSamples(samples, { sampleRate: 360, name: '208' });
  assert.equal(v2ds1.analyze(whole).model.inTrainingData, true);
  assert.equal(v2ds1.analyze(v2ds1.fromSamples(samples, { sampleRate: 360, name: 'mine' })).model.inTrainingData, false);
});
