// The Web Worker helper (src/js/worker.js) in real Chromium: a page imports the package's worker entry, reads
// record 100 and analyses it off the main thread, with progress;
// errors come back as ArrhythmiaVisionError codes, and no request leaves the origin.
import test from 'node:test';
import assert from 'node:assert/strict';
import { launch, openDemo } from './browser.mjs';

test('createWorkerAnalyzer reads and analyses a record in a module worker', async () => {
  const env = await launch();
  try {
    const { page, foreign, errors } = await openDemo(env, '/examples/data/README.md');
    const failed = [];
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && failed.push(`${r.status()} ${r.url()}`));
    const out = await page.evaluate(async () => {
      const { createWorkerAnalyzer } = await import('/src/js/worker.js');
      const bytes = async (p) => new Uint8Array(await (await fetch(p)).arrayBuffer());
      const av = await createWorkerAnalyzer({ model: 'v1' });
      const rec = await av.readWfdb({ hea: await bytes('/examples/data/100.hea'), dat: await bytes('/examples/data/100.dat'),
        atr: await bytes('/examples/data/100.atr') });
      const progress = [];
      const result = await av.analyze(rec, { beats: 'reference', onProgress: (f) => progress.push(f) });
      const samples = await av.samples(rec, 'MLII');
      let code = null;
      try { await av.readCsv('no numbers'); } catch (e) { code = `${e.name}:${e.code}`; }
      av.dispose();
      return { info: av.info, name: rec.name, leads: rec.leads.map((l) => l.name), beats: result.summary.beatCount,
        labelled: result.beats.every((b) => b.label), progress, samples: samples.length, first: samples[0], code };
    });
    assert.equal(out.name, '100');
    assert.deepEqual(out.leads, ['MLII', 'V5']);
    assert.equal(out.beats, 2273);
    assert.equal(out.info.model, 'arrhythminet-v1');
    assert.equal(out.labelled, true);
    assert.equal(out.samples, 650000);
    assert.ok(Math.abs(out.first - -0.145) < 1e-6);
    assert.ok(out.progress.length >= 2 && out.progress.at(-1) === 1);
    assert.equal(out.code, 'ArrhythmiaVisionError:csv_no_numbers');
    assert.deepEqual(foreign, []);
    assert.deepEqual(failed, []);
    assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);  // the plain-text page has no favicon
    await page.close();
  } finally {
    await env.close();
  }
});
