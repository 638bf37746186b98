// Explanation timings in WASM (Node, one thread): Grad-CAM per beat and exact SHAP (12 segments, 4096 forward
// passes) per beat, for ArrhythmiNet V1 and V2, on beats of MIT-BIH record 208, through the JS API.
// Figures only: nothing here asserts a time. Targets (DESIGN 4): Grad-CAM <= 5 ms, exact SHAP <= 300 ms.
//   node tests/bench/explain-bench.mjs [--record examples/data/208] [--beats 8]
// Each figure is the median and the best wall time over the timed beats, plus the process CPU time per beat
// (on a shared, loaded machine wall time overstates the cost; CPU time does not count time spent waiting for a
// core). The one-time cost of preparing a record (beat windows + classification of every beat for the median
// normal beat) is apart.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createAnalyzer } from '../../src/js/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const opt = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const recordBase = path.resolve(root, opt('--record', 'examples/data/208'));
const BEATS = Number(opt('--beats', 8));
const read = (ext) => new Uint8Array(fs.readFileSync(`${recordBase}.${ext}`));

function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], best: s[0] };
}

const rows = [];
for (const model of ['v1-ctx', 'v2-ctx', 'v1', 'v2']) {
  const av = await createAnalyzer({ model });
  const rec = av.readWfdb({ hea: read('hea'), dat: read('dat'), atr: read('atr') });
  const result = av.analyze(rec);
  const beats = Array.from({ length: BEATS }, (_, k) => result.beats[Math.floor(((k + 0.5) * result.beats.length) / BEATS)]);
  let t = performance.now();
  av.explain(rec, beats[0], { method: 'gradcam' });  // the first: takes the analysis' kept inputs
  const prepareMs = performance.now() - t;
  const cam = [];
  let cpu = process.cpuUsage();
  for (let pass = 0; pass < 5; pass++)
    for (const beat of beats) {
      t = performance.now();
      av.explain(rec, beat, { method: 'gradcam' });
      cam.push(performance.now() - t);
    }
  const camUsed = process.cpuUsage(cpu);
  const camCpu = (camUsed.user + camUsed.system) / 1000 / cam.length;
  av.explain(rec, beats[0], { method: 'shap', segments: 12 });  // warm-up (median normal beat)
  const shap = [];
  cpu = process.cpuUsage();
  for (const beat of beats) {
    t = performance.now();
    av.explain(rec, beat, { method: 'shap', segments: 12 });
    shap.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  const shapCpu = (used.user + used.system) / 1000 / shap.length;
  const c = stats(cam), s = stats(shap);
  rows.push({ model: av.info.model, backend: av.info.backend, prepareMs, camMedian: c.median, camBest: c.best, camCpu, shapCpu,
    shapMedian: s.median, shapBest: s.best, msPerForward: s.median / 4096 });
  av.dispose();
}

console.log(`Explanations in WASM (Node ${process.version}, 1 thread), record ${path.basename(recordBase)}, ${BEATS} beats`);
console.log('| model | first explanation after analyze() (ms) | Grad-CAM ms/beat: wall median / best / CPU | exact SHAP M=12 ms/beat: wall median / best / CPU | wall ms per SHAP forward |');
console.log('|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.model} | ${r.prepareMs.toFixed(0)} | ${r.camMedian.toFixed(2)} / ${r.camBest.toFixed(2)} / ${r.camCpu.toFixed(2)} | ` +
    `${r.shapMedian.toFixed(0)} / ${r.shapBest.toFixed(0)} / ${r.shapCpu.toFixed(0)} | ${r.msPerForward.toFixed(4)} |`);
console.log('targets: Grad-CAM <= 5 ms, exact SHAP (12 segments) <= 300 ms per beat');
