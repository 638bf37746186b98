// The packed package in a page: `npm pack`, an offline install into a clean temporary site, and a plain HTML page
// (no bundler) under the demo's strict CSP that imports the package through an import map. It must analyse
// record 100 on the main thread (createAnalyzer) and in the package's module worker (createWorkerAnalyzer), give
// the CLI's beat count both times, load the strip chart (arrhythmiavision/chart), log no console errors and send no
// request off its origin.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openDemo, cliAnalysis, failedResponses, pageResult, ROOT, ARTIFACTS } from './browser.mjs';
import { installPackedPackage } from '../node/helpers.mjs';

// The page's own script: a separate file, since the CSP allows no inline script (the import map is let in by hash).
const MAIN_JS = `import { createAnalyzer } from 'arrhythmiavision';
import { createWorkerAnalyzer } from 'arrhythmiavision/worker';
import { StripChart } from 'arrhythmiavision/chart';

const bytes = async (p) => {
  const r = await fetch(p);
  if (!r.ok) throw new Error(\`\${p}: HTTP \${r.status}\`);
  return new Uint8Array(await r.arrayBuffer());
};
const out = document.getElementById('out');
try {
  const files = () => Promise.all(['hea', 'dat', 'atr'].map((x) => bytes('data/100.' + x)))
    .then(([hea, dat, atr]) => ({ hea, dat, atr }));
  const av = await createAnalyzer({ model: 'v1' });
  const main = av.analyze(av.readWfdb(await files()), { beats: 'detect' });
  const wav = await createWorkerAnalyzer({ model: 'v1' });
  const worker = await wav.analyze(await wav.readWfdb(await files()), { beats: 'detect' });
  const result = { main: main.summary.beatCount, worker: worker.summary.beatCount, model: av.info.model,
    workerModel: wav.info.model, chart: typeof StripChart, labelled: main.beats.every((b) => b.label) && worker.beats.every((b) => b.label) };
  av.dispose();
  wav.dispose();
  out.textContent = \`main thread: \${result.main} beats; worker: \${result.worker} beats (\${result.model})\`;
  window.__result = result;
} catch (e) {
  out.textContent = \`error: \${e.name}: \${e.message}\`;
  window.__result = { error: \`\${e.name}: \${e.message}\` };
}
`;

// Makes <dir>/site: the tarball installed offline, record 100's files, index.html (CSP + import map) and main.js.
function buildSite(dir) {
  const { project: site } = installPackedPackage(dir, 'site');
  fs.mkdirSync(path.join(site, 'data'), { recursive: true });
  for (const x of ['hea', 'dat', 'atr']) fs.copyFileSync(path.join(ROOT, 'examples/data/100.' + x), path.join(site, 'data/100.' + x));

  // Entry files from the installed package's own exports map, as a browser import map.
  const pkg = JSON.parse(fs.readFileSync(path.join(site, 'node_modules/arrhythmiavision/package.json'), 'utf8'));
  const entry = (key) => {
    const target = pkg.exports[key];
    const file = typeof target === 'string' ? target : target.import ?? target.default;
    assert.ok(file, `exports["${key}"] has no import entry`);
    return './node_modules/arrhythmiavision/' + file.replace(/^\.\//, '');
  };
  const importMap = JSON.stringify({ imports: { arrhythmiavision: entry('.'), 'arrhythmiavision/worker': entry('./worker'),
    'arrhythmiavision/chart': entry('./chart') } });
  const hash = createHash('sha256').update(importMap).digest('base64');
  fs.writeFileSync(path.join(site, 'index.html'), `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy"
        content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'; worker-src 'self'; connect-src 'self'">
  <title>arrhythmiavision from npm pack</title>
  <link rel="icon" href="favicon.svg" type="image/svg+xml">
  <script type="importmap">${importMap}</script>
  <script type="module" src="main.js"></script>
</head>
<body>
  <p id="out">analysing…</p>
</body>
</html>
`);
  fs.writeFileSync(path.join(site, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>');
  fs.writeFileSync(path.join(site, 'main.js'), MAIN_JS);
  return site;
}

test('the packed package, installed into a clean site, analyses a record in a page and in its worker', async () => {
  const expected = cliAnalysis(path.join(ROOT, 'examples/data/100.hea')).summary.beatCount;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'av-pack-page-'));
  let env;
  try {
    const site = buildSite(dir);
    env = await launch({ root: site, viewport: { width: 800, height: 200 } });
    const failed = failedResponses(env.context);
    const { page, foreign, errors } = await openDemo(env, '/index.html');
    const out = await pageResult(page, errors);
    await page.screenshot({ path: path.join(ARTIFACTS, 'pack-page.png') });
    assert.deepEqual(failed, [], 'failed requests');
    assert.deepEqual(errors, [], 'console errors');
    assert.equal(out.error, undefined, `the page failed: ${out.error}`);
    assert.equal(out.main, expected, 'main-thread beat count');
    assert.equal(out.worker, expected, 'worker beat count');
    assert.equal(out.model, 'arrhythminet-v1');
    assert.equal(out.workerModel, 'arrhythminet-v1');
    assert.equal(out.labelled, true);
    assert.equal(out.chart, 'function', 'arrhythmiavision/chart loads in the page');
    assert.match(await page.locator('#out').textContent(), new RegExp(`main thread: ${expected} beats; worker: ${expected} beats`));
    assert.deepEqual(foreign, [], 'requests left the origin');
    await page.close();
  } finally {
    await env?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
