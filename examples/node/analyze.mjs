#!/usr/bin/env node
// The JS API in Node: read a WFDB record, analyse it, and explain its first ventricular beat (or, when it has
// none, its first beat) with Grad-CAM and SHAP.
// Usage: node examples/node/analyze.mjs [path/to/record.hea] [--model v1|v2]
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAnalyzer } from 'arrhythmiavision';

const args = process.argv.slice(2);
const model = args.includes('--model') ? args[args.indexOf('--model') + 1] : 'v1';
const hea = args.find((a) => a.endsWith('.hea')) ?? fileURLToPath(new URL('../data/208.hea', import.meta.url));
const base = hea.slice(0, -'.hea'.length);

const av = await createAnalyzer({ model });
console.log(`model ${av.info.model}: ${av.info.parameters} parameters, window ${av.info.windowLength} samples at ` +
  `${av.info.sampleRate} Hz, backend ${av.info.backend}`);

const rec = av.readWfdb({
  hea: readFileSync(hea),
  dat: readFileSync(`${base}.dat`),
  ...(existsSync(`${base}.atr`) ? { atr: readFileSync(`${base}.atr`) } : {}),
});
const result = av.analyze(rec, { onProgress: (f) => process.stderr.write(`\ranalysing ${Math.round(f * 100)} %`) });
process.stderr.write('\n');

const { beatCount, counts, heartRate } = result.summary;
console.log(`${result.record} (${result.lead}, ${result.durationSec.toFixed(0)} s): ${beatCount} beats`, counts);
console.log(`heart rate ${heartRate.meanBpm?.toFixed(1)} bpm (min ${heartRate.minBpm?.toFixed(1)}, max ${heartRate.maxBpm?.toFixed(1)})`);
console.log(`timing: ${result.timing.totalMs.toFixed(1)} ms in total`);

const i = Math.max(0, result.beats.findIndex((b) => b.label === 'V'));
if (result.beats.length) {
  const beat = result.beats[i];
  const cam = av.explain(rec, beat, { method: 'gradcam' });
  const shap = av.explain(rec, beat, { method: 'shap', segments: 12 });
  const peak = cam.values.indexOf(Math.max(...cam.values));
  console.log(`\nbeat ${i} at ${beat.time.toFixed(3)} s: ${beat.label}, P = ${beat.probabilities[beat.label].toFixed(4)}`);
  console.log(`Grad-CAM peaks at window sample ${peak} of ${cam.values.length}`);
  console.log(`SHAP (${shap.segments.length} segments): f(baseline) ${shap.baseValue.toFixed(4)} → f(beat) ` +
    `${shap.outputValue.toFixed(4)}`);
  for (const s of shap.segments) {
    const bar = '█'.repeat(Math.round(Math.abs(s.value) * 40));
    console.log(`  [${String(s.start).padStart(3)}, ${String(s.end).padStart(3)})  ${s.value >= 0 ? '+' : '-'}${Math.abs(s.value).toFixed(4)} ${bar}`);
  }
}
rec.delete?.();
av.dispose();
