// The JS API with the shipped model: info, labelled results, progress, classifyWindows and explain.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createAnalyzer, ArrhythmiaVisionError, CLASSES } from '../../src/js/index.js';
import { examples, read } from './helpers.mjs';

const av = await createAnalyzer({ model: 'v1' });
test.after(() => av.dispose());
const rec = av.readWfdb({ hea: read(path.join(examples, '119.hea')), dat: read(path.join(examples, '119.dat')), atr: read(path.join(examples, '119.atr')) });

test('info describes the loaded model', () => {
  assert.equal(av.info.model, 'arrhythminet-v1');
  assert.deepEqual(av.info.classes, CLASSES);
  assert.equal(av.info.sampleRate, 360);
  assert.equal(av.info.windowLength, 256);
  assert.ok(av.info.parameters > 70000);
  assert.equal(typeof av.info.backend, 'string');
});

test('analyze labels every beat, reports progress, and counts add up', () => {
  const progress = [];
  const r = av.analyze(rec, { lead: 'MLII', onProgress: (f, stage) => progress.push([f, stage]) });
  assert.equal(r.model.name, 'arrhythminet-v1');
  assert.ok(r.beats.length > 1900);
  for (const b of r.beats) {
    assert.ok(CLASSES.includes(b.label));
    const p = Object.values(b.probabilities);
    assert.ok(Math.abs(p.reduce((a, x) => a + x, 0) - 1) < 1e-4);
    assert.equal(b.label, CLASSES[p.indexOf(Math.max(...p))]);
  }
  assert.equal(Object.values(r.summary.counts).reduce((a, x) => a + x, 0), r.beats.length);
  assert.ok(progress.length >= 3);
  assert.deepEqual(progress.at(-1), [1, 'done']);
  assert.ok(progress.every(([f], i) => i === 0 || f >= progress[i - 1][0]), 'progress never goes back');
});

test('onProgress can stop an analysis, and its own errors come back unchanged', () => {
  assert.throws(() => av.analyze(rec, { onProgress: (f) => f < 0.5 }), (e) => e instanceof ArrhythmiaVisionError && e.code === 'cancelled');
  const mine = new Error('mine');
  assert.throws(() => av.analyze(rec, { onProgress: () => { throw mine; } }), (e) => e === mine);
  // The analyzer stays usable afterwards.
  assert.ok(av.analyze(rec).beats.length > 1900);
});

test('classifyWindows gives n × 5 probabilities and checks its input', () => {
  const n = 3;
  const windows = new Float32Array(n * av.info.windowLength).map((_, i) => Math.sin(i / 7));
  const p = av.classifyWindows(windows, n);
  assert.equal(p.length, n * 5);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(p.subarray(i * 5, i * 5 + 5).reduce((a, x) => a + x, 0) - 1) < 1e-4);
  assert.throws(() => av.classifyWindows(new Float32Array(10), 1), { code: 'invalid_argument' });
  assert.throws(() => av.classifyWindows([1, 2, 3], 1), { code: 'invalid_argument' });
});

test('explain: Grad-CAM over the window in [0, 1], SHAP segments summing to f(x) - f(baseline)', () => {
  const r = av.analyze(rec);
  const beat = r.beats[100];
  const cam = av.explain(rec, beat, { method: 'gradcam' });
  assert.equal(cam.method, 'gradcam');
  assert.equal(cam.label, beat.label);
  assert.ok(cam.values instanceof Float32Array);
  assert.equal(cam.values.length, av.info.windowLength);
  assert.ok(cam.values.every((v) => v >= 0 && v <= 1));
  // The window the values are aligned with: z-scored, R peak at windowBefore.
  assert.ok(cam.window instanceof Float32Array && cam.window.length === av.info.windowLength);
  const mean = cam.window.reduce((a, x) => a + x, 0) / cam.window.length;
  assert.ok(Math.abs(mean) < 1e-3);
  const shap = av.explain(rec, beat, { method: 'shap', segments: 12 });
  assert.equal(shap.segments.length, 12);
  const sum = shap.segments.reduce((a, s) => a + s.value, 0);
  assert.ok(Math.abs(sum - (shap.outputValue - shap.baseValue)) < 1e-4);
  assert.equal(typeof shap.baseline, 'string');
  assert.throws(() => av.explain(rec, { sample: 'x' }), { code: 'invalid_argument' });
  assert.throws(() => av.explain(rec, beat, { method: 'lime' }), (e) => e instanceof ArrhythmiaVisionError && /option/.test(e.code));
});

test('without a model: no labels, and model-only calls say so', async () => {
  const bare = await createAnalyzer({ model: null });
  assert.equal(bare.info.model, null);
  const x = bare.fromSamples(new Float32Array(3600), { sampleRate: 360 });
  assert.throws(() => bare.classifyWindows(new Float32Array(256), 1), { code: 'model_not_loaded' });
  assert.throws(() => bare.explain(x, { sample: 10 }), { code: 'model_not_loaded' });
  bare.dispose();
  assert.throws(() => bare.analyze(x), { code: 'disposed' });
  await assert.rejects(createAnalyzer({ model: 'v9' }), { code: 'model_not_found' });
  await assert.rejects(createAnalyzer({ model: { json: '{}', weights: new Uint8Array(4) } }), { code: 'model_invalid' });
});
