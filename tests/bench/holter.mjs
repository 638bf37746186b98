// 24-hour benchmark: the 48 MIT-BIH records back to back as one two-lead WFDB record (31.2 M samples per
// lead, format 212), analysed chunk by chunk in the WASM build (the default model, Node, 1 thread). Prints the
// time, beats and peak WASM heap. Each run is a fresh process, so the heap figure is that run's own.
//   node tests/bench/holter.mjs [chunkSeconds=300] [runs=1]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const chunk = process.argv[2] ?? '300';
const runs = Number(process.argv[3] ?? 1);
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'av-holter-')), 'report.json');
for (let i = 0; i < runs; i++) {
  execFileSync(process.execPath, [path.join(root, 'tests/node/stream-child.mjs'), 'stream', 'holter', out, chunk], { stdio: 'inherit' });
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  const hours = r.result.durationSec / 3600;
  console.log(`24-hour two-lead record (${hours.toFixed(2)} h, ${r.result.beats.length} beats, ${chunk} s chunks): ` +
    `${(r.ms / 1000).toFixed(1)} s analyse (read + detect + classify, ${r.result.model.name}, WASM), ` +
    `peak WASM heap ${(r.heapBytes / 2 ** 20).toFixed(1)} MiB, ${r.progressCalls} progress reports, ` +
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`);
}
