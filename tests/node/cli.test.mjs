// The CLI of DESIGN 2.1 on the WASM build: JSON shape, text summary, reference beats, and exit code 2 with one
// coded stderr line for malformed inputs (in bounded time: every run has a timeout).
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { examples, runCli, tempDir } from './helpers.mjs';
import { makeCsv, makeEdf } from './formats.mjs';

const CLASSES = ['N', 'L', 'R', 'A', 'V'];
const hea100 = fs.readFileSync(path.join(examples, '100.hea'), 'latin1');
const dat100 = fs.readFileSync(path.join(examples, '100.dat'));

test('analyze 100.hea --format json prints one DESIGN 2.1 document with detected beats', async () => {
  const { code, stdout, stderr } = await runCli(['analyze', path.join(examples, '100.hea'), '--format', 'json']);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  const r = JSON.parse(stdout);
  assert.equal(r.record, '100');
  assert.equal(r.sampleRate, 360);
  assert.equal(r.lead, 'MLII');
  assert.ok(Math.abs(r.durationSec - 650000 / 360) < 0.01);
  assert.equal(r.beatSource, 'detect');
  // Detected beats: record 100 has 2273 reference beats; a working detector lands within a few of them.
  assert.ok(Math.abs(r.beats.length - 2273) <= 10, `detected ${r.beats.length}`);
  assert.equal(r.summary.beatCount, r.beats.length);
  for (let i = 0; i < r.beats.length; i++) {
    const b = r.beats[i];
    assert.ok(Number.isInteger(b.sample) && b.sample >= 0 && b.sample < 650000);
    assert.ok(Math.abs(b.time - b.sample / 360) <= 0.0005);
    if (i > 0) assert.ok(b.sample > r.beats[i - 1].sample, 'beats in time order');
  }
  assert.deepEqual(Object.keys(r.summary.counts), CLASSES);
  const hr = r.summary.heartRate;
  // 2273 beats in 1805.56 s is 75.5 bpm.
  assert.ok(Math.abs(hr.meanBpm - 75.5) < 1, `mean ${hr.meanBpm}`);
  assert.ok(hr.minBpm <= hr.meanBpm && hr.meanBpm <= hr.maxBpm);
  for (const key of ['readMs', 'detectMs', 'classifyMs', 'totalMs']) assert.equal(typeof r.timing[key], 'number');
  if (r.model) {
    assert.equal(typeof r.model.name, 'string');
    assert.ok(r.model.parameters > 0);
    const labels = r.beats.map((b) => b.label);
    assert.ok(labels.every((l) => CLASSES.includes(l)));
    const sum = Object.values(r.beats[0].probabilities).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-3);
    assert.equal(Object.values(r.summary.counts).reduce((a, b) => a + b, 0), r.beats.length);
  } else {
    assert.ok(r.beats.every((b) => b.label === undefined));
  }
});

test('--beats reference classifies at the 2273 annotated beats of record 100', async () => {
  const { code, stdout, stderr } = await runCli(['analyze', path.join(examples, '100.hea'), '--beats', 'reference', '--lead', 'V5']);
  assert.equal(code, 0, stderr);
  const r = JSON.parse(stdout);
  assert.equal(r.beatSource, 'reference');
  assert.equal(r.lead, 'V5');
  assert.equal(r.summary.beatCount, 2273);
  assert.equal(r.beats[0].sample, 77);  // the first N of 100.atr
});

test('with the shipped V1, the reference beats of record 100 get the annotated classes (2239 N, 33 A, 1 V)', async () => {
  const { code, stdout, stderr } = await runCli(['analyze', path.join(examples, '100.hea'), '--beats', 'reference', '--model', 'v1']);
  assert.equal(code, 0, stderr);
  const r = JSON.parse(stdout);
  assert.equal(r.model.name, 'arrhythminet-v1');
  const { N, L, R, A, V } = r.summary.counts;
  assert.ok(Math.abs(N - 2239) <= 10 && Math.abs(A - 33) <= 8 && V >= 1 && L + R <= 5, JSON.stringify(r.summary.counts));
  assert.ok(Math.abs(r.summary.burden.A - (100 * A) / 2273) < 0.01);
});

test('the default model is the context model; on the reference beats of record 100 it gives the annotated classes', async () => {
  const { code, stdout, stderr } = await runCli(['analyze', path.join(examples, '100.hea'), '--beats', 'reference']);
  assert.equal(code, 0, stderr);
  const r = JSON.parse(stdout);
  assert.equal(r.model.name, 'arrhythminet-v1-ctx');
  const { N, L, R, A, V } = r.summary.counts;
  assert.ok(Math.abs(N - 2239) <= 10 && Math.abs(A - 33) <= 8 && V >= 1 && L + R <= 5, JSON.stringify(r.summary.counts));
});

