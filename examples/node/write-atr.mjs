#!/usr/bin/env node
// Writes the detected and classified beats of a record as a WFDB annotation file, so that WFDB tools (rdann, bxb,
// pschart, WAVE) and wfdb-python can read them beside the reference. Then reads the file back through the API
// and compares it with the reference annotations within 150 ms.
// Usage: node examples/node/write-atr.mjs [path/to/record.hea] [--annotator av] [--out-dir DIR]
//   writes DIR/<record>.<annotator> (default: a temporary directory; the annotator name "av" → 100.av)
import { readFileSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer } from 'arrhythmiavision';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const hea = args.find((a) => a.endsWith('.hea')) ?? fileURLToPath(new URL('../data/100.hea', import.meta.url));
const base = hea.slice(0, -4);
const annotator = opt('annotator', 'av');
const outDir = opt('out-dir', mkdtempSync(path.join(tmpdir(), 'arrhythmiavision-')));

const av = await createAnalyzer({ model: 'v1' });
const header = readFileSync(hea);
const dat = readFileSync(`${base}.dat`);
const rec = av.readWfdb({ hea: header, dat, ...(existsSync(`${base}.atr`) ? { atr: readFileSync(`${base}.atr`) } : {}) });
const result = av.analyze(rec);

// One annotation per beat: the sample at the record's own rate and the class as the WFDB symbol (N, L, R, A, V).
const bytes = av.writeAnnotations(result);
const out = path.join(outDir, `${path.basename(base)}.${annotator}`);
writeFileSync(out, bytes);
console.log(`wrote ${result.beats.length} annotations (${bytes.length} bytes) to ${out}`);
console.log(`  read it with WFDB: cp ${hea} ${base}.dat ${outDir}/ && rdann -r ${path.join(outDir, path.basename(base))} -a ${annotator}`);

// Read it back: the same beats, in order, with the same labels.
const back = av.readWfdb({ hea: header, dat, atr: bytes }).annotations;
const same = back.length === result.beats.length &&
  back.every((a, i) => a.sample === result.beats[i].sample && a.symbol === result.beats[i].label);
console.log(`read back: ${back.length} annotations, ${same ? 'identical to the result' : 'DIFFERENT from the result'}`);

// Against the reference: how many reference beats have a written beat within 150 ms?
const reference = rec.annotations.filter((a) => 'NLRBAaJSVrFejnE/fQ?'.includes(a.symbol));
if (reference.length) {
  const tol = Math.round(0.15 * rec.sampleRate);
  let j = 0;
  let found = 0;
  for (const r of reference) {
    while (j < back.length && back[j].sample < r.sample - tol) j++;
    if (j < back.length && Math.abs(back[j].sample - r.sample) <= tol) found++;
  }
  console.log(`${found} of ${reference.length} reference beats have a written beat within 150 ms`);
}
av.dispose();
process.exitCode = same ? 0 : 1;
