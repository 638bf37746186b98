// Paper mode of the strip chart (src/js/chart-paper.js through StripChart.setPaper): the scale in true CSS
// millimetres at two device pixel ratios (a page zoom changes devicePixelRatio), checked against the browser's own
// CSS mm (a 100 mm element) and measured from the drawn grid and calibration pulse in canvas pixels; and the demo's
// paper toggle.
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { launch, ROOT, ARTIFACTS, openDemoWithRecord } from './browser.mjs';

const FIXTURE = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#fff">
<div id="ruler" style="width:100mm;height:1px"></div>
<canvas id="o" style="display:block;width:100%;height:40px"></canvas>
<canvas id="d" style="display:block;width:100%;height:320px"></canvas>
<script type="module">
import { StripChart, minMaxPyramid } from '/src/js/chart.js';
const fs = 500;
const samples = new Float32Array(60 * fs);
for (let i = 0; i < samples.length; i++) if (i % fs < 10) samples[i] = 1;   // 1 mV, 20 ms spikes once a second
const chart = new StripChart(document.getElementById('o'), document.getElementById('d'));
chart.setSignal({ samples, levels: minMaxPyramid(samples), sampleRate: fs });
window.chart = chart;
</script>`;

/** Major grid line columns in one row of the detail canvas (exact colour of PAPER_MAJOR). */
async function gridMeasure(page, mmPerSec, mmPerMv) {
  return page.evaluate(async ([mmPerSec, mmPerMv]) => {
    const { PAPER_MAJOR } = await import('/src/js/chart-paper.js');
    const hex = [1, 3, 5].map((i) => parseInt(PAPER_MAJOR.slice(i, i + 2), 16));
    const c = document.getElementById('d');
    window.chart.setPaper({ mmPerSec, mmPerMv });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const ctx = c.getContext('2d');
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    const at = (x, y) => [img[4 * (y * c.width + x)], img[4 * (y * c.width + x) + 1], img[4 * (y * c.width + x) + 2]];
    const isMajor = (x, y) => at(x, y).every((v, k) => v === hex[k]);
    // Vertical lines: a row near the top of the plot that is not itself a horizontal line.
    let cols = [];
    for (let y = Math.round(c.height * 0.2); y < c.height * 0.4 && !cols.length; y++) {
      const row = [];
      for (let x = 0; x < c.width; x++) if (isMajor(x, y)) row.push(x);
      if (row.length > 5 && row.length < c.width / 4) cols = row;
    }
    // Horizontal lines: a column in the middle of the plot that is not itself a vertical line.
    let rows = [];
    for (let x = Math.round(c.width / 2) + 2; x < c.width && !rows.length; x++) {
      const col = [];
      for (let y = 0; y < c.height; y++) if (isMajor(x, y)) col.push(y);
      if (col.length > 2 && col.length < c.height / 4) rows = col;
    }
    // The calibration pulse: dark pixels in the column through its middle (2 mm + 0.1 s in).
    const cal = window.chart.calibration();
    const ratio = c.width / c.getBoundingClientRect().width;
    const px = Math.round((2 * cal.pxPerSec / mmPerSec + 0.1 * cal.pxPerSec) * ratio);
    const darkRows = (x) => { const out = []; for (let y = 0; y < c.height; y++) if (at(x, y)[0] < 170) out.push(y); return out; };
    const dark = [darkRows(px), darkRows(Math.round(cal.pxPerSec / mmPerSec * ratio))];   // pulse top; baseline 1 mm in
    return { cols, rows, dark, ratio, cal, mm: document.getElementById('ruler').getBoundingClientRect().width / 100,
      dpr: window.devicePixelRatio, view: window.chart.view, cssWidth: c.clientWidth };
  }, [mmPerSec, mmPerMv]);
}

/** Mean spacing of lines found at positions p that are nominally `nominal` apart (gaps under the trace skipped). */
function spacing(p, nominal) {
  let steps = 0;
  for (let k = 1; k < p.length; k++) steps += Math.round((p[k] - p[k - 1]) / nominal);
  return (p[p.length - 1] - p[0]) / steps;
}
/** The clusters of dark rows in a column (lines crossing it): their centres. */
function clusters(rows) {
  const groups = [[rows[0]]];
  for (let k = 1; k < rows.length; k++) {
    if (rows[k] - rows[k - 1] > 2) groups.push([]);
    groups[groups.length - 1].push(rows[k]);
  }
  return groups.map((g) => g.reduce((a, b) => a + b, 0) / g.length);
}

for (const [dpr, width] of [[1, 1440], [2, 1000]]) {
  test(`paper mode is true CSS millimetres at ${dpr}x device pixels: calibration(), grid and pulse`, async () => {
    const env = await launch({ viewport: { width, height: 900 }, deviceScaleFactor: dpr });
    writeFileSync(path.join(ROOT, 'test-artifacts', 'paper-fixture.html'), FIXTURE);
    try {
      const page = await env.context.newPage();
      await page.goto(`${env.url}/test-artifacts/paper-fixture.html`);
      await page.waitForFunction(() => window.chart);
      for (const [speed, gain] of [[25, 10], [50, 20], [25, 5]]) {
        const m = await gridMeasure(page, speed, gain);
        const label = `${dpr}x ${speed} mm/s ${gain} mm/mV`;
        assert.equal(m.dpr, dpr);
        assert.ok(Math.abs(m.ratio - dpr) < 0.01, `${label}: canvas at ${m.ratio} device px per CSS px`);
        const within1 = (got, want, what) => assert.ok(Math.abs(got / want - 1) < 0.01, `${label}: ${what} ${got}, CSS mm says ${want}`);
        // calibration() against the browser's CSS millimetre.
        within1(m.cal.pxPerSec, speed * m.mm, 'px per second');
        within1(m.cal.pxPerMv, gain * m.mm, 'px per mV');
        assert.equal(m.cal.mmPerSec, speed);
        assert.equal(m.cal.mmPerMv, gain);
        // The view is as many seconds as the plot is wide at this speed.
        const spanSec = (m.view.end - m.view.start) / 500;
        within1(spanSec * speed * m.mm, m.cssWidth - (0.2 * speed + 4) * m.mm, 'plot width from the view span');
        // Drawn: 5 mm squares across and down, in device pixels over the device/CSS ratio.
        const nominal = 5 * m.mm * m.ratio;
        assert.ok(m.cols.length > 10 && m.rows.length > 2, `${label}: grid lines found ${m.cols.length} x ${m.rows.length}`);
        within1(spacing(m.cols, nominal) / m.ratio, 5 * m.mm, 'major square width');
        within1(spacing(m.rows, nominal) / m.ratio, 5 * m.mm, 'major square height');
        // The 1 mV calibration pulse is `gain` mm tall.
        const [topLine, baseline] = m.dark.map((rows) => clusters(rows)[0]);
        assert.ok(Math.abs((baseline - topLine) / m.ratio - gain * m.mm) <= 1, `${label}: pulse ${(baseline - topLine) / m.ratio} CSS px, want ${gain * m.mm}`);
        if (speed === 25 && gain === 10) await page.screenshot({ path: path.join(ARTIFACTS, `paper-fixture-${dpr}x.png`) });
      }
      await page.close();
    } finally {
      await env.close();
    }
  });
}

test('the demo toggles paper mode: 25 mm/s and 10 mm/mV on the strip, the view set by the speed', async () => {
  const env = await launch({ viewport: { width: 1440, height: 1000 } });
  try {
    const { page, errors } = await openDemoWithRecord(env);
    const mm = await page.evaluate(() => {
      const d = document.createElement('div');
      d.style.width = '100mm';
      document.body.append(d);
      const w = d.getBoundingClientRect().width / 100;
      d.remove();
      return w;
    });
    assert.equal(await page.locator('#detail').getAttribute('data-paper'), '');
    await page.check('#paper-mode');
    await page.waitForFunction(() => document.getElementById('detail').dataset.paper === '25 mm/s 10 mm/mV');
    const perSec = Number(await page.locator('#detail').getAttribute('data-px-per-sec'));
    assert.ok(Math.abs(perSec / (25 * mm) - 1) < 0.01, `${perSec} px/s`);
    await page.selectOption('#paper-speed', '50');
    await page.selectOption('#paper-gain', '20');
    await page.waitForFunction(() => document.getElementById('detail').dataset.paper === '50 mm/s 20 mm/mV');
    const pxPerMv = Number(await page.locator('#detail').getAttribute('data-px-per-mv'));
    assert.ok(Math.abs(pxPerMv / (20 * mm) - 1) < 0.01, `${pxPerMv} px/mV`);
    await page.selectOption('#paper-speed', '25');
    await page.selectOption('#paper-gain', '10');
    await page.locator('.chart-card').screenshot({ path: path.join(ARTIFACTS, 'demo-paper-mode.png') });
    await page.uncheck('#paper-mode');
    await page.waitForFunction(() => document.getElementById('detail').dataset.paper === '');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await env.close();
  }
});

test('StripChart takes its colours from CSS custom properties on the canvas (theming)', async () => {
  const env = await launch({ viewport: { width: 1000, height: 700 } });
  writeFileSync(path.join(ROOT, 'test-artifacts', 'paper-fixture.html'), FIXTURE);
  try {
    const page = await env.context.newPage();
    await page.goto(`${env.url}/test-artifacts/paper-fixture.html`);
    await page.waitForFunction(() => window.chart);
    const pixels = () => page.evaluate(async () => {
      window.chart.redraw();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const c = document.getElementById('d');
      const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const counts = { black: 0, green: 0, magenta: 0, white: 0 };
      for (let i = 0; i < img.length; i += 4) {
        const [r, g, b] = [img[i], img[i + 1], img[i + 2]];
        if (r === 0 && g === 0 && b === 0) counts.black++;
        if (g > 200 && r < 60 && b < 60) counts.green++;
        if (r === 255 && g === 0 && b === 255) counts.magenta++;
        if (r === 255 && g === 255 && b === 255) counts.white++;
      }
      return counts;
    });
    const before = await pixels();
    assert.ok(before.white > before.black && before.green === 0 && before.magenta === 0, JSON.stringify(before));
    await page.evaluate(() => {
      const s = document.getElementById('d').style;
      s.setProperty('--av-paper', '#000000');
      s.setProperty('--av-trace', '#00ff00');
      s.setProperty('--av-grid-major', '#ff00ff');
      s.setProperty('--av-paper-major', '#ff00ff');
    });
    const dark = await pixels();
    assert.ok(dark.black > dark.white, `dark paper: ${JSON.stringify(dark)}`);
    assert.ok(dark.green > 200, `green trace: ${JSON.stringify(dark)}`);
    assert.ok(dark.magenta > 200, `magenta major grid: ${JSON.stringify(dark)}`);
    await page.evaluate(() => window.chart.setPaper({ mmPerSec: 25, mmPerMv: 10 }));
    const paper = await pixels();
    assert.ok(paper.magenta > 200 && paper.green > 200, `paper mode themed: ${JSON.stringify(paper)}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chart-theme-dark.png') });
    await page.close();
  } finally {
    await env.close();
  }
});
