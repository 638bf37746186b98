// The Web Worker helper's protocol, with the two ends joined by a MessageChannel instead of a real Worker:
// same client and host code, same structured cloning and transfers.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createWorkerAnalyzer, serveAnalyzer } from '../../src/js/worker.js';
import { createAnalyzer, ArrhythmiaVisionError } from '../../src/js/index.js';
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
