// The readers through Embind, against facts from the MIT-BIH files themselves.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createAnalyzer, ArrhythmiaVisionError } from '../../src/js/index.js';
import { examples, read } from './helpers.mjs';
import { makeCsv, makeEdf } from './formats.mjs';

const av = await createAnalyzer({ model: null });
test.after(() => av.dispose());

const record100 = () => av.readWfdb({
  hea: read(path.join(examples, '100.hea')),
  dat: read(path.join(examples, '100.dat')),
  atr: read(path.join(examples, '100.atr')),
});

// Format 212 by hand: two 12-bit samples in three bytes, (adc - 1024) / 200 mV for both signals of record 100.
function firstFrames212(bytes, frames) {
  const out = [];
  for (let i = 0; i < frames; i++) {
    const [b0, b1, b2] = bytes.subarray(3 * i, 3 * i + 3);
    const twelve = (v) => (v > 2047 ? v - 4096 : v);
    out.push([(twelve(b0 | ((b1 & 0x0f) << 8)) - 1024) / 200, (twelve(b2 | ((b1 & 0xf0) << 4)) - 1024) / 200]);
  }
  return out;
}

test('record 100: header facts and first samples in mV', () => {
  const rec = record100();
  assert.equal(rec.name, '100');
  assert.equal(rec.sampleRate, 360);
  assert.equal(rec.length, 650000);
  assert.deepEqual(rec.leads.map((l) => l.name), ['MLII', 'V5']);
  assert.equal(rec.leads[0].units, 'mV');
  // rdsamp -r mitdb/100 prints -0.145 -0.065 for the first eight frames, then -0.120 -0.080, -0.135 -0.080.
  const expected = firstFrames212(read(path.join(examples, '100.dat')), 10);
  assert.deepEqual(expected.slice(0, 2), [[-0.145, -0.065], [-0.145, -0.065]]);
  const mlii = rec.leads[0].samples;
  const v5 = rec.samples('V5');
  assert.equal(mlii.length, 650000);
  for (let i = 0; i < 10; i++) {
    assert.ok(Math.abs(mlii[i] - expected[i][0]) < 1e-6, `MLII[${i}] = ${mlii[i]}`);
    assert.ok(Math.abs(v5[i] - expected[i][1]) < 1e-6, `V5[${i}] = ${v5[i]}`);
  }
  rec.dispose();
});

test('record 100: reference annotations count 2273 beats (2239 N, 33 A, 1 V)', () => {
  const rec = record100();
  const beats = rec.annotations.filter((a) => ['N', 'L', 'R', 'A', 'V', 'a', 'J', 'S', 'F', 'e', 'j', 'E', '/', 'f', 'Q'].includes(a.symbol));
  const count = (s) => rec.annotations.filter((a) => a.symbol === s).length;
  assert.equal(beats.length, 2273);
  assert.equal(count('N'), 2239);
  assert.equal(count('A'), 33);
  assert.equal(count('V'), 1);
  assert.equal(rec.annotations[0].symbol, '+');  // the rhythm label opening the record
  assert.equal(rec.annotations[0].aux.replace(/\0/g, ''), '(N');
  rec.dispose();
});

test('reference beats on record 100 give 2273 beats at the annotation positions', () => {
  const rec = record100();
  const result = av.analyze(rec, { beats: 'reference' });
  assert.equal(result.beatSource, 'reference');
  assert.equal(result.summary.beatCount, 2273);
  assert.equal(result.beats.length, 2273);
  const refs = rec.annotations.filter((a) => a.symbol !== '+' && a.symbol !== '~' && a.symbol !== '|').map((a) => a.sample);
  assert.equal(result.beats[0].sample, refs[0]);
  assert.equal(result.beats[2272].sample, refs[2272]);
  rec.dispose();
});

test('annotations written by the core reproduce the MIT-BIH .atr files byte for byte', () => {
  for (const name of ['100', '208']) {
    const original = read(path.join(examples, `${name}.atr`));
    const rec = av.readWfdb({ hea: read(path.join(examples, `${name}.hea`)), dat: read(path.join(examples, `${name}.dat`)), atr: original });
    const bytes = av.writeAnnotations(rec.annotations);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.length, original.length);
    assert.ok(Buffer.from(bytes).equals(Buffer.from(original)), `${name}.atr differs`);
    rec.dispose();
  }
});

test('annotation lists with a bad field get invalid_annotations, naming the field', () => {
  const cases = [
    [[{ sample: 1.5, symbol: 'N' }], /integer sample/],
    [[{ sample: 10, symbol: 'no such symbol' }], /unknown code/],
    [[{ sample: 10, symbol: 'N', subtype: 'x' }], /subtype must be an integer/],
    [[{ sample: 10, symbol: 'N', aux: 5 }], /aux must be a string/],
  ];
  for (const [list, message] of cases) {
    assert.throws(() => av.writeAnnotations(list),
      (e) => e instanceof ArrhythmiaVisionError && e.code === 'invalid_annotations' && message.test(e.message), JSON.stringify(list));
  }
  // Every field, well formed, is accepted (the MIT-BIH round trip above checks what they write).
  assert.ok(av.writeAnnotations([{ sample: 5, symbol: 'N', subtype: 2, chan: 1, num: 3, aux: 'x' }]) instanceof Uint8Array);
});

