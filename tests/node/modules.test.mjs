// The two WebAssembly modules (src/js/modules.js): the core, which a page downloads first, and the formats module
// (CSV, EDF/BDF, ISHNE, HL7 aECG readers, .atr writing), which an 'on-demand' analyzer and the worker load only when
// a file needs it. A record read there crosses to the core as a blob: it must be the record an eager analyzer reads.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer, FORMATS_MODULE_READS } from '../../src/js/index.js';
import { createWorkerAnalyzer, serveAnalyzer } from '../../src/js/worker.js';
import { examples, read, root } from './helpers.mjs';
import { makeIshne } from './formats-more.mjs';

const shared = path.join(root, '..', 'shared', 'data');
const edf = read(path.join(shared, 'pyedflib-samples', 'test_generator.edf'));
const aecg = read(path.join(shared, 'ecg-formats', 'hl7-aecg', 'fda-Example_aECG.xml'));
const csv = new TextEncoder().encode('time,ecg\n0,0.1\n0.004,0.2\n0.008,-0.1\n0.012,0.3\n');
const wfdb = { hea: read(path.join(examples, '100.hea')), dat: read(path.join(examples, '100.dat')) };

const eager = await createAnalyzer({ model: null });
test.after(() => eager.dispose());

function sameRecord(a, b) {
  assert.equal(a.name, b.name);
  assert.equal(a.sampleRate, b.sampleRate);
  assert.equal(a.length, b.length);
  assert.deepEqual(a.metadata, b.metadata);
  assert.deepEqual(a.annotations, b.annotations);
  assert.deepEqual(a.leads.map(({ name, units, sampleRate }) => ({ name, units, sampleRate })),
    b.leads.map(({ name, units, sampleRate }) => ({ name, units, sampleRate })));
  for (let i = 0; i < a.leads.length; i++) assert.deepEqual(a.samples(i), b.samples(i));
}

test('an on-demand analyzer reads WFDB alone and names the formats module for the rest until it is loaded', async () => {
  const av = await createAnalyzer({ model: null, formats: 'on-demand' });
  assert.equal(eager.formatsLoaded, true);
  assert.equal(av.formatsLoaded, false);
  sameRecord(av.readWfdb(wfdb), eager.readWfdb(wfdb));
  sameRecord(av.read(wfdb.hea, '100.hea', { files: { '100.dat': wfdb.dat } }), eager.read(wfdb.hea, '100.hea', { files: { '100.dat': wfdb.dat } }));
  for (const attempt of [() => av.read(edf, 'a.edf'), () => av.read(csv, 'a.csv'), () => av.read(aecg, 'ecg.xml'),
    () => av.readCsv(csv), () => av.readEdf(edf), () => av.writeAnnotations([{ sample: 1, symbol: 'N' }])])
    assert.throws(attempt, (e) => e.code === 'formats_not_loaded' && /loadFormats/.test(e.message));
  // Files no reader takes keep their own codes without the module.
  assert.throws(() => av.read(new Uint8Array(300), 'x.bin'), { code: 'io_unknown_format' });
  assert.equal(await av.loadFormats(), av);
  assert.equal(av.formatsLoaded, true);
  sameRecord(av.read(edf, 'a.edf'), eager.read(edf, 'a.edf'));
  sameRecord(av.read(aecg, 'ecg.xml'), eager.read(aecg, 'ecg.xml'));
  sameRecord(av.readCsv(csv), eager.readCsv(csv));
  assert.deepEqual(av.writeAnnotations([{ sample: 1, symbol: 'N' }]), eager.writeAnnotations([{ sample: 1, symbol: 'N' }]));
  av.dispose();
  await assert.rejects(createAnalyzer({ model: null, formats: 'lazy' }), { code: 'invalid_option' });
});