test('--format text prints a readable summary', async () => {
  const { code, stdout } = await runCli(['analyze', path.join(examples, '100.hea'), '--format', 'text']);
  assert.equal(code, 0);
  assert.match(stdout, /^record 100: lead MLII, 360 Hz/m);
  assert.match(stdout, /^beats: \d+ \(detected\)/m);
  assert.match(stdout, /^heart rate: mean \d+\.\d bpm/m);
});

// Writes the named files into a fresh folder and returns the path of the first.
function files(entries) {
  const dir = tempDir();
  for (const [name, content] of Object.entries(entries)) fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, Object.keys(entries)[0]);
}

const malformed = {
  'empty header': [files({ 'r.hea': '' }), 'wfdb_header_invalid'],
  'random bytes as header': [files({ 'r.hea': crypto.randomBytes(4096) }), null],
  'random bytes as signal': [files({ 'r.hea': 'r 1 360 1000\nr.dat 16 200 16 0 0 0 0 MLII\n', 'r.dat': crypto.randomBytes(700) }), 'wfdb_signal_truncated'],
  'zero sampling frequency': [files({ 'r.hea': hea100.replace('100 2 360', 'r 2 0'), '100.dat': dat100 }), 'wfdb_header_invalid'],
  'non-numeric sampling frequency': [files({ 'r.hea': hea100.replace('100 2 360', 'r 2 fast') }), 'wfdb_header_invalid'],
  'truncated .dat': [files({ '100.hea': hea100, '100.dat': dat100.subarray(0, 30000) }), 'wfdb_signal_truncated'],
  'missing .dat': [files({ '100.hea': hea100 }), 'wfdb_signal_missing'],
  'path separator in the file name': [files({ '100.hea': hea100.replaceAll('100.dat', '../100.dat') }), 'wfdb_file_name_invalid'],
  'absolute path as the file name': [files({ '100.hea': hea100.replaceAll('100.dat', '/etc/passwd') }), 'wfdb_file_name_invalid'],
  'absurd sample count': [files({ 'r.hea': 'r 1 360 999999999999999\nr.dat 16 200 16 0 0 0 0 MLII\n', 'r.dat': Buffer.alloc(2000) }), 'wfdb_signal_truncated'],
  'absurd signal count': [files({ 'r.hea': 'r 99999999 360 1000\n' }), 'wfdb_header_invalid'],
  'unknown signal format': [files({ 'r.hea': 'r 1 360 10\nr.dat 999 200 16 0 0 0 0 MLII\n', 'r.dat': Buffer.alloc(100) }), 'wfdb_format_unsupported'],
  'non-numeric gain': [files({ 'r.hea': 'r 1 360 10\nr.dat 16 abc 16 0 0 0 0 MLII\n', 'r.dat': Buffer.alloc(20) }), 'wfdb_header_invalid'],
  'empty CSV': [files({ 'r.csv': '' }), 'csv_no_numbers'],
  'CSV with no numbers': [files({ 'r.csv': 'lead,other\nabc,def\nghi,jkl\n' }), 'csv_no_numbers'],
  'CSV without a sample rate': [files({ 'r.csv': '0.1\n0.2\n0.3\n' }), 'csv_no_sample_rate'],
  'random bytes as CSV': [files({ 'r.csv': crypto.randomBytes(4096) }), null],
  'empty EDF': [files({ 'r.edf': '' }), null],
  'random bytes as EDF': [files({ 'r.edf': crypto.randomBytes(4096) }), null],
  'EDF with an absurd record count': [files({ 'r.edf': makeEdf([new Float32Array(720)], 360, { recordsField: '99999999' }) }), null],
  'unknown file type': [files({ 'r.xyz': Buffer.from([0, 1, 2, 255]) }), 'io_unknown_format'],
  'missing input': [path.join(tempDir(), 'none.hea'), 'file_not_found'],
};

for (const [name, [input, expectedCode]] of Object.entries(malformed)) {
  test(`malformed input exits 2 with one coded line: ${name}`, async () => {
    const { code, stdout, stderr } = await runCli(['analyze', input], { timeout: 30000 });
    assert.equal(code, 2, `exit ${code}; stderr: ${stderr}`);
    assert.equal(stdout, '');
    const lines = stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, stderr);
    const m = /^error: ([a-z0-9_]+): (.+)$/.exec(lines[0]);
    assert.ok(m, lines[0]);
    if (expectedCode) assert.equal(m[1], expectedCode, lines[0]);
    else if (input.endsWith('.edf')) assert.match(m[1], /^edf_/);
  });
}

