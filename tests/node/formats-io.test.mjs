// The readers of issue 14 through the WASM build: av.read / readFiles / recordFiles (one dispatch by content), the
// CLI on every format (Apple Watch CSV, ISHNE, BDF written here from MIT-BIH 100's samples; HL7 aECG, multi-segment
// and multi-frequency WFDB from the public conformance files), --annotator, streaming ISHNE, and malformed files of
// each new format ending in exit code 2 with one coded line.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../src/js/index.js';
import { examples, read, root, runCli, tempDir } from './helpers.mjs';
import { crc16, makeAppleWatchCsv, makeBdf, makeIshne, resampleLinear } from './formats-more.mjs';

const shared = path.join(root, '..', 'shared', 'data');
const samples = path.join(shared, 'wfdb-python-samples', 'sample-data');
const av = await createAnalyzer({ model: null });
test.after(() => av.dispose());

const rec100 = av.readWfdb({ hea: read(path.join(examples, '100.hea')), dat: read(path.join(examples, '100.dat')) });
const seconds = 120;
const mlii = rec100.leads[0].samples.subarray(0, 360 * seconds);
const v5 = rec100.leads[1].samples.subarray(0, 360 * seconds);
const dir = tempDir('av-formats-io-');

test('CRC-16/CCITT-FALSE of the writer: the standard check value', () => {
  assert.equal(crc16(new TextEncoder().encode('123456789')), 0x29b1);
});

test('an Apple Watch export (MIT-BIH 100 at 512 Hz in µV) reads as written, metadata included', () => {
  const at512 = resampleLinear(mlii, 360, 512);
  for (const decimalComma of [false, true]) {
    const rec = av.read(new TextEncoder().encode(makeAppleWatchCsv(at512, { decimalComma })), 'ECG export.csv');
    assert.equal(rec.sampleRate, 512);
    assert.equal(rec.length, at512.length);
    assert.equal(rec.leads[0].name, 'Lead I');
    assert.equal(rec.leads[0].units, 'mV');
    const x = rec.samples(0);
    let maxErr = 0;
    for (let i = 0; i < x.length; i++) maxErr = Math.max(maxErr, Math.abs(x[i] - Math.round(at512[i] * 1e6) / 1e6));
    assert.ok(maxErr < 1e-6, `max error ${maxErr} mV`);  // µV to mV, not 1000x
    const meta = Object.fromEntries(rec.metadata);
    assert.equal(meta.Classification, 'Sinus Rhythm');
    assert.equal(meta.Device, 'Watch6,1');
    assert.equal(meta['Recorded Date'], '2024-03-01 08:15:21 +0100');
    rec.dispose();
  }
});

test('ISHNE and BDF files written from MIT-BIH 100 decode to its samples; readFiles takes a dropped WFDB record', () => {
  const digital = (x) => Int16Array.from(x, (v) => Math.round(v * 200));  // 5000 nV per unit
  const ishne = av.read(makeIshne([digital(mlii), digital(v5)], { codes: [6, 15] }), 'holter.ecg');
  assert.equal(ishne.sampleRate, 360);
  assert.deepEqual(ishne.leads.map((l) => l.name), ['II', 'V5']);
  assert.equal(ishne.length, mlii.length);
  const bdf = av.read(makeBdf([mlii, v5], 360, ['MLII', 'V5']), 'holter.bdf');
  assert.deepEqual(bdf.leads.map((l) => l.name), ['MLII', 'V5']);
  for (const [rec, tol] of [[ishne, 1e-6], [bdf, 1e-6]]) {
    for (const [k, ref] of [[0, mlii], [1, v5]]) {
      const x = rec.samples(k);
      let maxErr = 0;
      for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(x[i] - ref[i]));
      assert.ok(maxErr < tol, `${rec.name} lead ${k}: ${maxErr}`);
    }
  }
  const dropped = av.readFiles(['100.atr', '100.dat', '100.hea'].map((name) => ({ name, bytes: read(path.join(examples, name)) })));
  assert.equal(dropped.name, '100');
  assert.equal(dropped.annotations.length, 2274);
  assert.equal(av.detectFormat(read(path.join(examples, '100.dat')), '100.dat'), 'wfdb-signal');
  assert.throws(() => av.readFiles([{ name: '100.dat', bytes: read(path.join(examples, '100.dat')) }]), { code: 'wfdb_missing_header' });
});

