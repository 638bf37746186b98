// Display fixes of the demo: rates shown rounded, the trace clipped to the plot, the drop zone opening the file
// chooser, class colours with WCAG AA contrast that stay apart for deuteranopes plus a marker shape per class, and
// a print stylesheet (no toolbar, no buttons, white paper).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch, openDemo, cliAnalysis, ROOT, ARTIFACTS, waitDemoReady, waitBeatCount, openDemoWithRecord } from './browser.mjs';
import { createAnalyzer } from '../../src/js/index.js';

const DATA = path.join(ROOT, 'examples', 'data');
const record119 = ['119.hea', '119.dat'].map((f) => path.join(DATA, f));

let env;
test.before(async () => { env = await launch({ viewport: { width: 1440, height: 1000 } }); });
test.after(async () => { await env?.close(); });


// WCAG 2 relative luminance and contrast of CSS rgb() colours; Machado et al. 2009 deuteranopia (severity 1).
const rgb = (css) => css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
const lin = (c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
const luminance = (c) => { const [r, g, b] = c.map(lin); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const DEUTAN = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]];
const deutan = (c) => { const v = c.map(lin); return DEUTAN.map((r) => Math.min(1, Math.max(0, r[0] * v[0] + r[1] * v[1] + r[2] * v[2]))); };
const deutanDistance = (a, b) => Math.hypot(...deutan(a).map((v, k) => v - deutan(b)[k]));

test('rates are shown rounded: a CSV whose time column gives 360.0000026… Hz reads "360 Hz"', async () => {
  const av = await createAnalyzer();
  const rec = av.readWfdb({ hea: readFileSync(path.join(DATA, '100.hea'), 'utf8'), dat: readFileSync(path.join(DATA, '100.dat')) });
  const lead = rec.leads[0].samples.slice(0, 20 * 360);
  av.dispose?.();
  const dir = path.join(ARTIFACTS, 'fixes');
  mkdirSync(dir, { recursive: true });
  const lines = ['time,MLII', ...Array.from(lead, (v, i) => `${(i / 360).toFixed(6)},${v.toFixed(4)}`)];
  writeFileSync(path.join(dir, 'rate.csv'), lines.join('\n') + '\n');
  const { page, errors } = await openDemoWithRecord(env, path.join(dir, 'rate.csv'));
  const name = await page.locator('#record-name').textContent();
  assert.match(name, / · 360 Hz · /, name);
  const formatted = await page.evaluate(async () => {
    const { formatRate } = await import('/web/dom.js');
    return [360.0000026669136, 512, 511.99999, 128.5, 250.123].map(formatRate);
  });
  assert.deepEqual(formatted, ['360 Hz', '512 Hz', '512 Hz', '128.5 Hz', '250.12 Hz']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a new CSV rate is applied to the CSV already open', async () => {
  const av = await createAnalyzer();
  const rec = av.readWfdb({ hea: readFileSync(path.join(DATA, '100.hea'), 'utf8'), dat: readFileSync(path.join(DATA, '100.dat')) });
  const lead = rec.leads[0].samples.slice(0, 20 * 360);
  av.dispose?.();
  const dir = path.join(ARTIFACTS, 'fixes');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'no-time.csv'), ['MLII', ...Array.from(lead, (v) => v.toFixed(4))].join('\n') + '\n');
  const { page, errors } = await openDemoWithRecord(env, path.join(dir, 'no-time.csv'));
  assert.match(await page.locator('#record-name').textContent(), / · 360 Hz · 20 s$/);
  await page.fill('#csv-rate', '250');
  await page.locator('#csv-rate').dispatchEvent('change');
  await page.waitForFunction(() => / · 250 Hz · /.test(document.getElementById('record-name').textContent), null, { timeout: 30000 });
  await waitBeatCount(page);
  assert.match(await page.locator('#record-name').textContent(), / · 250 Hz · 29 s$/, `${7200 / 250} s at 250 Hz`);
  const [, end] = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
  assert.equal(end, 10 * 250, 'the strip opens on 10 s at the new rate');
  assert.match(await page.locator('#summary-meta').textContent(), /Duration00:28/, '7200 samples at 250 Hz are 28.8 s');
  assert.deepEqual(errors, []);
  await page.close();
});

