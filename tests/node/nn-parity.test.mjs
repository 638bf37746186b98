// The WASM engine (our SIMD kernels, wasm_simd128) against the PyTorch reference sets in models/reference:
// probabilities within 1e-4 and the same argmax for every shipped model; and against the native build
// (tools/av-bench --dump) when build/native exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const createCoreModule = (await import(path.join(root, 'dist/arrhythmiavision-core.mjs'))).default;
const core = await createCoreModule({ wasmBinary: fs.readFileSync(path.join(root, 'dist/arrhythmiavision-core.wasm')) });

function check(value) {
  if (value && value.avError) throw Object.assign(new Error(value.message), { code: value.code });
  return value;
}

function loadModel(jsonPath) {
  const json = fs.readFileSync(jsonPath, 'utf8');
  const weights = fs.readFileSync(path.join(path.dirname(jsonPath), JSON.parse(json).weights.file));
  return check(core.loadModel(json, new Uint8Array(weights.buffer, weights.byteOffset, weights.length)));
}

const argmax = (a, off, n) => {
  let best = 0;
  for (let i = 1; i < n; ++i) if (a[off + i] > a[off + best]) best = i;
  return best;
};

const shipped = fs.readdirSync(path.join(root, 'models'))
  .filter((f) => f.endsWith('.json') && fs.existsSync(path.join(root, 'models/reference', f)))
  .sort();

test('at least V1 and V2 ship with reference sets', () => {
  assert.ok(shipped.includes('arrhythminet-v1.json') && shipped.includes('arrhythminet-v2.json'), shipped.join());
});

for (const file of shipped) {
  test(`WASM ${file} matches the PyTorch reference`, () => {
    const model = loadModel(path.join(root, 'models', file));
    try {
      const info = core.modelInfo(model);
      const ref = JSON.parse(fs.readFileSync(path.join(root, 'models/reference', file), 'utf8'));
      assert.equal(info.model, ref.model);
      assert.equal(info.windowLength, ref.windowLength);
      assert.equal(info.backend, 'wasm-simd128');
      const k = info.classes.length;
      const channels = ref.channels ?? 1, F = ref.contextFeatures ?? 0, per = ref.windowLength * channels;
      assert.equal(info.inputChannels, channels);
      assert.equal(info.contextFeatures.length, F);
      const windows = Float32Array.from(ref.inputs.flat());
      const context = F ? Float32Array.from(ref.context.flat()) : null;
      const classify = (w, c, n) => check(F ? core.classifyWindowsWithContext(model, w, c, n) : core.classifyWindows(model, w, n));
      if (F) assert.equal(core.classifyWindows(model, windows, ref.count).code, 'model_context_required');
      const probs = classify(windows, context, ref.count);
      assert.ok(probs instanceof Float32Array);
      assert.equal(probs.length, ref.count * k);
      let worst = 0;
      for (let b = 0; b < ref.count; ++b) {
        for (let c = 0; c < k; ++c) worst = Math.max(worst, Math.abs(probs[b * k + c] - ref.probabilities[b][c]));
        assert.equal(argmax(probs, b * k, k), argmax(ref.probabilities[b], 0, k), `beat ${b}`);
      }
      assert.ok(worst <= 1e-4, `max |p - p_torch| = ${worst}`);

      // A subset gives the same rows (batching does not mix beats).
      const some = classify(windows.subarray(3 * per), F ? context.subarray(3 * F) : null, 2);
      for (let i = 0; i < 2 * k; ++i) assert.equal(some[i], probs[3 * k + i]);

      const bench = path.join(root, 'build/native/av-bench');
      if (fs.existsSync(bench)) {
        const tmp = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'av-nn-'));
        fs.writeFileSync(path.join(tmp, 'windows.f32'), Buffer.from(windows.buffer));
        const args = ['--dump', path.join(root, 'models', file), path.join(tmp, 'windows.f32')];
        if (F) {
          fs.writeFileSync(path.join(tmp, 'context.f32'), Buffer.from(context.buffer));
          args.push(path.join(tmp, 'context.f32'));
        }
        const out = execFileSync(bench, args);
        fs.rmSync(tmp, { recursive: true });
        const native = JSON.parse(out.toString());
        for (const backend of Object.keys(native)) {
          let diff = 0;
          native[backend].forEach((p, i) => { diff = Math.max(diff, Math.abs(p - probs[i])); });
          assert.ok(diff <= 1e-5, `WASM vs native ${backend}: ${diff}`);
        }
      }
    } finally {
      model.delete();
    }
  });
}

test('bad models and bad windows come back as coded errors', () => {
  const bad = core.loadModel('{"format": "nope"}', new Uint8Array(0));
  assert.equal(bad.avError, true);
  assert.equal(bad.code, 'model_invalid');
  const v1 = path.join(root, 'models/arrhythminet-v1.json');
  const json = fs.readFileSync(v1, 'utf8');
  const truncated = core.loadModel(json, new Uint8Array(16));
  assert.equal(truncated.code, 'model_invalid');
  assert.match(truncated.message, /bytes/);
  const model = loadModel(v1);
  try {
    assert.equal(core.classifyWindows(model, new Float32Array(10), 1).code, 'invalid_argument');
    assert.equal(core.classifyWindows(model, [1, 2, 3], 1).code, 'invalid_argument');
    assert.equal(core.classifyWindows(model, new Float32Array(0), 0).length, 0);
  } finally {
    model.delete();
  }
});
