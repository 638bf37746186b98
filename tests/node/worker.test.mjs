// The Web Worker helper's protocol, with the two ends joined by a MessageChannel instead of a real Worker:
// same client and host code, same structured cloning and transfers.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createWorkerAnalyzer, serveAnalyzer } from '../../src/js/worker.js';
import { createAnalyzer, ArrhythmiaVisionError } from '../../src/js/index.js';
import { minMaxPyramid } from '../../src/js/signal.js';
import { examples, read } from './helpers.mjs';

test('a record read and analysed through the worker protocol matches the direct API', async () => {
  const { port1, port2 } = new MessageChannel();
  serveAnalyzer(port2);
  const client = await createWorkerAnalyzer({ model: null, worker: port1 });
  assert.equal(client.info.classes.length, 5);
  const input = { hea: read(path.join(examples, '100.hea')), dat: read(path.join(examples, '100.dat')), atr: read(path.join(examples, '100.atr')) };
  const rec = await client.readWfdb(input);
  assert.equal(rec.name, '100');
  assert.deepEqual(rec.leads.map((l) => l.name), ['MLII', 'V5']);
  assert.equal(rec.annotations.length, 2274);

  const progress = [];
  const result = await client.analyze(rec, { beats: 'reference', onProgress: (f) => progress.push(f) });
  assert.equal(result.summary.beatCount, 2273);
  assert.ok(progress.length >= 2 && progress.at(-1) === 1, `progress ${progress}`);

  const direct = await createAnalyzer({ model: null });
  const same = direct.readWfdb(input);
  const samples = await client.samples(rec, 'V5');
  assert.ok(samples instanceof Float32Array);
  assert.deepEqual(samples, same.samples('V5'));
  assert.deepEqual(result.beats, direct.analyze(same, { beats: 'reference' }).beats);
  direct.dispose();

  await assert.rejects(client.analyze(rec, { lead: 'V9' }), (e) => e instanceof ArrhythmiaVisionError && e.code === 'lead_not_found');
  await assert.rejects(client.readWfdb({ hea: '' }), { code: 'wfdb_header_invalid' });
  await client.disposeRecord(rec);
  await assert.rejects(client.analyze(rec), { code: 'invalid_argument' });
  client.dispose();
  await assert.rejects(client.readCsv('1\n'), { code: 'disposed' });
  port1.close();
});

test('chartSignal gives the lead with its pyramid, defaultLead names the lead analyze() takes', async () => {
  const { port1, port2 } = new MessageChannel();
  serveAnalyzer(port2);
  const client = await createWorkerAnalyzer({ model: null, worker: port1 });
  const input = { hea: read(path.join(examples, '119.hea')), dat: read(path.join(examples, '119.dat')) };
  const rec = await client.readWfdb(input);
  const result = await client.analyze(rec);
  assert.equal(rec.defaultLead, result.leadIndex);
  assert.equal(rec.leads[rec.defaultLead].name, 'MLII');

  const direct = await createAnalyzer({ model: null });
  const v1 = direct.readWfdb(input).samples(1);
  const signal = await client.chartSignal(rec, 1);
  assert.equal(signal.sampleRate, 360);
  assert.deepEqual(signal.samples, v1);
  assert.deepEqual(signal.levels, minMaxPyramid(v1));
  assert.deepEqual((await client.chartSignal(rec)).samples, direct.readWfdb(input).samples(rec.defaultLead));
  direct.dispose();
  client.dispose();
  port1.close();
});

test('explanations and annotation bytes through the worker match the direct API', async () => {
  const { port1, port2 } = new MessageChannel();
  serveAnalyzer(port2);
  const client = await createWorkerAnalyzer({ model: 'v1', worker: port1 });
  const input = { hea: read(path.join(examples, '119.hea')), dat: read(path.join(examples, '119.dat')) };
  const rec = await client.readWfdb(input);
  const result = await client.analyze(rec);
  const direct = await createAnalyzer({ model: 'v1' });
  const same = direct.readWfdb(input);
  const expected = direct.analyze(same);
  assert.deepEqual(result.beats, expected.beats);

  const beat = result.beats.find((b) => b.label === 'V');
  assert.ok(beat, 'record 119 has V beats');
  const cam = await client.explain(rec, beat, { method: 'gradcam' });
  assert.ok(cam.values instanceof Float32Array);
  assert.deepEqual(cam.values, direct.explain(same, beat, { method: 'gradcam' }).values);
  const shap = await client.explain(rec, beat, { method: 'shap', segments: 8 });
  assert.deepEqual(shap.segments, direct.explain(same, beat, { method: 'shap', segments: 8 }).segments);

  const global = await client.explainGlobal(rec, { segments: 8, maxShapBeats: 4 });
  const globalDirect = direct.explainGlobal(same, { segments: 8, maxShapBeats: 4 });
  assert.deepEqual(global.classes.map((c) => [c.label, c.beats]), globalDirect.classes.map((c) => [c.label, c.beats]));
  assert.ok(global.classes[0].meanGradcam instanceof Float32Array);
  assert.deepEqual(global.classes[0].meanGradcam, globalDirect.classes[0].meanGradcam);

  const atr = await client.writeAnnotations(result);
  assert.ok(atr instanceof Uint8Array);
  assert.deepEqual(atr, Uint8Array.from(direct.writeAnnotations(expected)));
  direct.dispose();
  client.dispose();
  port1.close();
});

test('dispose() rejects the calls still pending with cancelled, later ones with disposed', async () => {
  const { port1, port2 } = new MessageChannel();
  serveAnalyzer(port2);
  const client = await createWorkerAnalyzer({ model: null, worker: port1 });
  const rec = await client.readWfdb({ hea: read(path.join(examples, '100.hea')), dat: read(path.join(examples, '100.dat')) });
  const pending = client.analyze(rec);
  client.dispose();
  await assert.rejects(pending, (e) => e instanceof ArrhythmiaVisionError && e.code === 'cancelled');
  await assert.rejects(client.analyze(rec), { code: 'disposed' });
  port1.close();
});

test('the raw protocol: arguments may be left out, unknown operations fail with a code', async () => {
  const { port1, port2 } = new MessageChannel();
  serveAnalyzer(port2);
  const replies = new Map();
  port1.addEventListener('message', (e) => { if (!e.data.progress) replies.get(e.data.id)?.(e.data); });
  port1.start();
  const send = (id, op, args) => new Promise((resolve) => { replies.set(id, resolve); port1.postMessage({ id, op, args }); });
  assert.equal((await send(1, 'create', [{ model: null }])).ok, true);
  const rec = (await send(2, 'readWfdb', [{ hea: read(path.join(examples, '100.hea')), dat: read(path.join(examples, '100.dat')) }])).value;
  // Without the lead argument: lead 0 for samples, the default lead for chartSignal.
  const samples = await send(3, 'samples', [rec.id]);
  assert.equal(samples.ok, true, samples.error?.message);
  assert.equal(samples.value.length, 650000);
  const signal = await send(4, 'chartSignal', [rec.id]);
  assert.equal(signal.ok, true, signal.error?.message);
  assert.deepEqual(signal.value.samples, samples.value);
  assert.deepEqual((await send(5, 'nope', [])).error.code, 'invalid_argument');
  assert.deepEqual((await send(6, 'samples', [99])).error.code, 'invalid_argument');
  port1.close();
});
