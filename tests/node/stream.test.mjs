// Chunked analysis in the WASM build: the same result as analyze(), bounded heap (30-minute record < 64 MB,
// 24-hour two-lead record < 128 MB), progress and AbortSignal cancellation; and determinism: the same
// input gives the same JSON (timing excluded) run after run, and the native build gives the same labels
// with probabilities within 1e-5.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../src/js/index.js';
import { examples, read, root, runCli, tempDir } from './helpers.mjs';
import { MITDB } from './stream-child.mjs';

const MB = 1 << 20;
const av = await createAnalyzer();  // the default context model: its context must be chunk-exact too
test.after(() => av.dispose());
const bytesOf = (name) => ({ hea: read(path.join(examples, `${name}.hea`)), dat: read(path.join(examples, `${name}.dat`)),
  atr: read(path.join(examples, `${name}.atr`)) });
const withoutTiming = ({ timing, ...rest }) => rest;

// Runs stream-child.mjs in its own process; resolves its JSON report.
function child(mode, name, chunk) {
  const out = path.join(tempDir(), 'report.json');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(root, 'tests/node/stream-child.mjs'), mode, name, out, String(chunk ?? 300)],
      { timeout: 600000, maxBuffer: 64 * MB }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`${mode} ${name}: ${stderr || error.message}`));
        resolve(JSON.parse(fs.readFileSync(out, 'utf8')));
      });
  });
}

test('analyzeStream gives exactly the analyze() result, for any chunk size', async () => {
  for (const name of ['100', '208']) {
    const whole = withoutTiming(av.analyze(av.readWfdb(bytesOf(name))));
    assert.ok(whole.beats.length > 1500);
    for (const chunkSeconds of [1, 37, 300]) {
      const streamed = withoutTiming(await av.analyzeStream(bytesOf(name), { chunkSeconds }));
      assert.deepEqual(streamed, whole, `record ${name}, ${chunkSeconds} s chunks`);
    }
  }
});

test('analyzeStream on a decoded record and with reference beats matches analyze()', async () => {
  const rec = av.readWfdb(bytesOf('119'));
  for (const beats of ['detect', 'reference']) {
    const whole = withoutTiming(av.analyze(rec, { beats, lead: 'MLII' }));
    const streamed = withoutTiming(await av.analyzeStream(rec, { beats, lead: 'MLII', chunkSeconds: 45 }));
    assert.deepEqual(streamed, whole, beats);
  }
  rec.dispose();
});

test('analyzeStream reports progress and stops on an AbortSignal', async () => {
  const fractions = [];
  await av.analyzeStream(bytesOf('100'), { chunkSeconds: 60, onProgress: (f) => fractions.push(f) });
  assert.ok(fractions.length >= 30);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b));
  assert.equal(fractions.at(-1), 1);

  const controller = new AbortController();
  let calls = 0;
  await assert.rejects(
    av.analyzeStream(bytesOf('100'), { chunkSeconds: 10, signal: controller.signal, onProgress: () => { if (++calls === 3) controller.abort(); } }),
    (e) => e.code === 'aborted');
  assert.equal(calls, 3);
  // Aborting from a timer works too: chunks yield to the event loop.
  const timed = new AbortController();
  setTimeout(() => timed.abort(), 5);
  await assert.rejects(av.analyzeStream(bytesOf('100'), { chunkSeconds: 1, signal: timed.signal }), (e) => e.code === 'aborted');
  // An already aborted signal stops before any work, and the analyzer stays usable.
  await assert.rejects(av.analyzeStream(bytesOf('100'), { signal: AbortSignal.abort() }), (e) => e.code === 'aborted');
  assert.ok((await av.analyzeStream(bytesOf('119'))).beats.length > 1900);
});

