// Runs one analysis in a fresh process, so that the WASM heap it reports belongs to that analysis alone
// (the heap only grows: its size at the end is the peak). Used by stream.test.mjs and the holter bench.
//   node stream-child.mjs <stream|whole> <record name in examples/data | holter> <out.json> [chunkSeconds]
// "holter" is the 48 MIT-BIH records back to back as one 24-hour two-lead WFDB record (format 212).
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../src/js/index.js';
import { examples, read, root } from './helpers.mjs';

export const MITDB = process.env.AV_MITDB_DIR ?? path.join(root, '../shared/data/mitdb');
export const RECORDS = ['100', '101', '102', '103', '104', '105', '106', '107', '108', '109', '111', '112', '113', '114',
  '115', '116', '117', '118', '119', '121', '122', '123', '124', '200', '201', '202', '203', '205', '207', '208', '209',
  '210', '212', '213', '214', '215', '217', '219', '220', '221', '222', '223', '228', '230', '231', '232', '233', '234'];

// {hea, dat} of the 24-hour record: the .dat files concatenate into one valid format-212 stream; the
// checksums add up (16-bit wrap-around).
export function holter() {
  const dats = RECORDS.map((r) => read(path.join(MITDB, `${r}.dat`)));
  const dat = new Uint8Array(dats.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of dats) { dat.set(d, at); at += d.length; }
  const sums = [0, 0];
  for (const r of RECORDS) {
    const lines = fs.readFileSync(path.join(MITDB, `${r}.hea`), 'utf8').split('\n');
    for (let s = 0; s < 2; s++) sums[s] += Number(lines[1 + s].trim().split(/\s+/)[6]);
  }
  const cs = (v) => ((((v % 65536) + 65536 + 32768) % 65536) - 32768);
  const frames = dat.length / 3;
  const hea = `holter 2 360 ${frames}\nholter.dat 212 200 11 1024 0 ${cs(sums[0])} 0 ECG1\n` +
    `holter.dat 212 200 11 1024 0 ${cs(sums[1])} 0 ECG2\n`;
  return { hea, dat };
}

function input(name) {
  if (name === 'holter') return holter();
  const file = (ext) => path.join(examples, `${name}.${ext}`);
  return { hea: read(file('hea')), dat: read(file('dat')), atr: fs.existsSync(file('atr')) ? read(file('atr')) : undefined };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [mode, name, out, chunk] = process.argv.slice(2);
  const av = await createAnalyzer();  // the default (context) model
  const bytes = input(name);
  const started = performance.now();
  let progressCalls = 0;
  const result = mode === 'stream'
    ? await av.analyzeStream(bytes, { chunkSeconds: Number(chunk ?? 300), onProgress: () => progressCalls++ })
    : av.analyze(av.readWfdb(bytes));
  const ms = performance.now() - started;
  fs.writeFileSync(out, JSON.stringify({ heapBytes: av.memoryUsage().heapBytes, ms, progressCalls, result }));
}
