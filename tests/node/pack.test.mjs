// `npm pack` gives a package that installs into a clean temporary project (offline, from the tarball) and runs
// there: the ESM import with its bundled WASM and models, the worker entry, the types, and the bin.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { examples, installPackedPackage, tempDir } from './helpers.mjs';

test('the packed tarball installs offline into a clean project; import and bin both work', () => {
  const dir = tempDir('av-pack-');
  const { packed, project } = installPackedPackage(dir, 'consumer');
  const files = packed.files.map((f) => f.path);
  for (const needed of ['package.json', 'src/js/index.js', 'src/js/index.d.ts', 'src/js/cli.js', 'src/js/worker.js',
    'src/js/chart.js', 'src/js/chart.d.ts', 'src/js/signal.js', 'src/js/format.js',
    'dist/arrhythmiavision-core.mjs', 'dist/arrhythmiavision-core.wasm', 'models/arrhythminet-v1.json', 'models/arrhythminet-v1.bin'])
    assert.ok(files.includes(needed), `${needed} is missing from the tarball`);
  assert.ok(!files.some((f) => f.startsWith('tests/') || f.startsWith('build/') || f.startsWith('models/training/')), 'no tests or build outputs');
  assert.deepEqual(files.filter((f) => f.startsWith('web/')), [], 'the demo page is not part of the package');

  assert.ok(fs.existsSync(path.join(project, 'node_modules/arrhythmiavision/dist/arrhythmiavision-core.wasm')));

  const hea = path.join(examples, '100.hea');
  fs.writeFileSync(path.join(project, 'use.mjs'), `
    import fs from 'node:fs';
    import { createAnalyzer, ArrhythmiaVisionError } from 'arrhythmiavision';
    import { createWorkerAnalyzer } from 'arrhythmiavision/worker';
    import { StripChart, CLASS_COLORS, minMaxPyramid } from 'arrhythmiavision/chart';
    const dir = ${JSON.stringify(examples)};
    const av = await createAnalyzer();
    const rec = av.readWfdb({ hea: fs.readFileSync(dir + '/100.hea'), dat: fs.readFileSync(dir + '/100.dat'), atr: fs.readFileSync(dir + '/100.atr') });
    const result = av.analyze(rec, { beats: 'reference' });
    let code = null;
    try { av.readCsv('no numbers here'); } catch (e) { code = e instanceof ArrhythmiaVisionError ? e.code : 'wrong type'; }
    console.log(JSON.stringify({ info: av.info, beats: result.summary.beatCount, labelled: result.beats.every((b) => b.label), code, worker: typeof createWorkerAnalyzer,
      chart: typeof StripChart, colors: Object.keys(CLASS_COLORS), pyramid: minMaxPyramid(new Float32Array(4096))[0].size }));
    av.dispose();
  `);
  const out = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8', timeout: 60000 }));
  assert.equal(out.beats, 2273);
  assert.equal(out.info.model, 'arrhythminet-v1-ctx');  // the default model
  assert.equal(out.labelled, true);
  assert.equal(out.code, 'csv_no_numbers');
  assert.equal(out.worker, 'function');
  assert.equal(out.chart, 'function');   // ./chart resolves from src/js and imports nothing outside the package
  assert.deepEqual(out.colors, ['N', 'L', 'R', 'A', 'V']);
  assert.equal(out.pyramid, 8);

  const bin = path.join(project, 'node_modules/.bin/arrhythmiavision');
  const text = execFileSync(bin, ['analyze', hea, '--format', 'text'], { cwd: project, encoding: 'utf8', timeout: 60000 });
  assert.match(text, /^record 100: lead MLII/m);
  assert.match(text, /^model: arrhythminet-v1-ctx/m);
  fs.rmSync(dir, { recursive: true, force: true });
});