test('multi-segment records are read through recordFiles in rounds; multi-frequency leads keep their rates', () => {
  const folder = path.join(samples, 'multi-segment', 's25047');
  const hea = read(path.join(folder, 's25047-2704-05-04-10-44.hea'));
  const files = {};
  for (let round = 0; round < 3; round++)
    for (const name of av.recordFiles(hea, 's25047-2704-05-04-10-44.hea', { files }))
      if (!(name in files) && fs.existsSync(path.join(folder, name))) files[name] = read(path.join(folder, name));
  const rec = av.read(hea, 's25047-2704-05-04-10-44.hea', { files });
  assert.equal(rec.length, 543240);
  assert.equal(rec.leads.length, 3);
  assert.ok(rec.metadata.some(([k, v]) => k === 'Gap' && v.startsWith('0.000000 s')));
  const m = av.read(read(path.join(samples, '03700181.hea')), '03700181.hea', { files: { '03700181.dat': read(path.join(samples, '03700181.dat')) } });
  assert.equal(m.sampleRate, 500);
  assert.deepEqual(m.leads.map((l) => l.sampleRate), [500, 125, 125]);
  assert.equal(m.samples(1).length, 75000);
});

test('streaming an ISHNE file gives the beats of reading it whole', async () => {
  const digital = (x) => Int16Array.from(x, (v) => Math.round(v * 200));
  const bytes = makeIshne([digital(mlii), digital(v5)], { codes: [6, 15] });
  const whole = av.analyze(av.read(bytes, 'h.ecg'));
  const streamed = await av.analyzeStream({ ishne: bytes, name: 'h.ecg' }, { chunkSeconds: 30 });
  assert.equal(streamed.sampleRate, 360);
  assert.ok(whole.beats.length > 100);
  assert.deepEqual(streamed.beats.map((b) => b.sample), whole.beats.map((b) => b.sample));
  const multi = read(path.join(samples, 'multi-segment', 'fixed1', 'v102s.hea'));
  await assert.rejects(av.analyzeStream({ hea: multi, files: {} }), { code: 'wfdb_unsupported' });
});

test('the CLI analyses every format: Apple Watch CSV, ISHNE, BDF, HL7 aECG, multi-segment and multi-frequency WFDB', async () => {
  const at512 = resampleLinear(mlii, 360, 512);
  const digital = (x) => Int16Array.from(x, (v) => Math.round(v * 200));
  const inputs = {
    'apple.csv': makeAppleWatchCsv(at512),
    'holter.ecg': makeIshne([digital(mlii), digital(v5)], { codes: [6, 15] }),
    'holter.bdf': makeBdf([mlii, v5], 360, ['MLII', 'V5']),
  };
  for (const [name, content] of Object.entries(inputs)) fs.writeFileSync(path.join(dir, name), content);
  const runs = [
    [path.join(dir, 'apple.csv'), 512, 'Lead I'],
    [path.join(dir, 'holter.ecg'), 360, 'II'],
    [path.join(dir, 'holter.bdf'), 360, 'MLII'],
    [path.join(shared, 'ecg-formats', 'hl7-aecg', 'fda-subject1_0.xml'), 500, 'II'],
    [path.join(samples, 'multi-segment', 'fixed1', 'v102s.hea'), 250, 'II'],
    [path.join(samples, '03700181.hea'), 500, 'MCL1'],
  ];
  const beats = {};
  for (const [file, rate, lead] of runs) {
    const { code, stdout, stderr } = await runCli(['analyze', file, '--model', 'none', '--format', 'json'], { timeout: 120000 });
    assert.equal(code, 0, `${file}: ${stderr}`);
    const r = JSON.parse(stdout);
    assert.equal(r.sampleRate, rate, file);
    assert.equal(r.lead, lead, file);
    assert.ok(r.beats.length > 5, `${file}: ${r.beats.length} beats`);
    beats[path.basename(file)] = r.beats;
  }
  // The same two minutes of 100 in three formats: the same beats (the Apple copy at 512 Hz within a sample or two).
  const times = (name) => beats[name].map((b) => b.time);
  assert.deepEqual(times('holter.ecg'), times('holter.bdf'));
  assert.equal(times('apple.csv').length, times('holter.ecg').length);
  times('apple.csv').forEach((t, i) => assert.ok(Math.abs(t - times('holter.ecg')[i]) < 0.02, `beat ${i}`));
  // The metadata in the text summary.
  const text = await runCli(['analyze', path.join(dir, 'apple.csv'), '--model', 'none', '--format', 'text']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /file metadata:\n(.*\n)*  Classification: Sinus Rhythm\n/);
  assert.match(text.stdout, /  Device: Watch6,1\n/);
});