test('a record through the formats module is the one its reader decodes: EDF samples against the file\'s digital values', () => {
  // test_generator.edf, signal 0: physical = (digital - dmin) * (pmax - pmin) / (dmax - dmin) + pmin, from its header.
  const rec = eager.read(edf, 'g.edf');
  const text = new TextDecoder('latin1').decode(edf.subarray(0, 256));
  const ns = Number(text.slice(252, 256));
  const field = (offset, width, i) => new TextDecoder('latin1').decode(edf.subarray(256 + offset * ns + width * i, 256 + offset * ns + width * (i + 1))).trim();
  const pmin = Number(field(104, 8, 0)), pmax = Number(field(112, 8, 0)), dmin = Number(field(120, 8, 0)), dmax = Number(field(128, 8, 0));
  const perRecord = Number(field(216, 8, 0));
  const dataStart = 256 + 256 * ns;
  const view = new DataView(edf.buffer, edf.byteOffset + dataStart);
  const x = rec.samples(0);
  const unit = rec.leads[0].units;
  const scale = unit === 'mV' && field(96, 8, 0) === 'uV' ? 1e-3 : 1;
  for (let i = 0; i < perRecord; i++) {
    const physical = ((view.getInt16(2 * i, true) - dmin) * (pmax - pmin)) / (dmax - dmin) + pmin;
    assert.ok(Math.abs(x[i] - physical * scale) <= 1e-6 * Math.max(1, Math.abs(physical * scale)), `sample ${i}: ${x[i]} vs ${physical * scale}`);
  }
});

test('an on-demand analyzer loads the formats module itself to stream an ISHNE file', async () => {
  const av = await createAnalyzer({ model: null, formats: 'on-demand' });
  const rec100 = eager.readWfdb(wfdb);
  const lead = Int16Array.from(rec100.samples(0).subarray(0, 360 * 60), (v) => Math.round(v * 200));
  const bytes = makeIshne([lead], { codes: [6] });
  const streamed = await av.analyzeStream({ ishne: bytes, name: 'h.ecg' }, { chunkSeconds: 20 });
  assert.equal(av.formatsLoaded, true);
  assert.deepEqual(streamed.beats.map((b) => b.sample), eager.analyze(eager.read(bytes, 'h.ecg')).beats.map((b) => b.sample));
  av.dispose();
});

test('the worker starts on demand and loads the formats module when a file needs it', async () => {
  const { port1, port2 } = new MessageChannel();
  serveAnalyzer(port2);
  const client = await createWorkerAnalyzer({ model: null, worker: port1 });
  const viaWorker = await client.read(edf, 'a.edf');
  const direct = eager.read(edf, 'a.edf');
  assert.equal(viaWorker.length, direct.length);
  assert.deepEqual(await client.samples(viaWorker, 0), direct.samples(0));
  const files = await client.readFiles([{ name: 'ecg.xml', bytes: aecg }]);
  assert.equal(files.length, eager.read(aecg, 'ecg.xml').length);
  assert.deepEqual(await client.writeAnnotations([{ sample: 3, symbol: 'V' }]), eager.writeAnnotations([{ sample: 3, symbol: 'V' }]));
  client.dispose();
  port1.close();
});

test('FORMATS_MODULE_READS names what detectFormat says of the formats module\'s files', () => {
  assert.deepEqual([eager.detectFormat(csv, 'a.csv'), eager.detectFormat(edf, 'a.edf'), eager.detectFormat(aecg, 'e.xml'),
    eager.detectFormat(new TextEncoder().encode('ISHNE1.0'), 'h.ecg')].sort(), [...FORMATS_MODULE_READS].sort());
  assert.equal(eager.detectFormat(wfdb.hea, '100.hea'), 'wfdb');
});

test('the page payload: the core module (wasm + glue) is at most 400 KiB', () => {
  const bytes = ['wasm', 'mjs'].map((ext) => fs.statSync(path.join(root, `dist/arrhythmiavision-core.${ext}`)).size);
  const total = bytes[0] + bytes[1];
  assert.ok(total <= 400 * 1024, `core wasm ${bytes[0]} B + glue ${bytes[1]} B = ${total} B > 409600 B`);
});
