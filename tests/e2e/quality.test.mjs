// Signal quality in the demo: five minutes of record 119 with a flat stretch (60-90 s) and a noise stretch
// (180-210 s) written as a CSV file, and a 60-second sine wave. The page must show the engine's quality line and
// warnings, shade the unusable stretches on the overview and on the strip (where the CLI puts them, and nowhere
// else), draw noisy beats hollow, and export a noisy column in the beats CSV.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch, openDemo, cliAnalysis, ROOT, ARTIFACTS, waitDemoReady } from './browser.mjs';
import { createAnalyzer } from '../../src/js/index.js';

const FS = 360;
let env;
let dir;

function writeCsv(file, rate, samples, name) {
  const lines = [`time,${name}`];
  for (let i = 0; i < samples.length; i++) lines.push(`${(i / rate).toFixed(6)},${samples[i].toFixed(4)}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

test.before(async () => {
  env = await launch();
  dir = path.join(ARTIFACTS, 'quality');
  mkdirSync(dir, { recursive: true });
  const av = await createAnalyzer({ model: null });
  const data = path.join(ROOT, 'examples/data');
  const rec = av.readWfdb({ hea: readFileSync(path.join(data, '119.hea')), dat: readFileSync(path.join(data, '119.dat')) });
  const x = rec.samples('MLII').slice(0, 300 * FS);
  av.dispose();
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  x.fill(0, 60 * FS, 90 * FS);                                          // electrode off: a flat line
  for (let i = 180 * FS; i < 210 * FS; i++) x[i] += 6 * (random() - 0.5);   // ±3 mV of broadband noise
  writeCsv(path.join(dir, '119-flat-noise.csv'), FS, x, 'MLII');
  const sine = Float32Array.from({ length: 60 * 250 }, (_, i) => Math.sin((2 * Math.PI * 1.2 * i) / 250));
  writeCsv(path.join(dir, 'sine.csv'), 250, sine, 'ECG');
});
test.after(async () => { await env?.close(); });

async function upload(page, file) {
  await waitDemoReady(page);
  await page.setInputFiles('#file-input', [file]);
  await page.waitForFunction(() => /beats in/.test(document.getElementById('status-text').textContent), null, { timeout: 60000 });
  return Number(await page.getByTestId('beat-count').textContent());
}

// Pixels of one canvas column (device pixels), as [r, g, b] rows from yFrom to yTo (fractions of the height).
function column(page, id, xCss, yFrom = 0, yTo = 1) {
  return page.evaluate(({ id, xCss, yFrom, yTo }) => {
    const c = document.getElementById(id);
    const scale = c.width / c.clientWidth;
    const y0 = Math.floor(yFrom * c.height);
    const h = Math.max(1, Math.floor(yTo * c.height) - y0);
    const d = c.getContext('2d').getImageData(Math.round(xCss * scale), y0, 1, h).data;
    const out = [];
    for (let i = 0; i < d.length; i += 4) out.push([d[i], d[i + 1], d[i + 2]]);
    return out;
  }, { id, xCss, yFrom, yTo });
}
const count = (pixels, [r, g, b]) => pixels.filter((p) => p[0] === r && p[1] === g && p[2] === b).length;
const nextFrame = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

test('unusable stretches: the quality line, shading on the overview and the strip, hollow noisy beats, CSV column', async () => {
  const file = path.join(dir, '119-flat-noise.csv');
  const expected = cliAnalysis(file);
  const q = expected.summary.signalQuality;
  assert.deepEqual(q.unusable.map((u) => u.reason), ['flat', 'noisy'], 'the engine finds both stretches');
  assert.ok(q.noisyBeats > 0);

  const { page, foreign, errors } = await openDemo(env);
  assert.equal(await upload(page, file), expected.summary.beatCount);
  const line = await page.getByTestId('signal-quality').textContent();
  assert.ok(line.startsWith(`Signal quality: ${q.usablePercent.toFixed(1)} % usable · 2 unusable stretches`), line);
  assert.match(line, new RegExp(`· ${q.noisyBeats} noisy beats$`));
  assert.equal(await page.getByTestId('quality-warnings').isHidden(), expected.warnings.length === 0);
  assert.match(await page.locator('#legend').textContent(), /unusable signal.*noisy beat/);

  // Overview: inside each stretch no pixel of the column keeps the plain background; outside, many do.
  const n = expected.durationSec * FS;
  const ov = await page.locator('#overview').boundingBox();
  const ovX = (sec) => (sec * FS / n) * ov.width;
  const BG = [248, 250, 252];
  await nextFrame(page);
  for (const u of q.unusable) {
    const inside = await column(page, 'overview', ovX((u.startSec + u.endSec) / 2));
    assert.equal(count(inside, BG), 0, `overview not shaded at ${(u.startSec + u.endSec) / 2} s`);
  }
  for (const sec of [40, 130, 260]) {
    const outside = await column(page, 'overview', ovX(sec));
    assert.ok(count(outside, BG) > outside.length / 3, `overview shaded at ${sec} s, which is usable`);
  }

  // Strip: a 60-second view centred on the flat stretch; the paper stays white outside it and is tinted inside.
  await page.click('#zoom-60s');
  const flat = q.unusable[0];
  await page.mouse.click(ov.x + ovX((flat.startSec + flat.endSec) / 2), ov.y + ov.height / 2);
  await nextFrame(page);
  const view = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
  const det = await page.locator('#detail').boundingBox();
  const detX = (sec) => ((sec * FS - view[0]) / (view[1] - view[0])) * det.width;
  const WHITE = [255, 255, 255];
  const mid = await column(page, 'detail', detX((flat.startSec + flat.endSec) / 2), 0.3, 0.7);
  assert.equal(count(mid, WHITE), 0, 'the flat stretch is not shaded on the strip');
  const before = flat.startSec - 3;
  assert.ok(view[0] < before * FS, `view ${view} starts after ${before} s`);
  const clear = await column(page, 'detail', detX(before), 0.3, 0.7);
  assert.ok(count(clear, WHITE) > clear.length / 2, `the strip is shaded at ${before} s, which is usable`);

  // Noisy beats: hollow (white inside the marker) where a beat outside the stretches is filled with its class colour.
  // The noisy beat with the most room around it, so that it gets a labelled marker (radius 8).
  const bs = expected.beats;
  const room = (i) => Math.min(bs[i].sample - (bs[i - 1]?.sample ?? -Infinity), (bs[i + 1]?.sample ?? Infinity) - bs[i].sample);
  const candidates = bs.map((b, i) => i).filter((i) => bs[i].noisy && bs[i].sample > (q.unusable[1].startSec + 2) * FS &&
                                                      bs[i].sample < (q.unusable[1].endSec - 2) * FS);
  const noisy = bs[candidates.reduce((a, i) => (room(i) > room(a) ? i : a))];
  const clean = expected.beats.find((b) => !b.noisy && b.sample > 250 * FS);
  const markerInside = async (beat) => {
    await page.click('#zoom-10s');
    await page.mouse.click(ov.x + ovX(beat.sample / FS), ov.y + ov.height / 2);
    await nextFrame(page);
    const v = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
    const bx = ((beat.sample - v[0]) / (v[1] - v[0])) * det.width;
    // Inside a labelled marker (radius 8), left of its letter (within about 4 px of the centre).
    return page.evaluate(({ bx }) => {
      const c = document.getElementById('detail');
      const dpr = c.width / c.clientWidth;
      const d = c.getContext('2d').getImageData(Math.round((bx - 6) * dpr), Math.round(12 * dpr), 1, 1).data;
      return [d[0], d[1], d[2]];
    }, { bx });
  };
  assert.deepEqual(await markerInside(noisy), WHITE, `noisy beat at ${noisy.time} s is not hollow`);
  assert.notDeepEqual(await markerInside(clean), WHITE, `beat at ${clean.time} s is drawn hollow`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'quality-noisy-beats.png') });

  // The beats CSV has a noisy column: 1 exactly for the engine's noisy beats.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const out = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(out);
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((r) => r.split(','));
  const col = rows[0].indexOf('noisy');
  assert.ok(col > 0, `no noisy column in ${rows[0]}`);
  assert.deepEqual(rows.slice(1).map((r) => r[col]), expected.beats.map((b) => (b.noisy ? '1' : '0')));
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sine wave is not an ECG: the warning is shown, the whole record shaded', async () => {
  const file = path.join(dir, 'sine.csv');
  const expected = cliAnalysis(file);
  assert.deepEqual(expected.warnings.map((w) => w.code), ['not_ecg_waveform']);
  const { page, errors } = await openDemo(env);
  await upload(page, file);
  const notice = page.getByTestId('quality-warnings');
  assert.equal(await notice.isVisible(), true);
  assert.deepEqual(await notice.locator('p').evaluateAll((ps) => ps.map((p) => p.dataset.code)), ['not_ecg_waveform']);
  const text = await notice.textContent();
  assert.ok(text.startsWith('Warning: The lead has no QRS-like peaks'), text);
  assert.ok(text.toLowerCase().includes(expected.warnings[0].message.toLowerCase()), text);
  assert.match(await page.getByTestId('signal-quality').textContent(), /^Signal quality: 0\.0 % usable · 1 unusable stretch \(/);
  await nextFrame(page);
  const ov = await page.locator('#overview').boundingBox();
  for (const f of [0.1, 0.5, 0.9]) assert.equal(count(await column(page, 'overview', f * ov.width), [248, 250, 252]), 0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'quality-sine.png') });

  // The next, clean record clears the notice.
  await page.setInputFiles('#file-input', ['119.hea', '119.dat'].map((f) => path.join(ROOT, 'examples/data', f)));
  await page.waitForFunction(() => document.getElementById('record-name').textContent.startsWith('119 ') &&
    /beats in/.test(document.getElementById('status-text').textContent), null, { timeout: 60000 });
  assert.equal(await notice.isHidden(), true);
  assert.deepEqual(errors, []);
  await page.close();
});
