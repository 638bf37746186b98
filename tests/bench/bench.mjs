// npm run bench: time per beat of ArrhythmiNet V1 and V2, batched, one thread, in one run:
//   native XNNPACK and native SIMD (build/native/av-bench), WASM SIMD in Node (dist/), and
//   onnxruntime-web (wasm backend, SIMD, numThreads = 1) on models/NAME.onnx; plus the ratio to
//   onnxruntime-web and the time for a whole 30-minute record through the JS API.
// Figures only: nothing here asserts a time. Options: --beats N (default 4096), --batch B (256), --min-ms T.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const BEATS = arg('--beats', 4096);
const BATCH = arg('--batch', 256);
const MIN_MS = arg('--min-ms', 1000);
const MODELS = ['arrhythminet-v1-ctx', 'arrhythminet-v2-ctx', 'arrhythminet-v1', 'arrhythminet-v2'];

// Best pass of `fn` (one pass = BEATS beats), repeated until MIN_MS have gone by: the least disturbed run.
// Returns ms per beat of wall time and of this process's CPU time (which a busy machine inflates less).
async function timePerBeat(fn) {
  await fn();  // warm-up (JIT, first allocations)
  let best = Infinity, bestCpu = Infinity, total = 0, passes = 0;
  while (total < MIN_MS || passes < 3) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    best = Math.min(best, ms);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
    total += ms;
    passes += 1;
  }
  return { wall: best / BEATS, cpu: bestCpu / BEATS };
}

// Real beat inputs: the reference set's windows (channels x length) and context features, repeated to BEATS beats.
function windowsFor(name) {
  const ref = JSON.parse(fs.readFileSync(path.join(root, 'models/reference', `${name}.json`), 'utf8'));
  const channels = ref.channels ?? 1, L = ref.windowLength * channels, F = ref.contextFeatures ?? 0;
  const out = new Float32Array(BEATS * L), context = F ? new Float32Array(BEATS * F) : null;
  for (let b = 0; b < BEATS; ++b) {
    out.set(ref.inputs[b % ref.count], b * L);
    if (F) context.set(ref.context[b % ref.count], b * F);
  }
  return { windows: out, L, channels, context, F };
}

function nativeFigures(name) {
  const bin = path.join(root, 'build/native/av-bench');
  if (!fs.existsSync(bin)) return {};
  const out = execFileSync(bin, [path.join(root, 'models', `${name}.json`), '--beats', String(BEATS), '--batch',
    String(BATCH), '--min-ms', String(MIN_MS)]).toString();
  const figures = {};
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line);
    figures[r.backend] = { wall: r.msPerBeat, cpu: r.cpuMsPerBeat };
  }
  return figures;
}

async function wasmFigure(core, name, { windows, L, context, F }) {
  const json = fs.readFileSync(path.join(root, 'models', `${name}.json`), 'utf8');
  const weights = fs.readFileSync(path.join(root, 'models', JSON.parse(json).weights.file));
  const model = core.loadModel(json, new Uint8Array(weights.buffer, weights.byteOffset, weights.length));
  if (model.avError) throw new Error(`${model.code}: ${model.message}`);
  try {
    return await timePerBeat(() => {
      for (let i = 0; i < BEATS; i += BATCH) {
        const n = Math.min(BATCH, BEATS - i);
        const w = windows.subarray(i * L, (i + n) * L);
        const p = F ? core.classifyWindowsWithContext(model, w, context.subarray(i * F, (i + n) * F), n)
          : core.classifyWindows(model, w, n);
        if (p.avError) throw new Error(p.message);
      }
    });
  } finally {
    model.delete();
  }
}

