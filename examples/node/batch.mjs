#!/usr/bin/env node
// Batch scoring: analyses every record in a directory (WFDB .hea + .dat, .csv, .edf) with one analyzer, prints a
// table and writes one CSV row per record. Bad files are reported and skipped.
// Usage: node examples/node/batch.mjs [directory] [--model v1|v2] [--out summary.csv] [--csv-rate 360]
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer } from 'arrhythmiavision';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const dir = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ??
  fileURLToPath(new URL('../data/', import.meta.url));
const out = opt('out', null);

function readRecord(av, file) {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.hea') {
    const base = file.slice(0, -4);
    return av.readWfdb({
      hea: readFileSync(file), dat: readFileSync(`${base}.dat`),
      ...(existsSync(`${base}.atr`) ? { atr: readFileSync(`${base}.atr`) } : {}),
    });
  }
  if (ext === '.csv') return av.readCsv(readFileSync(file, 'utf8'), { sampleRate: Number(opt('csv-rate', 360)) });
  return av.readEdf(readFileSync(file));
}

const av = await createAnalyzer({ model: opt('model', 'v1') });
const files = readdirSync(dir).filter((f) => /\.(hea|csv|edf)$/i.test(f)).sort().map((f) => path.join(dir, f));
const rows = [['record', 'lead', 'duration_s', 'beats', 'N', 'L', 'R', 'A', 'V', 'mean_bpm', 'ms'].join(',')];
console.log('record      lead    minutes   beats      N      L      R      A      V   bpm      ms');
let failed = 0;
for (const file of files) {
  const t0 = performance.now();
  let rec;
  try {
    rec = readRecord(av, file);
    const r = av.analyze(rec);
    const ms = performance.now() - t0;
    const c = r.summary.counts;
    const bpm = r.summary.heartRate.meanBpm;
    console.log(`${path.basename(file).padEnd(11)} ${r.lead.padEnd(6)} ${(r.durationSec / 60).toFixed(1).padStart(8)} ` +
      `${String(r.summary.beatCount).padStart(7)} ${['N', 'L', 'R', 'A', 'V'].map((k) => String(c[k]).padStart(6)).join(' ')} ` +
      `${(bpm ?? NaN).toFixed(0).padStart(5)} ${ms.toFixed(0).padStart(7)}`);
    rows.push([path.basename(file), r.lead, r.durationSec.toFixed(2), r.summary.beatCount,
      ...['N', 'L', 'R', 'A', 'V'].map((k) => c[k]), bpm?.toFixed(1) ?? '', ms.toFixed(1)].join(','));
  } catch (err) {
    failed++;
    console.error(`${path.basename(file)}: error: ${err.code ?? 'error'}: ${err.message}`);
  } finally {
    rec?.delete?.();
  }
}
if (out) {
  writeFileSync(out, rows.join('\n') + '\n');
  console.log(`wrote ${out}`);
}
av.dispose();
process.exitCode = failed ? 1 : 0;
