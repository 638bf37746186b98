// The demo on a phone (390 × 844): tapping a beat in the strip opens its explanation as a bottom sheet, so the
// explanation is on screen without scrolling and the tapped beat stays visible above it; Close and Esc put it away.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, cliAnalysis, ROOT, ARTIFACTS, openDemoWithRecord } from './browser.mjs';

const DATA = path.join(ROOT, 'examples', 'data');
const record119 = ['119.hea', '119.dat'].map((f) => path.join(DATA, f));

test('phone: a tapped beat explains itself in a bottom sheet, in view with the beat', async () => {
  const expected = cliAnalysis(record119[0]);
  const env = await launch({ viewport: { width: 390, height: 844 } });
  try {
    const { page, errors } = await openDemoWithRecord(env, record119);
    await page.locator('#detail').scrollIntoViewIfNeeded();
    const [v0, v1] = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
    const mid = (v0 + v1) / 2;
    const beat = expected.beats.reduce((m, b) => (Math.abs(b.sample - mid) < Math.abs(m.sample - mid) ? b : m));
    const index = expected.beats.indexOf(beat);
    let box = await page.locator('#detail').boundingBox();
    const x = box.x + ((beat.sample - v0) / (v1 - v0)) * box.width;
    await page.mouse.click(x, box.y + box.height / 2);
    await page.getByTestId('beat-explanation').waitFor({ state: 'visible' });
    assert.match(await page.locator('#beat-header').textContent(), new RegExp(`^${beat.label} Beat ${index + 1} of ${expected.summary.beatCount}`));
    await page.waitForFunction(() => document.getElementById('probabilities').children.length === 5);
    const inView = async (sel) => page.locator(sel).evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
    });
    assert.equal(await inView('#beat-header'), true, 'the explanation header is off screen');
    assert.equal(await inView('#beat-canvas'), true, 'the explained beat window is off screen');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-119-sheet.png') });
    assert.equal(await inView('#probabilities'), true, 'the class probabilities are off screen');
    // The tapped beat is still on screen and not under the sheet.
    box = await page.locator('#detail').boundingBox();
    const y = box.y + box.height / 2;
    assert.ok(y > 0 && y < 844, `strip at ${box.y}`);
    assert.equal(await page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.id, [x, y]), 'detail');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-119-sheet.png') });
    // Close puts the sheet away; the next tap opens it again; Esc closes it.
    await page.click('#beat-close');
    assert.equal(await page.evaluate(() => document.body.classList.contains('sheet-open')), false);
    await page.mouse.click(x, y);
    await page.waitForFunction(() => document.body.classList.contains('sheet-open'));
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.body.classList.contains('sheet-open')), false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});

test('phone: two fingers spreading on the strip zoom in about the point between them', async () => {
  const env = await launch({ viewport: { width: 390, height: 844 } });
  try {
    const { page, errors } = await openDemoWithRecord(env, record119);
    await page.locator('#detail').scrollIntoViewIfNeeded();
    const cdp = await env.context.newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    const view = () => page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
    const [v0, v1] = await view();
    const box = await page.locator('#detail').boundingBox();
    const cx = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const centre = v0 + 0.5 * (v1 - v0);
    const touch = (type, half) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [
      { x: cx - half, y, id: 1 }, { x: cx + half, y, id: 2 }] });
    await touch('touchStart', 40);
    for (let h = 50; h <= 160; h += 10) await touch('touchMove', h);
    await touch('touchEnd', 0);
    const [w0, w1] = await view();
    const ratio = (v1 - v0) / (w1 - w0);
    assert.ok(Math.abs(ratio - 4) < 0.4, `span ${v1 - v0} -> ${w1 - w0} (x${ratio.toFixed(2)}), fingers 80 -> 320 px apart`);
    assert.ok(Math.abs((w0 + w1) / 2 - centre) <= 0.02 * (v1 - v0), `zoomed about ${(w0 + w1) / 2}, fingers at ${centre}`);
    assert.equal(await page.evaluate(() => window.visualViewport.scale), 1, 'the page itself zoomed');
    assert.equal(await page.getByTestId('beat-explanation').isHidden(), true, 'a pinch is not a tap');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-119-pinched.png') });
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});

test('phone: beat labels do not overlap; non-N beats keep theirs, a beat too close to a label gets a small marker', async () => {
  const expected = cliAnalysis(record119[0]);
  const env = await launch({ viewport: { width: 390, height: 844 } });
  try {
    const { page, errors } = await openDemoWithRecord(env, record119);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const [v0, v1] = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
    // Which beats get a full pill: at least 20 CSS px from every other pill, non-N beats placed first.
    const box = await page.locator('#detail').boundingBox();
    const shown = expected.beats.filter((b) => b.sample >= v0 - 18 && b.sample < v1 + 18);
    const xs = shown.map((b) => ((b.sample - v0) / (v1 - v0)) * box.width);
    const taken = [];
    const full = xs.map(() => false);
    for (const wanted of [(b) => b.label !== 'N', (b) => b.label === 'N']) {
      shown.forEach((b, k) => {
        if (wanted(b) && taken.every((t) => Math.abs(t - xs[k]) >= 20)) { full[k] = true; taken.push(xs[k]); }
      });
    }
    assert.ok(shown.filter((b) => b.label === 'V').every((b) => full[shown.indexOf(b)]), 'every V beat keeps its label');
    assert.ok(full.some((f) => !f), 'record 119 in a 10 s view at 390 px has beats closer than a label');
    // A full pill covers the point 7 px above its centre (12 px down); a small marker does not.
    const covered = await page.locator('#detail').evaluate((c, points) => {
      const dpr = devicePixelRatio;
      const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return points.map((x) => {
        const i = 4 * (Math.round(5 * dpr) * c.width + Math.round(x * dpr));
        return img[i] + img[i + 1] + img[i + 2] < 600;
      });
    }, xs);
    xs.forEach((x, k) => {
      if (x < 10 || x > box.width - 10) return;
      assert.equal(covered[k], full[k], `beat at ${x.toFixed(1)} px: ${full[k] ? 'full pill' : 'small marker'} expected`);
    });
    await page.locator('#detail').screenshot({ path: path.join(ARTIFACTS, 'phone-119-markers.png') });
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});
