// The embedding example between records: switching from 100 to 208 destroys the old StripChart (one set of
// listeners on the canvas, counted through the DevTools protocol), clears the selected beat and the tiles, lists
// 208's ventricular events with a note when some are not shown, and clicking an event shows it in the strip.
// (One chart's pointerdown listeners, not twice as many, after the switch.)
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, openDemo, cliAnalysis, ROOT, ARTIFACTS } from './browser.mjs';

test('the embed example resets between records and shows a clicked event', async () => {
  const cli100 = cliAnalysis(path.join(ROOT, 'examples/data/100.hea'), '--model', 'v1');
  const cli208 = cliAnalysis(path.join(ROOT, 'examples/data/208.hea'), '--model', 'v1');
  const env = await launch({ viewport: { width: 1280, height: 800 } });
  try {
    const { page, errors } = await openDemo(env, '/examples/embed/');
    const placeholder = await page.locator('#selected').textContent();
    const cdp = await env.context.newCDPSession(page);
    const listeners = async (type) => {
      const { result } = await cdp.send('Runtime.evaluate', { expression: "document.getElementById('detail')" });
      const { listeners: all } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      return all.filter((l) => l.type === type).length;
    };
    const loaded = (name) => page.waitForFunction((n) => new RegExp(`^${n}: \\d+ beats in`).test(document.getElementById('status').textContent),
      name, { timeout: 60000 });
    await page.waitForFunction(() => /ready$/.test(document.getElementById('status').textContent), null, { timeout: 30000 });
    await page.click('[data-record="100"]');
    await loaded('100');
    // Beat 13 of record 100, clicked in the strip.
    const view = () => page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
    const [v0, v1] = await view();
    const box = await page.locator('#detail').boundingBox();
    const b13 = cli100.beats[12];
    await page.mouse.click(box.x + ((b13.sample - v0) / (v1 - v0)) * box.width, box.y + box.height / 2);
    assert.match(await page.locator('#selected').textContent(), new RegExp(`^Beat 13 at ${b13.time.toFixed(2)} s: ${b13.label} `));
    const perChart = await listeners('pointerdown');   // the chart's and its pinch handler's
    assert.ok(perChart >= 1);

    await page.click('[data-record="208"]');
    await loaded('208');
    assert.equal(await page.locator('#selected').textContent(), placeholder, 'the previous record\'s beat is still shown');
    assert.equal(await listeners('pointerdown'), perChart, 'the previous chart still listens on the canvas');
    assert.equal(Number((await page.locator('#t-beats').textContent()).replace(/,/g, '')), cli208.summary.beatCount);
    const ev = cli208.summary.events;
    const total = ['vRuns', 'couplets', 'bigeminy', 'trigeminy'].reduce((n, k) => n + (ev[k]?.length ?? 0), 0);
    const buttons = page.locator('#events button');
    assert.equal(await buttons.count(), Math.min(100, total));
    if (total > 100) assert.equal(await page.locator('#events li.muted').last().textContent(), `Showing 100 of ${total} events`);
    // The last listed event, clicked: the strip shows it.
    const last = buttons.last();
    const text = await last.textContent();
    await last.click();
    const [w0, w1] = await view();
    const starts = ['vRuns', 'couplets', 'bigeminy', 'trigeminy'].flatMap((k) => ev[k] ?? []).sort((a, b) => a.start - b.start);
    const e = starts[Math.min(100, total) - 1];
    assert.ok(w0 <= e.start && e.start <= w1, `${text}: view ${w0}–${w1}, event at ${e.start}`);
    assert.match(await page.locator('#selected').textContent(), /^Beat \d+ at /);
    await page.screenshot({ path: path.join(ARTIFACTS, 'embed-208-after-100.png') });
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});