test('bad arguments exit 2 with a usage error', async () => {
  for (const args of [[], ['analyze'], ['analyse', 'x.hea'], ['analyze', path.join(examples, '100.hea'), '--format', 'xml'],
    ['analyze', path.join(examples, '100.hea'), '--beats', 'all'], ['analyze', path.join(examples, '100.hea'), '--bogus']]) {
    const { code, stderr } = await runCli(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, /^error: usage: .+\n$/);
  }
  const { code, stderr } = await runCli(['analyze', path.join(examples, '100.hea'), '--lead', 'V9']);
  assert.equal(code, 2);
  assert.match(stderr, /^error: lead_not_found: /);
  const noAtr = files({ '100.hea': hea100, '100.dat': dat100 });
  const ref = await runCli(['analyze', noAtr, '--beats', 'reference']);
  assert.equal(ref.code, 2);
  assert.match(ref.stderr, /^error: no_reference_annotations: /);
});

test('CSV and EDF inputs give the beats of the WFDB record they were written from', async () => {
  // The first minute of record 100, both leads, through each format; reference beats in that minute: from 100.atr.
  const wfdb = await runCli(['analyze', path.join(examples, '100.hea'), '--beats', 'reference', '--format', 'json']);
  const inMinute = JSON.parse(wfdb.stdout).beats.filter((b) => b.sample < 21600).length;
  const frames = 21600;
  const mlii = new Float32Array(frames);
  const v5 = new Float32Array(frames);
  // Format 212 by hand, as in readers.test.mjs.
  for (let i = 0; i < frames; i++) {
    const [b0, b1, b2] = dat100.subarray(3 * i, 3 * i + 3);
    const twelve = (v) => (v > 2047 ? v - 4096 : v);
    mlii[i] = (twelve(b0 | ((b1 & 0x0f) << 8)) - 1024) / 200;
    v5[i] = (twelve(b2 | ((b1 & 0xf0) << 4)) - 1024) / 200;
  }
  const csv = files({ 'minute.csv': makeCsv([mlii, v5], 360, ['MLII', 'V5']) });
  const edf = files({ 'minute.edf': makeEdf([v5, mlii], 360, { labels: ['V5', 'MLII'] }) });
  for (const input of [csv, edf]) {
    const { code, stdout, stderr } = await runCli(['analyze', input]);
    assert.equal(code, 0, stderr);
    const r = JSON.parse(stdout);
    assert.equal(r.lead, 'MLII');
    assert.ok(Math.abs(r.summary.beatCount - inMinute) <= 2, `${path.basename(input)}: ${r.summary.beatCount} beats, reference ${inMinute}`);
  }
});

test('--explain adds one beat\'s Grad-CAM or SHAP to the JSON', async () => {
  const hea = path.join(examples, '119.hea');
  const cam = JSON.parse((await runCli(['analyze', hea, '--explain', 'gradcam', '--beat', '3'])).stdout);
  assert.equal(cam.explanation.beat, 3);
  assert.equal(cam.explanation.sample, cam.beats[3].sample);
  assert.equal(cam.explanation.values.length, 256);
  assert.ok(cam.explanation.values.every((v) => v >= 0 && v <= 1));
  const shap = JSON.parse((await runCli(['analyze', hea, '--explain', 'shap', '--beat', '3', '--segments', '8'])).stdout);
  const e = shap.explanation;
  assert.equal(e.segments.length, 8);
  // The default (context) model's SHAP also attributes to its context players: together they sum to the change.
  assert.ok(e.contextPlayers.length > 0);
  const total = [...e.segments, ...e.contextPlayers].reduce((a, s) => a + s.value, 0);
  assert.ok(Math.abs(total - (e.outputValue - e.baseValue)) < 1e-4);
  const far = await runCli(['analyze', hea, '--explain', 'gradcam', '--beat', '99999']);
  assert.equal(far.code, 2);
  assert.match(far.stderr, /^error: beat_not_found: /);
});

test('--model picks v2, or a model file by path; a bad model file is a coded error', async () => {
  const hea = path.join(examples, '100.hea');
  const v2 = JSON.parse((await runCli(['analyze', hea, '--model', 'v2'])).stdout);
  assert.equal(v2.model.name, 'arrhythminet-v2');
  const byPath = JSON.parse((await runCli(['analyze', hea, '--model', path.join(examples, '../../models/arrhythminet-v2.json')])).stdout);
  assert.equal(byPath.model.name, 'arrhythminet-v2');
  assert.deepEqual(byPath.beats.slice(0, 50), v2.beats.slice(0, 50));
  const broken = files({ 'm.json': '{"weights": {"file": "m.bin"}}', 'm.bin': Buffer.alloc(8) });
  const bad = await runCli(['analyze', hea, '--model', broken]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: model_invalid: .+\n$/);
  const unknown = await runCli(['analyze', hea, '--model', 'v7']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^error: (file_not_found|model_not_found): /);
});