test('two records dropped at once: the page asks which to open, and opens that one', async () => {
  const { page, errors } = await openDemo(env);
  await waitDemoReady(page);
  const files = ['100.hea', '100.dat', '100.atr', '119.hea', '119.dat'].map((f) => path.join(DATA, f));
  await page.setInputFiles('#file-input', files);
  const choice = page.getByTestId('record-choice');
  await choice.waitFor({ state: 'visible' });
  assert.deepEqual(await choice.locator('button').allTextContents(), ['100', '119']);
  assert.match(await choice.textContent(), /^2 records were dropped; open one: /);
  assert.equal(await page.locator('#welcome').isVisible(), true, 'nothing is opened before the choice');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '100');
  await page.screenshot({ path: path.join(ARTIFACTS, 'fixes-two-records.png') });
  await choice.locator('button', { hasText: '119' }).click();
  await waitBeatCount(page);
  assert.match(await page.locator('#record-name').textContent(), /^119 · 360 Hz · /);
  assert.equal(Number(await page.getByTestId('beat-count').textContent()), cliAnalysis(record119[0]).summary.beatCount);
  assert.equal(await choice.isHidden(), true);
  // A multi-segment record's files (segments named on their own) stay one record.
  const grouped = await page.evaluate(async () => {
    const { groupRecords } = await import('/web/records.js');
    const f = (name, text) => ({ name, bytes: new TextEncoder().encode(text).buffer });
    const multi = [f('m.hea', '# multi-segment\nm/2 1 360 720\nm_1 360\nm_2 360\n'), f('m_1.hea', 'm_1 1 360 360\n'),
      f('m_1.dat', 'x'), f('m_2.hea', 'm_2 1 360 360\n'), f('m_2.dat', 'x')];
    const two = [f('a.csv', '1\n'), f('b.edf', '0       ')];
    return [groupRecords(multi).length, groupRecords(two).map((r) => r.name)];
  });
  assert.deepEqual(grouped, [1, ['a', 'b']]);
  // One record's files (header, signal, annotations) are still opened at once.
  await page.setInputFiles('#file-input', files.slice(0, 3));
  await page.waitForFunction(() => /^100 /.test(document.getElementById('record-name').textContent), null, { timeout: 30000 });
  assert.equal(await choice.isHidden(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the trace is clipped to the plot: 20 mm/mV paper on record 119 reaches the plot edge and goes no further', async () => {
  const expected = cliAnalysis(record119[0]);
  const { page, errors } = await openDemoWithRecord(env, record119);
  await page.check('#paper-mode');
  await page.selectOption('#paper-gain', '20');
  const firstV = expected.beats.find((b) => b.label === 'V').sample;
  await page.locator('#detail').focus();
  for (let k = 0; k < 50; k++) {
    const end = Number(await page.locator('#detail').getAttribute('data-view-end'));
    if (end > firstV + 360) break;
    await page.keyboard.press('ArrowRight');
  }
  await page.locator('#detail').evaluate((c) => c.blur());
  await page.mouse.move(0, 0);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const rows = await page.locator('#detail').evaluate((c) => {
    const dpr = window.devicePixelRatio;
    const ctx = c.getContext('2d');
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    const top = Math.round(26 * dpr);
    const plotBottom = c.height - Math.round(16 * dpr);   // no reference row: no .atr
    const left = Math.ceil((0.2 * 25 + 4) * 96 / 25.4 * dpr) + 1;
    const isTrace = (x, y) => { const i = 4 * (y * c.width + x); return img[i] < 35 && img[i + 1] < 40 && img[i + 2] < 55; };
    const count = (y0, y1) => { let n = 0; for (let y = y0; y < y1; y++) for (let x = left; x < c.width; x++) n += isTrace(x, y); return n; };
    return { inside: count(top, top + 3) + count(plotBottom - 3, plotBottom), outside: count(0, top - 1) + count(plotBottom + 1, c.height) };
  });
  assert.ok(rows.inside > 0, 'at 20 mm/mV the PVCs of record 119 reach the edge of the plot');
  assert.equal(rows.outside, 0, 'trace pixels outside the plot');
  await page.locator('.chart-card').screenshot({ path: path.join(ARTIFACTS, 'fixes-119-clipped.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the 1 mV scale bar hides no trace: record 100 is drawn in the first 0.4 s beside it', async () => {
  const { page, errors } = await openDemoWithRecord(env);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const dark = await page.locator('#detail').evaluate((c) => {
    const dpr = devicePixelRatio;
    const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    // Columns 14-46 CSS px (about 0.13-0.43 s of a 10 s view) and the 1 mV below the plot's top: where the old
    // white label box was, over the first R peak.
    const mv = Number(c.dataset.pxPerMv) * dpr;
    for (let y = Math.round(28 * dpr); y < 34 * dpr + mv; y++) {
      for (let x = Math.round(14 * dpr); x < 46 * dpr; x++) {
        const i = 4 * (y * c.width + x);
        n += img[i] < 35 && img[i + 1] < 40 && img[i + 2] < 55;
      }
    }
    return n;
  });
  assert.ok(dark > 100, `only ${dark} trace pixels beside the scale bar (the old label box left 14)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the drop zone opens the file chooser on click and on Enter', async () => {
  const { page } = await openDemo(env);
  await waitDemoReady(page);
  // A standing listener turns on file-chooser interception before the first click (waitForEvent alone can race it).
  const choosers = [];
  page.on('filechooser', (c) => choosers.push(c));
  await page.waitForTimeout(300);
  const next = async (n) => {
    for (const end = Date.now() + 15000; choosers.length < n; await page.waitForTimeout(50)) {
      if (Date.now() > end) throw new Error(`no file chooser ${n}`);
    }
    return choosers[n - 1];
  };
  await page.click('#dropzone');
  const chooser = await next(1);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles([]);   // closed without a choice
  await page.focus('#dropzone');
  await page.keyboard.press('Enter');
  await (await next(2)).setFiles(record119);
  await waitBeatCount(page);
  await page.close();
});

test('class chips have AA contrast, A and V stay apart for deuteranopes, and each class has its own marker', async () => {
  const { page, errors } = await openDemoWithRecord(env, record119);
  const chips = await page.locator('#class-counts tbody tr').evaluateAll((rows) => rows.map((r) => {
    const s = getComputedStyle(r.querySelector('.chip'));
    return { cls: r.dataset.class, bg: s.backgroundColor, fg: s.color };
  }));
  assert.deepEqual(chips.map((c) => c.cls), ['N', 'L', 'R', 'A', 'V']);
  for (const c of chips) {
    const ratio = contrast(rgb(c.bg), rgb(c.fg));
    assert.ok(ratio >= 4.5, `${c.cls} chip ${c.fg} on ${c.bg}: ${ratio.toFixed(2)}:1`);
  }
  const of = Object.fromEntries(chips.map((c) => [c.cls, rgb(c.bg)]));
  // The old A (#d97706) and V (#dc2626) were 0.17 apart under deuteranopia; the new pair must be well apart.
  assert.ok(deutanDistance([0xd9, 0x77, 0x06], [0xdc, 0x26, 0x26]) < 0.2);
  assert.ok(deutanDistance(of.A, of.V) > 0.4, `A–V under deuteranopia: ${deutanDistance(of.A, of.V).toFixed(3)}`);
  for (const [p, q] of [['N', 'V'], ['N', 'A'], ['L', 'V'], ['R', 'A']]) {
    assert.ok(deutanDistance(of[p], of[q]) > 0.12, `${p}–${q} under deuteranopia: ${deutanDistance(of[p], of[q]).toFixed(3)}`);
  }
  const shapes = await page.evaluate(async () => (await import('/src/js/chart.js')).MARKER_SHAPES);
  assert.equal(new Set(Object.values(shapes)).size, 5, JSON.stringify(shapes));
  await page.click('#zoom-10s');
  await page.locator('.chart-card').screenshot({ path: path.join(ARTIFACTS, 'fixes-119-markers.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('printing shows the findings on white, without the toolbar or any button', async () => {
  const { page, errors } = await openDemoWithRecord(env);
  await page.emulateMedia({ media: 'print' });
  const s = await page.evaluate(() => ({
    topbar: getComputedStyle(document.querySelector('.topbar')).display,
    buttons: [...document.querySelectorAll('button')].filter((b) => b.getClientRects().length > 0).map((b) => b.id || b.textContent),
    selects: [...document.querySelectorAll('select')].filter((b) => b.getClientRects().length > 0).length,
    body: getComputedStyle(document.body).backgroundColor,
    root: getComputedStyle(document.documentElement).backgroundColor,
    chart: document.getElementById('detail').getClientRects().length,
    summary: document.querySelector('.summary-card').getClientRects().length,
  }));
  assert.equal(s.topbar, 'none');
  assert.deepEqual(s.buttons, []);
  assert.equal(s.selects, 0);
  assert.equal(s.body, 'rgb(255, 255, 255)');
  assert.match(s.root, /^rgb\(255, 255, 255\)$|^rgba\(0, 0, 0, 0\)$/);
  assert.equal(s.chart, 1, 'the strip prints');
  assert.equal(s.summary, 1, 'the summary prints');
  await page.screenshot({ path: path.join(ARTIFACTS, 'print-100.png'), fullPage: true });
  await page.pdf({ path: path.join(ARTIFACTS, 'print-100.pdf'), format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('.topbar')).display), 'none');
  assert.deepEqual(errors, []);
  await page.close();
});
