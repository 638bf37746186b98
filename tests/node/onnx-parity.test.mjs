// The shipped ONNX exports compute what PyTorch computed: every models/NAME.onnx, run with onnxruntime-web
// (wasm, 1 thread) on the windows (and, for context models, the context features) of models/reference/NAME.json,
// gives PyTorch's logits and probabilities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const models = fs.readdirSync(path.join(root, 'models'))
  .filter((f) => /^arrhythminet-.*\.onnx$/.test(f))
  .map((f) => f.replace(/\.onnx$/, ''))
  .filter((name) => fs.existsSync(path.join(root, 'models/reference', `${name}.json`)));

test('every shipped ONNX model has a reference set', () => {
  assert.ok(models.length >= 2, `found ${models.join(', ')}`);
});

for (const name of models) {
  test(`${name}.onnx matches the PyTorch reference outputs within 1e-4`, async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    const ref = JSON.parse(fs.readFileSync(path.join(root, 'models/reference', `${name}.json`), 'utf8'));
    const channels = ref.channels ?? 1, F = ref.contextFeatures ?? 0, L = ref.windowLength * channels;
    const input = new Float32Array(ref.count * L);
    ref.inputs.forEach((w, i) => input.set(w, i * L));
    const feeds = { input: new ort.Tensor('float32', input, [ref.count, channels, ref.windowLength]) };
    if (F) feeds.context = new ort.Tensor('float32', Float32Array.from(ref.context.flat()), [ref.count, F]);
    const session = await ort.InferenceSession.create(fs.readFileSync(path.join(root, 'models', `${name}.onnx`)),
      { executionProviders: ['wasm'] });
    try {
      assert.deepEqual(session.inputNames, F ? ['input', 'context'] : ['input']);
      assert.deepEqual([...session.outputNames].sort(), ['logits', 'probabilities']);
      const out = await session.run(feeds);
      assert.deepEqual(out.logits.dims, [ref.count, ref.classes.length]);
      let worst = 0;
      for (const [key, want] of [['logits', ref.logits], ['probabilities', ref.probabilities]]) {
        const got = out[key].data;
        want.forEach((row, i) => row.forEach((v, j) => {
          worst = Math.max(worst, Math.abs(got[i * row.length + j] - v));
        }));
      }
      assert.ok(worst < 1e-4, `max |onnx - torch| = ${worst}`);
    } finally {
      await session.release();
    }
  });
}