async function ortFigure(ort, name, { windows, L, channels, context, F }) {
  const session = await ort.InferenceSession.create(fs.readFileSync(path.join(root, 'models', `${name}.onnx`)), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const input = session.inputNames[0];  // 'input'; a context model also has 'context'
  const output = session.outputNames.includes('probabilities') ? 'probabilities' : session.outputNames[0];
  const feeds = [];
  for (let i = 0; i < BEATS; i += BATCH) {
    const n = Math.min(BATCH, BEATS - i);
    const feed = { [input]: new ort.Tensor('float32', windows.subarray(i * L, (i + n) * L), [n, channels, L / channels]) };
    if (F) feed.context = new ort.Tensor('float32', context.subarray(i * F, (i + n) * F), [n, F]);
    feeds.push(feed);
  }
  const ms = await timePerBeat(async () => {
    for (const f of feeds) await session.run(f, [output]);
  });
  await session.release();
  return ms;
}

async function wholeRecord() {
  const hea = path.join(root, 'examples/data/100.hea');
  if (!fs.existsSync(hea)) return null;
  const { createAnalyzer } = await import(path.join(root, 'src/js/index.js'));
  const av = await createAnalyzer();  // the default model
  const run = () => {
    const t0 = performance.now();
    const rec = av.readWfdb({ hea: fs.readFileSync(hea, 'utf8'), dat: fs.readFileSync(hea.replace(/\.hea$/, '.dat')) });
    const result = av.analyze(rec);
    rec.dispose?.();
    return { ms: performance.now() - t0, beats: result.beats.length, durationSec: result.durationSec, model: result.model.name };
  };
  run();  // warm-up
  let best = null;
  for (let i = 0; i < 3; ++i) {
    const r = run();
    if (!best || r.ms < best.ms) best = r;
  }
  av.dispose();
  return best;
}

const fmt = (x) => (x == null ? '    n/a' : x.toFixed(4).padStart(7));

const createCoreModule = (await import(path.join(root, 'dist/arrhythmiavision-core.mjs'))).default;
const core = await createCoreModule({ wasmBinary: fs.readFileSync(path.join(root, 'dist/arrhythmiavision-core.wasm')) });
const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = 1;
ort.env.wasm.simd = true;

const rows = [];
for (const name of MODELS) {
  if (!fs.existsSync(path.join(root, 'models', `${name}.json`))) continue;
  const inputs = windowsFor(name);
  const native = nativeFigures(name);
  const wasm = await wasmFigure(core, name, inputs);
  const ortMs = await ortFigure(ort, name, inputs);
  rows.push({ model: name, target: name.includes('v1') ? 0.2 : 0.1, ...native, 'wasm-simd': wasm, 'onnxruntime-web': ortMs });
}
for (const kind of ['wall', 'cpu']) {
  console.log(`\nArrhythmiNet inference, ms per beat of ${kind === 'wall' ? 'wall-clock' : 'process CPU'} time ` +
    `(best of repeated passes of ${BEATS} beats, batch ${BATCH}, 1 thread)`);
  console.log('model                native-xnnpack  native-simd  wasm-simd  onnxruntime-web  wasm/ort  target (wasm)');
  for (const r of rows) {
    const w = r['wasm-simd'][kind], o = r['onnxruntime-web'][kind];
    console.log(`${r.model.padEnd(20)} ${fmt(r['native-xnnpack']?.[kind])}         ${fmt(r['native-simd']?.[kind])}      ` +
      `${fmt(w)}    ${fmt(o)}          ${(w / o).toFixed(2).padStart(5)}x   <= ${r.target} and < ort: ` +
      `${w <= r.target && w < o ? 'met' : 'NOT met'}`);
  }
}

try {
  const r = await wholeRecord();
  if (r) console.log(`whole record 100 (${(r.durationSec / 60).toFixed(1)} min, ${r.beats} beats), read + detect + ` +
    `classify (default model ${r.model}), WASM through the JS API: ${r.ms.toFixed(1)} ms (target <= 500 ms)`);
} catch (e) {
  console.log(`whole record: not measured (${e.code ?? ''} ${e.message})`);
}
console.log(JSON.stringify({ bench: rows }));
