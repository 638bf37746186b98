// All leads in the demo: record 119's second lead (V1) stacked under the MLII strip, on the same time axis through
// pans and paper mode; its trace drawn where the package's reader puts V1's largest sample in the view.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, ROOT, ARTIFACTS, openDemoWithRecord } from './browser.mjs';
import { createAnalyzer } from '../../src/js/index.js';

const DATA = path.join(ROOT, 'examples', 'data');
const record119 = ['119.hea', '119.dat'].map((f) => path.join(DATA, f));

test('record 119: "All leads" stacks V1 under MLII, sharing the time axis, and draws V1 itself', async () => {
  const av = await createAnalyzer();
  const rec = av.readWfdb({ hea: readFileSync(record119[0], 'utf8'), dat: readFileSync(record119[1]) });
  const names = rec.leads.map((l) => l.name);
  const v1 = rec.leads[names.indexOf('V1')].samples;
  av.dispose?.();
  assert.deepEqual(names, ['MLII', 'V1']);

  const env = await launch({ viewport: { width: 1440, height: 1000 } });
  try {
    const { page, errors } = await openDemoWithRecord(env, record119);
    assert.equal(await page.getByTestId('lead-stack').isHidden(), true);
    await page.check('#all-leads');
    await page.locator('.lead-strip[data-lead="V1"]').waitFor({ state: 'visible' });
    assert.deepEqual(await page.locator('.lead-strip').evaluateAll((s) => s.map((c) => c.dataset.lead)), ['V1']);
    const views = () => page.evaluate(() => [document.getElementById('detail'), ...document.querySelectorAll('.lead-strip')]
      .map((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]));
    const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await settle();
    let [main, strip] = await views();
    assert.deepEqual(strip, main);
    // Pan and zoom on the main strip: the V1 strip follows.
    await page.locator('#detail').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('+');
    await settle();
    [main, strip] = await views();
    assert.ok(main[0] > 0, 'the view moved');
    assert.deepEqual(strip, main);
    // Paper mode at 5 mm/mV (nothing clipped): the highest point of the V1 trace is at V1's largest sample in view.
    await page.check('#paper-mode');
    await page.selectOption('#paper-gain', '5');
    await page.locator('#detail').focus();
    await page.keyboard.press('ArrowRight');
    await settle();
    [main, strip] = await views();
    assert.deepEqual(strip, main);
    const drawn = await page.locator('.lead-strip').evaluate((c) => {
      const ctx = c.getContext('2d');
      const img = ctx.getImageData(0, 0, c.width, c.height).data;
      const left = Math.ceil((0.2 * 25 + 4) * 96 / 25.4 * devicePixelRatio) + 2;
      for (let y = 0; y < c.height; y++) {
        for (let x = left; x < c.width; x++) {
          const i = 4 * (y * c.width + x);
          if (img[i] < 60 && img[i + 1] < 60 && img[i + 2] < 80) return { x, width: c.width, left: left - 2 };
        }
      }
      return null;
    });
    let peak = main[0];
    for (let s = main[0]; s < main[1]; s++) if (v1[s] > v1[peak]) peak = s;
    const expectedX = drawn.left + ((peak - main[0]) / (main[1] - main[0])) * (drawn.width - drawn.left);
    assert.ok(Math.abs(drawn.x - expectedX) <= 3, `V1 trace top at x ${drawn.x}, V1's largest sample ${peak} maps to ${expectedX.toFixed(1)}`);
    await page.locator('.chart-card').screenshot({ path: path.join(ARTIFACTS, 'multilead-119.png') });
    await page.uncheck('#all-leads');
    assert.equal(await page.getByTestId('lead-stack').isHidden(), true);
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});
