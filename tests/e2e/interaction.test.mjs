// Calipers and keys in the demo: record 100's first RR, taken from its .atr through the package's own reader,
// measured with the calipers by dragging (within one sample) and moved a sample at a time with the keys; and the
// chart's shortcuts working whatever has focus (a chart button just clicked), but not inside a text field.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, openDemo, cliAnalysis, ROOT, ARTIFACTS, waitDemoReady, waitBeatCount } from './browser.mjs';
import { createAnalyzer } from '../../src/js/index.js';

const DATA = path.join(ROOT, 'examples', 'data');
const BEAT_SYMBOLS = new Set('NLRBAaJSVrFejnE/fQ?'.split(''));

let env;
test.before(async () => { env = await launch({ viewport: { width: 1440, height: 1000 } }); });
test.after(async () => { await env?.close(); });

async function loadSample100(page) {
  await waitDemoReady(page);
  await page.click('#load-sample');
  await waitBeatCount(page);
}
const view = (page) => page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
const caliper = (page) => page.locator('#detail').evaluate((c) => [Number(c.dataset.caliperStart), Number(c.dataset.caliperEnd)]);

test("calipers measure record 100's first RR from its .atr within one sample, by drag and by keys", async () => {
  const av = await createAnalyzer();
  const record = av.readWfdb({ hea: readFileSync(path.join(DATA, '100.hea'), 'utf8'), dat: readFileSync(path.join(DATA, '100.dat')),
    atr: readFileSync(path.join(DATA, '100.atr')) });
  const fs = record.sampleRate;
  const [r1, r2] = record.annotations.filter((a) => BEAT_SYMBOLS.has(a.symbol)).map((a) => a.sample);
  const trace = record.leads[record.leads.findIndex((l) => l.name === 'MLII')].samples;
  const rrMs = ((r2 - r1) / fs) * 1000;
  const sampleMs = 1000 / fs;
  av.dispose?.();

  const { page, errors } = await openDemo(env);
  await loadSample100(page);
  // A 2.5 s view from the start (under a sample per CSS pixel), through the chart's own buttons.
  await page.click('#zoom-in');
  await page.click('#zoom-in');
  for (let k = 0; k < 4; k++) await page.click('#pan-left');
  const [v0, v1] = await view(page);
  assert.equal(v0, 0);
  assert.ok(v1 > r2 && v1 <= 2.5 * fs + 1, `view ${v0}–${v1}`);

  await page.click('#calipers');
  assert.equal(await page.locator('#calipers').getAttribute('aria-pressed'), 'true');
  const box = await page.locator('#detail').boundingBox();
  const xOf = (s) => box.x + ((s - v0) / (v1 - v0)) * box.width;
  const yMid = box.y + box.height / 2;
  const drag = async (from, to) => {
    await page.mouse.move(xOf(from), yMid);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(xOf(from) + (k / 10) * (xOf(to) - xOf(from)), yMid);
    await page.mouse.up();
  };
  // A drag in empty strip starts new calipers there...
  const [f0, f1] = [r2 + Math.round(0.5 * fs), r2 + Math.round(0.9 * fs)];
  await drag(f0, f1);
  const [g0, g1] = await caliper(page);
  assert.ok(Math.abs(g0 - f0) <= 1 && Math.abs(g1 - f1) <= 1, `new calipers ${g0}–${g1}, dragged ${f0}–${f1}`);
  // ...and dragging an edge moves it: the first onto the .atr's first beat, the second onto its second.
  await drag(g0, r1);
  await drag(g1, r2);
  const [a, b] = await caliper(page);
  assert.ok(Math.abs(a - r1) <= 1 && Math.abs(b - r2) <= 1, `calipers ${a}–${b}, the .atr says ${r1}–${r2}`);
  const reading = await page.getByTestId('caliper-readout').textContent();
  const m = reading.match(/^Calipers: Δt (\d+) ms · ([\d.]+) bpm · ΔmV (−?)([\d.]+)$/);
  assert.ok(m, reading);
  assert.ok(Math.abs(Number(m[1]) - rrMs) <= sampleMs + 0.5, `Δt ${m[1]} ms, the .atr RR is ${rrMs.toFixed(1)} ms`);
  assert.ok(Math.abs(Number(m[2]) - 60000 / ((b - a) * sampleMs)) < 0.06, `rate ${m[2]} bpm for ${b - a} samples`);
  assert.ok(Math.abs((m[3] ? -1 : 1) * Number(m[4]) - (trace[b] - trace[a])) < 0.006, `ΔmV ${m[3]}${m[4]}`);
  assert.equal(await page.locator('.beat-card [data-testid="beat-explanation"]').isHidden(), true, 'a caliper drag selects no beat');
  await page.locator('.chart-card').screenshot({ path: path.join(ARTIFACTS, 'calipers-100-first-rr.png') });

  // M marches the interval out: dashed caliper lines at the next multiples of the RR, none before.
  const caliperColumns = (cols) => page.locator('#detail').evaluate((c, xs) => {
    const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const dpr = devicePixelRatio;
    return xs.map((x) => {
      let n = 0;
      for (let y = Math.round(40 * dpr); y < c.height - 40 * dpr; y++) {
        for (let dx = -3; dx <= 3; dx++) {
          const i = 4 * (y * c.width + Math.round(x * dpr) + dx);
          if (Math.abs(img[i] - 14) < 40 && Math.abs(img[i + 1] - 116) < 40 && Math.abs(img[i + 2] - 144) < 40) { n++; break; }
        }
      }
      return n;
    });
  }, cols);
  const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const marchAt = [a + 2 * (b - a), a + 3 * (b - a)].filter((s) => s < v1).map((s) => ((s - v0) / (v1 - v0)) * box.width);
  const between = [((a + 1.5 * (b - a) - v0) / (v1 - v0)) * box.width];
  assert.ok(marchAt.length >= 1, 'room for a marched interval');
  await settle();
  assert.ok((await caliperColumns(marchAt)).every((n) => n === 0), 'march lines before M');
  await page.keyboard.press('m');
  await settle();
  const marched = await caliperColumns(marchAt);
  assert.ok(marched.every((n) => n > 30), `march-out lines at ${marchAt.map((x) => x.toFixed(0))}: ${marched} caliper-coloured rows`);
  assert.deepEqual(await caliperColumns(between), [0], 'nothing between the marched edges');
  await page.locator('.chart-card').screenshot({ path: path.join(ARTIFACTS, 'calipers-100-march-out.png') });
  await page.keyboard.press('m');

  // Keys: → moves the second edge a sample, E switches to the first, Shift+← moves it ten.
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await caliper(page), [a, b + 1]);
  await page.keyboard.press('e');
  await page.keyboard.press('Shift+ArrowLeft');
  assert.deepEqual(await caliper(page), [a - 10, b + 1]);
  const moved = Number((await page.getByTestId('caliper-readout').textContent()).match(/Δt (\d+) ms/)[1]);
  assert.equal(moved, Math.round((b + 1 - (a - 10)) * sampleMs));
  // Escape leaves caliper mode; C (no pointer at all) comes back with the calipers on two detected beats.
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('caliper-readout').textContent(), '');
  assert.equal(await page.locator('#calipers').getAttribute('aria-pressed'), 'false');
  await page.locator('#detail').evaluate((c) => c.blur());
  await page.keyboard.press('c');
  const [ka, kb] = await caliper(page);
  assert.ok(ka < kb && Math.abs(ka - r1) <= 3 * fs / 100 && Math.abs(kb - r2) <= 3 * fs / 100, `keyboard calipers ${ka}–${kb}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('chart keys work after a chart button is clicked, and not while typing in a text field', async () => {
  const expected = cliAnalysis(path.join(DATA, '100.hea'));
  const { page, errors } = await openDemo(env);
  await loadSample100(page);
  await page.click('#zoom-10s');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'zoom-10s');
  // ] selects and explains the first beat although focus is on the button.
  await page.keyboard.press(']');
  await page.getByTestId('beat-explanation').waitFor({ state: 'visible' });
  assert.match(await page.locator('#beat-header').textContent(), new RegExp(`Beat 1 of ${expected.summary.beatCount}`));
  // + after clicking Pan right halves the span; → pans.
  await page.click('#pan-right');
  const [s0, e0] = await view(page);
  await page.keyboard.press('+');
  const [s1, e1] = await view(page);
  assert.ok(Math.abs((e1 - s1) - (e0 - s0) / 2) <= 1, `span ${e0 - s0} -> ${e1 - s1}`);
  await page.click('#zoom-out');
  const [s2] = await view(page);
  await page.keyboard.press('ArrowRight');
  assert.ok((await view(page))[0] > s2, 'ArrowRight after clicking Zoom out pans');
  // n after clicking the Calipers toggle off again jumps to the next abnormal beat.
  await page.click('#calipers');
  await page.click('#calipers');
  await page.keyboard.press('n');
  const header = await page.locator('#beat-header').textContent();
  const firstAbnormal = expected.beats.findIndex((bt, i) => i > 0 && bt.label !== 'N');
  assert.match(header, new RegExp(`Beat ${firstAbnormal + 1} of`), header);
  // Typing in the CSV rate field keeps its keys.
  const [s3, e3] = await view(page);
  await page.click('#csv-rate');
  await page.keyboard.press('-');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await view(page), [s3, e3], 'keys typed in a text field moved the chart');
  assert.deepEqual(errors, []);
  await page.close();
});