test('analyzeStream errors are coded', async () => {
  await assert.rejects(av.analyzeStream({ hea: 'x 1 10 100\nx.dat 16\n', dat: new Uint8Array(200) }), (e) => e.code === 'sample_rate_out_of_range');
  await assert.rejects(av.analyzeStream({ hea: 'x 1 360 100\nx.dat 16\n', dat: new Uint8Array(20) }), (e) => e.code === 'wfdb_signal_truncated');
  await assert.rejects(av.analyzeStream({ hea: 'x 1 360 100\nx.dat 16\n' }), (e) => e.code === 'wfdb_signal_missing');
  await assert.rejects(av.analyzeStream(bytesOf('100'), { chunkSeconds: 0 }), (e) => e.code === 'invalid_option');
});

test('a 30-minute record stays under 64 MB of WASM heap, chunked or whole', async () => {
  const streamed = await child('stream', '100');
  const whole = await child('whole', '100');
  console.log(`30-min record 100: heap ${(streamed.heapBytes / MB).toFixed(1)} MB chunked, ${(whole.heapBytes / MB).toFixed(1)} MB whole`);
  assert.ok(streamed.heapBytes < 64 * MB, `chunked heap ${streamed.heapBytes}`);
  assert.ok(whole.heapBytes < 64 * MB, `whole heap ${whole.heapBytes}`);
  assert.deepEqual(withoutTiming(streamed.result), withoutTiming(whole.result));
});

test('a 24-hour two-lead recording: chunked stays under 128 MB of heap and equals the whole-record analysis',
  { skip: !fs.existsSync(path.join(MITDB, '234.dat')) && 'MIT-BIH not available' }, async () => {
    const streamed = await child('stream', 'holter');
    console.log(`24-hour record: ${streamed.result.beats.length} beats, heap ${(streamed.heapBytes / MB).toFixed(1)} MB, ` +
      `${(streamed.ms / 1000).toFixed(1)} s chunked`);
    assert.ok(streamed.heapBytes < 128 * MB, `chunked heap ${streamed.heapBytes}`);
    assert.ok(streamed.progressCalls >= 288);
    assert.ok(streamed.result.beats.length > 105000 && streamed.result.beats.length < 115000);
    assert.equal(streamed.result.durationSec, 86666.67);
    // The whole record decoded into the heap (~1 GB): same beats, labels and probabilities.
    const whole = await child('whole', 'holter');
    assert.deepEqual(withoutTiming(streamed.result), withoutTiming(whole.result));
  });

test('the same input gives byte-identical JSON (timing excluded) from run to run', async () => {
  const rec = av.readWfdb(bytesOf('208'));
  const first = JSON.stringify(withoutTiming(av.analyze(rec)));
  assert.equal(JSON.stringify(withoutTiming(av.analyze(rec))), first);
  const other = await createAnalyzer();
  assert.equal(JSON.stringify(withoutTiming(other.analyze(other.readWfdb(bytesOf('208'))))), first);
  other.dispose();
  rec.dispose();
  // Through the CLI, in fresh processes.
  const a = await runCli(['analyze', path.join(examples, '208.hea'), '--format', 'json']);
  const b = await runCli(['analyze', path.join(examples, '208.hea'), '--format', 'json']);
  assert.equal(a.code, 0);
  assert.equal(JSON.stringify(withoutTiming(JSON.parse(a.stdout))), JSON.stringify(withoutTiming(JSON.parse(b.stdout))));
});