test('--annotator chooses the reference annotations', async () => {
  const hea = path.join(samples, '100.hea');
  const atr = JSON.parse((await runCli(['analyze', hea, '--model', 'none', '--beats', 'reference'])).stdout);
  const qrs = JSON.parse((await runCli(['analyze', hea, '--model', 'none', '--beats', 'reference', '--annotator', 'qrs'])).stdout);
  assert.equal(atr.beats.length, 2273);
  // 100.qrs is a detector's output: the same beats, at the detector's own sample positions.
  assert.equal(qrs.beats.length, 2273);
  assert.notDeepEqual(qrs.beats.map((b) => b.sample), atr.beats.map((b) => b.sample));
  const rec = av.readWfdb({ hea: read(hea), files: { '100.dat': read(path.join(samples, '100.dat')), '100.qrs': read(path.join(samples, '100.qrs')) }, annotator: 'qrs' });
  assert.equal(rec.annotations.filter((a) => a.code === 1).length, qrs.beats.length);
  const bad = await runCli(['analyze', hea, '--annotator', '../atr']);
  assert.equal(bad.code, 2);
});

// Malformed files of each new format: exit 2, one line `error: <code>: ...`, in bounded time.
const good = makeIshne([Int16Array.from({ length: 720 }, (_, i) => i)], {});
const badCrc = good.slice(); badCrc[300] ^= 1;
const absurdLeads = good.slice(); new DataView(absurdLeads.buffer).setInt16(156, 999, true);
new DataView(absurdLeads.buffer).setUint16(8, crc16(absurdLeads.subarray(10, 522 + 9)), true);
let bomb = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">';
for (let i = 1; i < 10; i++) bomb += `<!ENTITY a${i} "${`&a${i > 1 ? i - 1 : ''};`.repeat(10)}">`;
bomb += ']><AnnotatedECG>&a9;</AnnotatedECG>';
const bdf = makeBdf([mlii.subarray(0, 720)], 360, ['ECG']);
const malformed = {
  'ISHNE with a bad CRC': ['bad.ecg', badCrc, 'ishne_crc_mismatch'],
  'truncated ISHNE': ['cut.ecg', good.subarray(0, 400), 'ishne_truncated'],
  'ISHNE with 999 leads': ['leads.ecg', absurdLeads, 'ishne_header_invalid'],
  'aECG entity bomb': ['bomb.xml', bomb, 'aecg_dtd_refused'],
  'aECG nested 100000 deep': ['deep.xml', `<AnnotatedECG>${'<a>'.repeat(100000)}${'</a>'.repeat(100000)}</AnnotatedECG>`, 'aecg_too_deep'],
  'aECG without waveforms': ['empty.xml', read(path.join(shared, 'ecg-formats', 'hl7-aecg', 'fda-empty.xml')), 'aecg_no_waveform'],
  'truncated BDF': ['cut.bdf', bdf.subarray(0, bdf.length - 7), 'edf_truncated'],
  'annotation-only EDF+': ['ann.edf', read(path.join(samples, 'test_edfann.edf')), 'edf_no_signal'],
  'SCP-ECG': ['e.scp', read(path.join(shared, 'ecg-formats', 'scp', 'ecgtoolkit-Example.scp')), 'io_format_unsupported'],
  'Apple export with a bad rate line': ['w.csv', 'Sample Rate,fast\n1\n2\n', 'csv_metadata_invalid'],
  'binary of no known kind': ['x.bin', new Uint8Array([0, 1, 2, 3, 255]), 'io_unknown_format'],
};
for (const [name, [file, content, expected]] of Object.entries(malformed)) {
  test(`malformed input exits 2 with one coded line: ${name}`, async () => {
    const p = path.join(dir, file);
    fs.writeFileSync(p, content);
    const started = Date.now();
    const { code, stdout, stderr } = await runCli(['analyze', p, '--model', 'none'], { timeout: 30000 });
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    const lines = stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], new RegExp(`^error: ${expected}: .+`));
    assert.ok(Date.now() - started < 20000);
  });
}
