// The packed package under Vite: `npm pack`, an offline install into a clean temporary app, a Vite production
// build of a tiny page that imports the package by name, and that build served as plain static files. Vite must
// pick up the package's `new URL('…', import.meta.url)` references (the WASM modules, the model files) and its
// dynamic import of the formats module, and emit them as assets; the built page must analyse record 100 with the
// CLI's beat count, read a CSV file through the formats module, log no console errors, fetch the WASM and the
// weights from the emitted assets (not from node_modules) and send no request off its origin.
// Vite is resolved from the repository's own node_modules (a devDependency); the temporary app does not install it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openDemo, cliAnalysis, failedResponses, pageResult, ROOT, ARTIFACTS } from './browser.mjs';
import { installPackedPackage } from '../node/helpers.mjs';

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>arrhythmiavision with Vite</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <script type="module" src="/main.js"></script>
</head>
<body>
  <p id="out">analysing…</p>
</body>
</html>
`;

const MAIN_JS = `import { createAnalyzer } from 'arrhythmiavision';

const bytes = async (p) => {
  const r = await fetch(p);
  if (!r.ok) throw new Error(\`\${p}: HTTP \${r.status}\`);
  return new Uint8Array(await r.arrayBuffer());
};
const out = document.getElementById('out');
try {
  const [hea, dat] = await Promise.all([bytes('/data/100.hea'), bytes('/data/100.dat')]);
  const av = await createAnalyzer({ model: 'v1' });
  const result = av.analyze(av.readWfdb({ hea, dat }));
  // A CSV goes through the formats module (its own chunk and .wasm asset, loaded with the core by default).
  const csv = av.read(new TextEncoder().encode('time,ecg\\n0,0.1\\n0.004,0.2\\n0.008,0.3\\n'), 'a.csv');
  window.__result = { beats: result.summary.beatCount, model: av.info.model, labelled: result.beats.every((b) => b.label),
    csvSamples: csv.length, csvRate: csv.sampleRate };
  av.dispose();
  out.textContent = \`\${window.__result.beats} beats (\${window.__result.model})\`;
} catch (e) {
  out.textContent = \`error: \${e.name}: \${e.message}\`;
  window.__result = { error: \`\${e.name}: \${e.message}\` };
}
`;

// Makes <dir>/app (the tarball installed offline, index.html, main.js, public/ with record 100) and builds it with
// Vite into <dir>/app/dist; returns the output folder.
async function buildApp(dir) {
  const { project: app } = installPackedPackage(dir, 'app');
  fs.mkdirSync(path.join(app, 'public/data'), { recursive: true });
  for (const x of ['hea', 'dat']) fs.copyFileSync(path.join(ROOT, 'examples/data/100.' + x), path.join(app, 'public/data/100.' + x));
  fs.writeFileSync(path.join(app, 'public/favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>');
  fs.writeFileSync(path.join(app, 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(app, 'main.js'), MAIN_JS);

  const { build } = await import('vite');
  const outDir = path.join(app, 'dist');
  await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return outDir;
}

test('the packed package, built into an app with Vite, emits its WASM and model as assets and analyses a record', async () => {
  const expected = cliAnalysis(path.join(ROOT, 'examples/data/100.hea')).summary.beatCount;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'av-vite-'));
  let env;
  try {
    const outDir = await buildApp(dir);

    // Vite saw the literal `new URL(..., import.meta.url)` references and emitted the files (hashed names).
    const assets = fs.readdirSync(path.join(outDir, 'assets'));
    const wasm = assets.find((f) => /^arrhythmiavision-core-[\w-]+\.wasm$/.test(f));
    const formatsWasm = assets.find((f) => /^arrhythmiavision-formats-[\w-]+\.wasm$/.test(f));
    assert.ok(formatsWasm, `no emitted formats .wasm among ${assets.join(', ')}`);
    assert.equal(fs.statSync(path.join(outDir, 'assets', formatsWasm)).size, fs.statSync(path.join(ROOT, 'dist/arrhythmiavision-formats.wasm')).size);
    const weights = assets.find((f) => /^arrhythminet-v1-[\w-]+\.bin$/.test(f));
    assert.ok(wasm, `no emitted .wasm among ${assets.join(', ')}`);
    assert.ok(weights, `no emitted arrhythminet-v1 .bin among ${assets.join(', ')}`);
    assert.equal(fs.statSync(path.join(outDir, 'assets', wasm)).size, fs.statSync(path.join(ROOT, 'dist/arrhythmiavision-core.wasm')).size);
    assert.equal(fs.statSync(path.join(outDir, 'assets', weights)).size, fs.statSync(path.join(ROOT, 'models/arrhythminet-v1.bin')).size);
    assert.ok(!fs.existsSync(path.join(outDir, 'node_modules')), 'the build output has a node_modules folder');

    env = await launch({ root: outDir, viewport: { width: 800, height: 200 } });
    const failed = failedResponses(env.context);
    const { page, requests, foreign, errors } = await openDemo(env, '/index.html');
    const out = await pageResult(page, errors);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vite.png') });
    assert.deepEqual(failed, [], 'failed requests');
    assert.deepEqual(errors, [], 'console errors');
    assert.equal(out.error, undefined, `the page failed: ${out.error}`);
    assert.equal(out.beats, expected, 'beat count');
    assert.equal(out.model, 'arrhythminet-v1');
    assert.equal(out.labelled, true);
    assert.equal(out.csvSamples, 3);
    assert.equal(out.csvRate, 250);
    assert.match(await page.locator('#out').textContent(), new RegExp(`^${expected} beats`));
    // The page loaded the emitted files, not the package's originals.
    const pathnames = requests.map((u) => new URL(u).pathname);
    assert.ok(pathnames.includes(`/assets/${wasm}`), `the page did not fetch /assets/${wasm}: ${pathnames.join(', ')}`);
    assert.ok(pathnames.includes(`/assets/${weights}`), `the page did not fetch /assets/${weights}: ${pathnames.join(', ')}`);
    assert.ok(pathnames.includes(`/assets/${formatsWasm}`), `the page did not fetch /assets/${formatsWasm}: ${pathnames.join(', ')}`);
    assert.deepEqual(foreign, [], 'requests left the origin');
    await page.close();
  } finally {
    await env?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
