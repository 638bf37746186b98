// Explanations through the WASM build: SHAP efficiency against independent engine calls, KernelSHAP, the
// per-class (global) view, and the CLI's --explain.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer, CLASSES } from '../../src/js/index.js';
import { examples, read, root, runCli } from './helpers.mjs';

const av = await createAnalyzer({ model: 'v2' });
test.after(() => av.dispose());
const load = (name) => av.readWfdb({ hea: read(path.join(examples, `${name}.hea`)), dat: read(path.join(examples, `${name}.dat`)),
  atr: read(path.join(examples, `${name}.atr`)) });
const records = { 208: load('208'), 119: load('119') };
const results = Object.fromEntries(Object.entries(records).map(([k, rec]) => [k, av.analyze(rec)]));
const probOf = (window, c) => av.classifyWindows(window, 1)[c];

test('SHAP: segment values sum to f(beat) - f(baseline), both measured apart, within 1e-4 on many beats', () => {
  let worst = 0;
  let n = 0;
  for (const [name, rec] of Object.entries(records)) {
    const beats = results[name].beats;
    for (let k = 0; k < 5; k++) {
      const beat = beats[Math.floor(((k + 0.5) * beats.length) / 5)];
      for (const baseline of ['median-normal', 'background']) {
        const e = av.explain(rec, beat, { method: 'shap', segments: 12, baseline });
        assert.equal(e.estimator, 'exact');
        assert.equal(e.evaluations, 4096);
        assert.equal(e.label, beat.label, 'explains the predicted class by default');
        assert.ok(baseline === 'background' ? e.baseline === 'background' : ['median-normal', 'background'].includes(e.baseline));
        const fx = probOf(e.window, e.classIndex), fb = probOf(e.baselineWindow, e.classIndex);
        assert.ok(Math.abs(e.outputValue - fx) < 1e-6 && Math.abs(e.baseValue - fb) < 1e-6);
        assert.ok(Math.abs(fx - beat.probabilities[e.label]) < 1e-5, 'the window is the one analyze classified');
        const sum = e.segments.reduce((a, s) => a + s.value, 0);
        worst = Math.max(worst, Math.abs(sum - (fx - fb)));
        const spread = e.values.reduce((a, v) => a + v, 0);
        assert.ok(Math.abs(spread - sum) < 1e-4, 'values spread each segment over its samples');
        assert.equal(e.segments[0].start, 0);
        assert.equal(e.segments.at(-1).end, av.info.windowLength);
        n++;
      }
    }
  }
  assert.ok(n >= 20);
  assert.ok(worst < 1e-4, `largest efficiency error ${worst}`);
});

test('SHAP with more than 16 segments is KernelSHAP with a stated seed and sample count', () => {
  const beat = results[208].beats[40];
  const a = av.explain(records[208], beat, { method: 'shap', segments: 20, samples: 512, seed: 3 });
  const b = av.explain(records[208], beat, { method: 'shap', segments: 20, samples: 512, seed: 3 });
  assert.equal(a.estimator, 'kernel');
  assert.equal(a.samples, 512);
  assert.equal(a.seed, 3);
  assert.deepEqual(a.segments, b.segments);
  const sum = a.segments.reduce((s, x) => s + x.value, 0);
  assert.ok(Math.abs(sum - (a.outputValue - a.baseValue)) < 1e-6);
});

test('Grad-CAM: one map over the window, scaled to [0, 1], for any class asked', () => {
  const beat = results[119].beats[10];
  for (const label of CLASSES) {
    const e = av.explain(records[119], beat, { method: 'gradcam', label });
    assert.equal(e.label, label);
    assert.equal(e.classIndex, CLASSES.indexOf(label));
    assert.equal(e.values.length, av.info.windowLength);
    const max = Math.max(...e.values);
    assert.ok(e.values.every((v) => v >= 0 && v <= 1));
    assert.ok(max === 0 || Math.abs(max - 1) < 1e-6);
    assert.equal(e.layer, av.info.gradcamLayer);
  }
});

test('global: one profile per predicted class, over all its beats', () => {
  const g = av.explainGlobal(records[119], { maxShapBeats: 2 });
  const counts = results[119].summary.counts;
  assert.deepEqual(g.classes.map((c) => c.label), CLASSES.filter((c) => counts[c] > 0));
  for (const c of g.classes) {
    assert.equal(c.beats, counts[c.label]);
    assert.equal(c.averageBeat.length, av.info.windowLength);
    assert.ok(c.meanGradcam.every((v) => v >= 0 && v <= 1));
    assert.equal(c.shapBeats.length, Math.min(2, c.beats));
    assert.ok(c.meanAbsShap.every((v) => v >= 0));
  }
});

test('CLI --explain adds the chosen beats, all beats of a class, and the global view', async () => {
  const labels = results[119].beats.map((b) => b.label);
  const label = labels[labels.length - 1];
  const expected = new Set([0, ...labels.flatMap((l, i) => (l === label ? [i] : []))]);
  const { code, stdout, stderr } = await runCli(['analyze', path.join(examples, '119.hea'), '--model', 'v2',
    '--explain', `0,all-${label},global`, '--explain-method', 'gradcam'], { timeout: 120000 });
  assert.equal(code, 0, stderr);
  const out = JSON.parse(stdout);
  assert.deepEqual(out.explanations.map((e) => e.beat), [...expected].sort((a, b) => a - b));
  for (const e of out.explanations) {
    assert.equal(e.gradcam.values.length, 256);
    assert.equal(e.shap, undefined);
  }
  assert.ok(Array.isArray(out.globalExplanation.classes));
  const bad = await runCli(['analyze', path.join(examples, '119.hea'), '--explain', 'all-Q']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: usage: /);
});

test('Grad-CAM in WASM matches PyTorch (hooks + autograd) on the reference windows within 1e-4', async () => {
  for (const model of ['v1', 'v2']) {
    const a = await createAnalyzer({ model });
    const name = a.info.model;
    const ref = JSON.parse(fs.readFileSync(path.join(root, `models/reference/${name}.json`), 'utf8'));
    const cams = JSON.parse(fs.readFileSync(path.join(root, `models/reference/${name}.gradcam.json`), 'utf8'));
    let worst = 0;
    cams.values.forEach((expected, i) => {
      const e = a.explainWindow(Float32Array.from(ref.inputs[cams.window[i]]), { method: 'gradcam', classIndex: cams.classIndex[i] });
      expected.forEach((v, t) => { worst = Math.max(worst, Math.abs(e.values[t] - v)); });
    });
    assert.ok(cams.values.length >= 80);
    assert.ok(worst < 1e-4, `${name}: largest difference ${worst}`);
    const shap = a.explainWindow(Float32Array.from(ref.inputs[0]), { method: 'shap', segments: 8 });
    assert.equal(shap.baseline, 'background');
    assert.ok(Math.abs(shap.segments.reduce((s, x) => s + x.value, 0) - (shap.outputValue - shap.baseValue)) < 1e-4);
    assert.throws(() => a.explainWindow(new Float32Array(10)), { code: 'invalid_argument' });
    assert.throws(() => a.explainWindow(Float32Array.from(ref.inputs[0]), { method: 'shap', baseline: 'median-normal' }),
      { code: 'explain_no_baseline' });
    a.dispose();
  }
});