const nativeTool = path.join(root, 'build/native/av-analyze');
test('native and WASM builds give identical labels, probabilities within 1e-5',
  { skip: !fs.existsSync(nativeTool) && 'build/native/av-analyze not built' }, async () => {
    const inputs = ['100', '119', '208'].map((r) => path.join(examples, `${r}.hea`));
    for (const r of ['105', '203', '232']) if (fs.existsSync(path.join(MITDB, `${r}.hea`))) inputs.push(path.join(MITDB, `${r}.hea`));
    for (const input of inputs) {
      const native = JSON.parse(await new Promise((resolve, reject) => execFile(nativeTool, [input, '--no-timing'],
        { cwd: root, maxBuffer: 64 * MB }, (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout)))));
      const wasm = await runCli(['analyze', input, '--format', 'json']);
      assert.equal(wasm.code, 0, wasm.stderr);
      const w = JSON.parse(wasm.stdout);
      assert.equal(w.beats.length, native.beats.length, input);
      let maxDiff = 0;
      w.beats.forEach((b, i) => {
        const n = native.beats[i];
        assert.equal(b.sample, n.sample);
        assert.equal(b.label, n.label, `${input} beat ${i}`);
        for (const c of Object.keys(b.probabilities)) maxDiff = Math.max(maxDiff, Math.abs(b.probabilities[c] - n.probabilities[c]));
      });
      assert.ok(maxDiff <= 1e-5, `${input}: max probability difference ${maxDiff}`);
      assert.deepEqual(w.summary, native.summary);
    }
  });

// The native CLI's and the WASM CLI's analysis of `input` with arrhythminet-v1-ctx-ds1 (its labelRules): the WASM
// beats, after checking that both builds give every beat the same label and modelLabel.
async function sameLabelsNativeAndWasm(input) {
  const native = JSON.parse(await new Promise((resolve, reject) => execFile(nativeTool,
    [input, '--model', 'models/arrhythminet-v1-ctx-ds1.json', '--no-timing'], { cwd: root, maxBuffer: 64 * MB },
    (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout)))));
  const wasm = await runCli(['analyze', input, '--model', 'v1-ctx-ds1', '--format', 'json']);
  assert.equal(wasm.code, 0, wasm.stderr);
  const w = JSON.parse(wasm.stdout);
  assert.equal(w.beats.length, native.beats.length);
  w.beats.forEach((b, i) => {
    assert.equal(b.label, native.beats[i].label, `beat ${i}`);
    assert.equal(b.modelLabel, native.beats[i].modelLabel, `beat ${i}`);
  });
  return w.beats;
}

test("a model's L rule gives the same labels in the native and WASM builds, keeping the network's L",
  { skip: !fs.existsSync(nativeTool) && 'build/native/av-analyze not built' }, async () => {
    // arrhythminet-v1-ctx-ds1 carries labelRules.lMinTemplateQrsSec; on 208 it calls beats L on a narrow template.
    const beats = await sameLabelsNativeAndWasm(path.join(examples, '208.hea'));
    const ruled = beats.filter((b) => b.modelLabel === 'L');
    assert.ok(ruled.length >= 100, `${ruled.length} beats relabelled by the L rule`);
    for (const b of ruled) {
      assert.ok(['N', 'A', 'V'].includes(b.label), b.label);
      const p = b.probabilities;
      assert.ok(p.L >= Math.max(p.N, p.R, p.A, p.V), 'the network itself said L');
      assert.ok(p[b.label] >= Math.max(...['N', 'A', 'V'].map((c) => p[c])), 'the best of N, A and V');
    }
  });

test("a model's V rule gives the same labels in the native and WASM builds, keeping the network's V",
  { skip: (!fs.existsSync(nativeTool) && 'build/native/av-analyze not built') ||
    (!fs.existsSync(path.join(MITDB, '228.hea')) && 'MIT-BIH record 228 not available') }, async () => {
    // arrhythminet-v1-ctx-ds1's labelRules.vTemplateMatch*: on 228 (much ventricular bigeminy, a median N beat
    // about 100 ms wide) some V beats match a running template at least 90 ms wide, and the rule gives them their
    // best other label.
    const beats = await sameLabelsNativeAndWasm(path.join(MITDB, '228.hea'));
    const ruled = beats.filter((b) => b.modelLabel === 'V' && b.label !== 'V');
    assert.ok(ruled.length >= 10, `${ruled.length} beats relabelled by the V rule`);
    for (const b of ruled) {
      const p = b.probabilities;
      assert.ok(p.V >= Math.max(p.N, p.L, p.R, p.A), 'the network itself said V');
      assert.ok(p[b.label] >= Math.max(p.N, p.L, p.R, p.A), 'the best of the other four');
    }
  });