test('fromSamples keeps the samples and checks the rate', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
  const rec = av.fromSamples(x, { sampleRate: 250, leads: ['II'] });
  assert.equal(rec.sampleRate, 250);
  assert.equal(rec.leads[0].name, 'II');
  assert.deepEqual(rec.samples(0), x);
  rec.dispose();
  for (const sampleRate of [0, -1, NaN, Infinity]) {
    assert.throws(() => av.fromSamples(x, { sampleRate }), (e) => e instanceof ArrhythmiaVisionError && e.code === 'invalid_sample_rate');
  }
  assert.throws(() => av.fromSamples(new Float32Array(0), { sampleRate: 360 }), { code: 'empty_signal' });
  assert.throws(() => av.fromSamples(Float32Array.of(1, NaN), { sampleRate: 360 }), { code: 'samples_not_finite' });
});

test('reader errors arrive as ArrhythmiaVisionError with the core code', () => {
  const dat = read(path.join(examples, '100.dat'));
  const cases = [
    [{ hea: '', dat }, 'wfdb_header_invalid'],
    [{ hea: '100 2 0 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n', dat }, 'wfdb_header_invalid'],
    [{ hea: '100 1 360 10\n../100.dat 212 200 11 1024 0 0 0 MLII\n', dat }, 'wfdb_file_name_invalid'],
    [{ hea: '100 1 360 10\nx\\100.dat 212 200 11 1024 0 0 0 MLII\n', dat }, 'wfdb_file_name_invalid'],
    [{ hea: read(path.join(examples, '100.hea')), dat: dat.subarray(0, 999) }, 'wfdb_signal_truncated'],
    [{ hea: read(path.join(examples, '100.hea')) }, 'wfdb_signal_missing'],
  ];
  for (const [input, code] of cases) {
    assert.throws(() => av.readWfdb(input), (e) => {
      assert.ok(e instanceof ArrhythmiaVisionError, `${code}: ${e}`);
      assert.equal(e.code, code, e.message);
      assert.ok(e.message.length > 0);
      return true;
    });
  }
});

test('analyze rejects a foreign record and unknown options with codes', () => {
  const rec = av.fromSamples(new Float32Array(3600), { sampleRate: 360 });
  assert.throws(() => av.analyze({}, {}), { code: 'invalid_argument' });
  assert.throws(() => av.analyze(rec, { beats: 'guess' }), { code: 'invalid_option' });
  assert.throws(() => av.analyze(rec, { lead: 'V9' }), { code: 'lead_not_found' });
  assert.throws(() => av.analyze(rec, { beats: 'reference' }), { code: 'no_reference_annotations' });
  rec.dispose();
  assert.throws(() => av.analyze(rec), { code: 'invalid_argument' });
});

test('EDF and CSV files written from record 100 read back to the same millivolts', () => {
  const rec = record100();
  const a = rec.samples(0).subarray(0, 3600);
  const b = rec.samples(1).subarray(0, 3600);
  const edf = av.readEdf(makeEdf([a, b], 360, { labels: ['MLII', 'V5'] }));
  assert.equal(edf.sampleRate, 360);
  assert.equal(edf.length, 3600);
  assert.deepEqual(edf.leads.map((l) => [l.name, l.units]), [['MLII', 'mV'], ['V5', 'mV']]);
  // Record 100 is quantised to 1/200 mV, which the EDF's digital range (1/200 mV per unit) holds exactly.
  assert.ok(edf.samples(0).every((x, i) => Math.abs(x - a[i]) < 1e-6));
  assert.ok(edf.samples('V5').every((x, i) => Math.abs(x - b[i]) < 1e-6));

  const csv = av.readCsv(makeCsv([a, b], 360, ['MLII', 'V5']));
  assert.ok(Math.abs(csv.sampleRate - 360) < 1e-3, `rate from the time column: ${csv.sampleRate}`);
  assert.deepEqual(csv.leads.map((l) => l.name), ['MLII', 'V5']);
  assert.ok(csv.samples(0).every((x, i) => Math.abs(x - a[i]) < 1e-6));

  const noTime = av.readCsv(Array.from(a, (x) => x.toFixed(3)).join('\n'), { sampleRate: 360 });
  assert.equal(noTime.sampleRate, 360);
  assert.equal(noTime.length, 3600);
  for (const r of [rec, edf, csv, noTime]) r.dispose();
});

test('CSV and EDF errors arrive with their codes', () => {
  assert.throws(() => av.readCsv('a,b\nc,d\n'), { code: 'csv_no_numbers' });
  assert.throws(() => av.readCsv(''), { code: 'csv_no_numbers' });
  assert.throws(() => av.readCsv('1\n2\n3\n'), { code: 'csv_no_sample_rate' });
  assert.throws(() => av.readEdf(new Uint8Array(0)), (e) => e instanceof ArrhythmiaVisionError && e.code.startsWith('edf_'));
  assert.throws(() => av.readEdf(new Uint8Array(300).fill(65)), (e) => e.code.startsWith('edf_'));
  const x = new Float32Array(720);
  assert.throws(() => av.readEdf(makeEdf([x], 360, { recordsField: '99999999' })), (e) => e.code.startsWith('edf_'));
});

test('an annotation file written at another time resolution is rescaled to the record rate, as natively', () => {
  // putann's layout: a NOTE at 0 with "## time resolution: 1000", a null annotation (SKIP -1, then type 0,
  // interval 1, which brings the time back to 0), then N 500 ticks of 1/1000 s later: sample 180 at 360 Hz.
  const note = [...'## time resolution: 1000'].map((c) => c.charCodeAt(0));
  const atr = new Uint8Array([0x00, 0x58, 0x18, 0xFC, ...note, 0x00, 0xEC, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00,
    0xF4, 0x05, 0x00, 0x00]);
  const rec = av.readWfdb({ hea: read(path.join(examples, '100.hea')), dat: read(path.join(examples, '100.dat')), atr });
  assert.deepEqual(rec.annotations.map((a) => [a.sample, a.symbol]), [[180, 'N']]);
  rec.dispose();
});
