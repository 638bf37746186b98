// The RR tachogram and heart-rate trend under the overview, on record 232 (pauses up to 5.9 s): its longest RR is
// the CLI's, drawn as the highest dot where that beat is, and a click on the trend moves the strip there.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, cliAnalysis, ROOT, ARTIFACTS, openDemoWithRecord } from './browser.mjs';

const MITDB = path.join(ROOT, '..', 'shared', 'data', 'mitdb');
const record232 = ['232.hea', '232.dat', '232.atr'].map((f) => path.join(MITDB, f));

test('record 232: the tachogram shows the longest RR where it is, and a click jumps to the longest pause', async () => {
  const j = cliAnalysis(record232[0]);
  const fs = j.sampleRate;
  const length = Math.round(j.durationSec * fs);
  let longest = { ms: 0 };
  for (let k = 1; k < j.beats.length; k++) {
    const [a, b] = [j.beats[k - 1], j.beats[k]];
    const ms = ((b.sample - a.sample) / fs) * 1000;
    if (!a.noisy && !b.noisy && ms > longest.ms) longest = { ms, sample: b.sample };
  }
  const pause = j.summary.pauses.reduce((m, p) => (p.durationSec > m.durationSec ? p : m));
  const env = await launch({ viewport: { width: 1440, height: 1000 } });
  try {
    const { page, errors } = await openDemoWithRecord(env, record232, 90000);
    const trend = page.getByTestId('hr-trend');
    assert.ok(Math.abs(Number(await trend.getAttribute('data-rr-max-ms')) - longest.ms) < 0.1);
    assert.equal(Number(await trend.getAttribute('data-rr-max-sample')), longest.sample);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // The highest dark pixel of the tachogram band is the longest RR's dot.
    const top = await trend.evaluate((c) => {
      const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let y = 0; y < c.height * 0.55; y++) {
        for (let x = 0; x < c.width; x++) {
          const i = 4 * (y * c.width + x);
          if (img[i] === 0x33 && img[i + 1] === 0x41 && img[i + 2] === 0x55) return { x: x / devicePixelRatio, y };
        }
      }
      return null;
    });
    const box = await trend.boundingBox();
    const expectedX = (longest.sample / length) * box.width;
    assert.ok(top && Math.abs(top.x - expectedX) <= 2, `highest RR dot at ${top?.x}, the longest RR at ${expectedX.toFixed(1)} px`);
    // A click on the trend at the longest pause centres the strip on it.
    const at = Math.round(pause.startSec * fs);
    await page.mouse.click(box.x + (at / length) * box.width, box.y + box.height / 2);
    const [v0, v1] = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
    assert.ok(v0 <= at && at <= v1, `view ${v0}–${v1}, pause at ${at}`);
    assert.ok(Math.abs((v0 + v1) / 2 - at) <= (length / box.width) * 1.5, 'centred on the click');
    await page.locator('.chart-card').screenshot({ path: path.join(ARTIFACTS, 'trend-232.png') });
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});
