// The Holter report in Debian's Chromium: the CLI's HTML makes no request at all, prints to an A4 PDF and draws its
// ECG strips at 25 mm/s in print; the demo's Report view shows the same report for the loaded record (its stylesheet
// allowed by the page's CSP) and prints the frame.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { launch, cliAnalysis, ROOT, ARTIFACTS, openDemoWithRecord } from './browser.mjs';

const DATA = path.join(ROOT, 'examples', 'data');
const record208 = ['208.hea', '208.dat', '208.atr'].map((f) => path.join(DATA, f));
const PX_PER_MM = 96 / 25.4;

let env;
test.before(async () => { env = await launch({ viewport: { width: 900, height: 1300 } }); });
test.after(async () => { await env?.close(); });

test('the CLI report of 208 makes no request, prints to A4 and draws its strips true to size', async () => {
  const html = execFileSync(process.execPath, [path.join(ROOT, 'src/js/cli.js'), 'analyze', path.join(DATA, '208.hea'), '--format', 'html'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  writeFileSync(path.join(ARTIFACTS, 'report-208.html'), html);
  const page = await env.context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.route('**/*', (route) => { requests.push(`routed ${route.request().url()}`); return route.abort(); });
  await page.setContent(html, { waitUntil: 'load' });
  await page.waitForTimeout(200);

  // Chromium parsed every <svg> and gave each a size.
  const svgs = await page.$$eval('svg', (els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]));
  assert.equal(svgs.length, (html.match(/<svg\b/g) ?? []).length);
  assert.ok(svgs.every(([w, h]) => w > 0 && h > 0), 'an empty SVG');
  assert.ok(await page.locator('svg.ecg-strip').count() >= 1, '208 has strips (pauses, V runs)');

  // In print, a strip of s seconds is 25 s mm wide and its 1 mV pulse 10 mm tall.
  await page.emulateMedia({ media: 'print' });
  const strips = await page.$$eval('svg.ecg-strip', (els) => els.map((e) => ({ w: e.getBoundingClientRect().width, s: Number(e.dataset.seconds) })));
  for (const { w, s } of strips) assert.ok(Math.abs(w / PX_PER_MM - 25 * s) < 0.2, `${w / PX_PER_MM} mm for ${s} s`);
  const pulse = await page.$eval('svg.ecg-cal', (svg) => {
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const p = svg.querySelector('path[data-mv]').getBBox();
    return { mmPerUnit: box.height / vb.height, height: p.height };
  });
  assert.ok(Math.abs(pulse.height * pulse.mmPerUnit / PX_PER_MM - 10) < 0.05, `1 mV = ${pulse.height * pulse.mmPerUnit / PX_PER_MM} mm`);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 20000, `PDF of ${pdf.length} bytes`);
  writeFileSync(path.join(ARTIFACTS, 'report-208.pdf'), pdf);
  await page.emulateMedia({ media: 'screen' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), clip: { x: 0, y: 0, width: 900, height: 1300 } });

  assert.deepEqual(requests, [], 'the report made requests');
  assert.deepEqual(errors, []);
  await page.close();
});

test("the demo's Report view shows the loaded record's report and prints it", async () => {
  const expected = cliAnalysis(path.join(DATA, '208.hea'));
  const { page, foreign, errors } = await openDemoWithRecord(env, record208);
  assert.equal(await page.getByTestId('report-view').isHidden(), true);

  await page.click('#open-report');
  await page.getByTestId('report-view').waitFor({ state: 'visible' });
  const frame = page.frameLocator('#report-frame');
  await frame.locator('h1').waitFor({ timeout: 30000 });
  assert.equal(await frame.locator('h1').textContent(), 'Holter report — 208');
  const countCell = async (c) => Number((await frame.locator(`#counts tr:has(.c-${c}) td:nth-child(2)`).textContent()).replace(/,/g, ''));
  for (const c of ['N', 'V']) assert.equal(await countCell(c), expected.summary.counts[c], `count of ${c}`);
  assert.equal(Number((await frame.locator('#counts tbody tr:last-child td:nth-child(2)').textContent()).replace(/,/g, '')),
    expected.summary.beatCount);
  assert.match(await frame.getByTestId('pause-count').textContent(), new RegExp(`^${expected.summary.pauses.length} pause`));
  // The stylesheet applied (the CSP allows it by hash) and the strips drawn from the page's samples.
  assert.equal(await frame.locator('th').first().evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(243, 244, 246)');
  assert.ok(await frame.locator('svg.ecg-strip polyline').count() >= 1);
  const points = await frame.locator('svg.ecg-strip polyline').first().getAttribute('points');
  assert.ok(points.split(' ').length > 1000, 'a strip row holds the samples of its 7.2 s');

  // Print goes to the frame's window.
  await page.evaluate(() => {
    document.getElementById('report-frame').contentWindow.print = () => { window.__printed = (window.__printed ?? 0) + 1; };
  });
  await page.click('#report-print');
  assert.equal(await page.evaluate(() => window.__printed), 1);
  await page.getByTestId('report-view').screenshot({ path: path.join(ARTIFACTS, 'report-demo.png') });

  // A new record replaces the open report.
  await page.click('[data-sample="100"]');
  await page.waitForFunction(() => document.getElementById('report-frame').contentDocument?.querySelector('h1')?.textContent === 'Holter report — 100',
    null, { timeout: 60000 });
  await page.click('#report-close');
  assert.equal(await page.getByTestId('report-view').isHidden(), true);
  assert.deepEqual(foreign, [], 'requests left the origin');
  assert.deepEqual(errors, [], 'console errors (a CSP violation is one)');
  await page.close();
});
