// The web demo in Debian's Chromium: upload record 119 through the file input, compare the beat count with the
// CLI's, explain a beat, export JSON/CSV/.atr, survive a bad file, and never request anything from another origin.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch, openDemo, cliAnalysis as cli, ROOT, ARTIFACTS, waitDemoReady, waitBeatCount } from './browser.mjs';

const DATA = path.join(ROOT, 'examples', 'data');
const record119 = ['119.hea', '119.dat'].map((f) => path.join(DATA, f));

/** Independent reader of MIT-format annotation files (type in the top 6 bits, SKIP, AUX, NUM/SUB/CHN). */
function readAtr(bytes) {
  const out = [];
  let t = 0;
  for (let k = 0; k + 1 < bytes.length; k += 2) {
    const w = bytes[k] | (bytes[k + 1] << 8);
    const code = w >> 10;
    const v = w & 0x3ff;
    if (w === 0) break;
    if (code === 59) {   // SKIP: 32-bit interval follows, high 16-bit word first
      const hi = bytes[k + 2] | (bytes[k + 3] << 8);
      const lo = bytes[k + 4] | (bytes[k + 5] << 8);
      t += ((hi << 16) | lo) >> 0;
      k += 4;
    } else if (code === 63) {   // AUX: v bytes of text, padded to an even count
      k += v + (v & 1);
    } else if (code >= 60) {
      // NUM / SUB / CHN: fields of the previous annotation, not needed here
    } else {
      t += v;
      out.push({ sample: t, code });
    }
  }
  return out;
}
const CODE = { N: 1, L: 2, R: 3, A: 8, V: 5 };

async function waitReady(page) {
  await waitDemoReady(page);
  // The engine started cleanly: no error notice, and its model named in the header.
  assert.equal(await page.locator('#error').isHidden(), true, await page.locator('#error-message').textContent());
  assert.match(await page.locator('#engine-info').textContent(), /^arrhythminet-\S+ · [\d,]+ parameters · /);
}
async function beatCount(page) {
  await waitBeatCount(page);
  return Number(await page.getByTestId('beat-count').textContent());
}
async function download(page, buttonId, dir) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#${buttonId}`)]);
  const file = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  return file;
}

let env;
test.before(async () => { env = await launch(); });
test.after(async () => { await env?.close(); });

test('record 119 (.hea + .dat) shows the CLI beat count, explains a beat and exports JSON, CSV and .atr', async () => {
  const expected = cli(path.join(DATA, '119.hea'));
  const { page, foreign, errors } = await openDemo(env);
  await waitReady(page);
  const t0 = Date.now();
  await page.setInputFiles('#file-input', record119);
  const count = await beatCount(page);
  console.log(`# record 119: ${count} beats shown ${((Date.now() - t0) / 1000).toFixed(1)} s after the upload; CLI: ${expected.summary.beatCount}`);
  assert.equal(count, expected.summary.beatCount);
  for (const c of ['N', 'V']) {
    const shown = await page.locator(`#class-counts tr[data-class="${c}"] td:nth-child(2)`).textContent();
    assert.equal(Number(shown.replace(/,/g, '')), expected.summary.counts[c], `count of ${c}`);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'demo-119-loaded.png'), fullPage: true });

  // Click a beat in the detail chart (the first ectopic one, 119 being bigeminy), in a 10-second view moved there
  // through the overview.
  const v = expected.beats.find((b) => b.label !== 'N') ?? expected.beats[10];
  await page.click('#zoom-10s');
  const ov = await page.locator('#overview').boundingBox();
  await page.mouse.click(ov.x + (v.sample / (expected.durationSec * expected.sampleRate)) * ov.width, ov.y + ov.height / 2);
  assert.match(await page.locator('#view-range').textContent(), /\(10 s\)$/);
  const view = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
  assert.ok(view[0] <= v.sample && v.sample <= view[1], `beat ${v.sample} not in view ${view}`);
  const box = await page.locator('#detail').boundingBox();
  await page.mouse.click(box.x + ((v.sample - view[0]) / (view[1] - view[0])) * box.width, box.y + box.height / 2);
  await page.getByTestId('beat-explanation').waitFor({ state: 'visible' });
  const header = await page.locator('#beat-header').textContent();
  assert.match(header, new RegExp(`^${v.label} Beat ${expected.beats.indexOf(v) + 1} of ${count}`));
  await page.waitForFunction(() => document.getElementById('shap-meta').children.length > 0, null, { timeout: 30000 });
  const shapMeta = await page.locator('#shap-meta').textContent();
  assert.match(shapMeta, new RegExp(`Explained class${v.label}`));
  const efficiency = Number((await page.locator('#shap-meta dd').last().textContent()));
  assert.ok(efficiency < 1e-4, `SHAP efficiency error ${efficiency}`);
  const probs = await page.locator('#probabilities .pval').allTextContents();
  const sum = probs.map(Number).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 2e-3, `probabilities sum to ${sum}`);
  await page.locator('.beat-card').screenshot({ path: path.join(ARTIFACTS, 'demo-119-beat.png') });
  // The other SHAP baseline: the explanation is recomputed and says which baseline it used.
  assert.match(shapMeta, /Baselinemedian-normal/);
  await page.selectOption('#shap-baseline', 'background');
  await page.waitForFunction(() => /Baselinebackground/.test(document.getElementById('shap-meta').textContent), null,
    { timeout: 30000 });

  // Exports.
  const dir = path.join(ARTIFACTS, 'downloads');
  mkdirSync(dir, { recursive: true });
  const json = JSON.parse(readFileSync(await download(page, 'export-json', dir), 'utf8'));
  assert.equal(json.summary.beatCount, expected.summary.beatCount);
  assert.deepEqual(json.beats.map((b) => [b.sample, b.label]), expected.beats.map((b) => [b.sample, b.label]));
  const csv = readFileSync(await download(page, 'export-csv', dir), 'utf8').trim().split('\n');
  assert.equal(csv.length, count + 1);
  assert.match(csv[0], /^index,sample,time_s,label,p_N,p_L,p_R,p_A,p_V/);
  const row = csv[1 + expected.beats.indexOf(v)].split(',');
  assert.equal(Number(row[1]), v.sample);
  assert.equal(row[3], v.label);
  const atr = readAtr(readFileSync(await download(page, 'export-atr', dir)));
  assert.deepEqual(atr.map((a) => [a.sample, a.code]), expected.beats.map((b) => [b.sample, CODE[b.label]]));

  assert.deepEqual(foreign, [], 'requests left the origin');
  assert.deepEqual(errors, [], 'console errors');
  await page.close();
});

test('a bad file shows a coded error and the page keeps working', async () => {
  const { page, foreign } = await openDemo(env);
  await waitReady(page);
  const dir = path.join(ARTIFACTS, 'bad');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'broken.hea'), 'this is not a header\n');
  writeFileSync(path.join(dir, 'broken.dat'), Buffer.from([1, 2, 3]));
  await page.setInputFiles('#file-input', [path.join(dir, 'broken.hea'), path.join(dir, 'broken.dat')]);
  await page.locator('#error').waitFor({ state: 'visible' });
  const message = await page.locator('#error-message').textContent();
  assert.match(message, /^wfdb_header_invalid: /);
  await page.screenshot({ path: path.join(ARTIFACTS, 'demo-bad-file.png') });

  // A lone .dat, and a file of an unknown kind, are refused with their own messages.
  await page.setInputFiles('#file-input', [path.join(dir, 'broken.dat')]);
  await page.waitForFunction(() => /wfdb_missing_header/.test(document.getElementById('error-message').textContent));
  writeFileSync(path.join(dir, 'notes.docx'), 'x');
  await page.setInputFiles('#file-input', [path.join(dir, 'notes.docx')]);
  await page.waitForFunction(() => /io_unknown_format/.test(document.getElementById('error-message').textContent));

  // Still usable: a good record loads afterwards and the error can be dismissed.
  await page.setInputFiles('#file-input', record119);
  const count = await beatCount(page);
  assert.equal(count, cli(path.join(DATA, '119.hea')).summary.beatCount);
  assert.equal(await page.locator('#error').isHidden(), true);
  assert.deepEqual(foreign, [], 'requests left the origin');
  await page.close();
});

test('the bundled sample with its .atr shows agreement statistics, and the keyboard explains beats', async () => {
  const expected = cli(path.join(DATA, '100.hea'));
  const { page, foreign, errors } = await openDemo(env);
  await waitReady(page);
  await page.click('#load-sample');
  assert.equal(await beatCount(page), expected.summary.beatCount);
  await page.locator('#agreement-card').waitFor({ state: 'visible' });
  const se = await page.locator('.stat-value').first().textContent();
  assert.match(se, /^\d+\.\d\d %$/);
  assert.ok(Number.parseFloat(se) > 99, `sensitivity on record 100: ${se}`);
  // The AAMI classes, F and Q included, and the honest label: the paper-protocol models trained on beats of record 100.
  assert.deepEqual(await page.locator('[data-testid="aami"] tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.class)),
    ['N', 'S', 'V', 'F', 'Q']);
  assert.match(await page.locator('[data-testid="aami"] tr[data-class="N"] td:nth-child(5)').textContent(), /^\d+\.\d %$/);
  assert.equal(await page.getByTestId('training-note').textContent(),
    "Record 100 was in this model's training data: agreement with its annotations is not validation.");
  assert.equal(await page.getByTestId('training-note').isVisible(), true);

  // Keyboard only: focus the chart, move to the next beat and the explanation opens.
  await page.focus('#detail');
  await page.keyboard.press(']');
  await page.getByTestId('beat-explanation').waitFor({ state: 'visible' });
  assert.match(await page.locator('#beat-header').textContent(), /Beat 1 of /);
  const shapDone = () => page.waitForFunction(() => document.getElementById('shap-meta').children.length > 0, null,
    { timeout: 30000 });
  await shapDone();
  // A context model's SHAP has context-player bars beside the segment bars.
  const contextModel = (await page.locator('#model-select').inputValue()).includes('ctx');
  assert.equal(await page.getByTestId('context-players').isVisible(), contextModel && await page.getByTestId('shap-negligible').isHidden());
  // Confident N beats score as the median N beat does: a sentence instead of SHAP bars.
  for (let k = 0; k < 6 && await page.getByTestId('shap-negligible').isHidden(); k++) {
    await page.keyboard.press(']');
    await shapDone();
  }
  assert.match(await page.getByTestId('shap-negligible').textContent(),
    /^This beat scores the same as the baseline \(Δp = -?\d\.\de[-+]\d+\); nothing to attribute\.$/);
  assert.equal(await page.getByTestId('context-players').isHidden(), true);
  await page.keyboard.press('+');
  await page.keyboard.press('ArrowRight');

  // Global explanation of the class with the fewest beats present.
  await page.click('#class-run');
  await page.getByTestId('class-explanation').waitFor({ state: 'visible', timeout: 60000 });
  assert.match(await page.locator('#class-gradcam-caption').textContent(), /Mean Grad-CAM over \d+ of \d+ \w beats/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'demo-100-full.png'), fullPage: true });
  assert.deepEqual(foreign, [], 'requests left the origin');
  assert.deepEqual(errors, [], 'console errors');
  await page.close();
});

test('narrow screen: no horizontal scrolling, controls stay reachable', async () => {
  const { page, foreign } = await openDemo(env);
  await page.setViewportSize({ width: 390, height: 844 });
  await waitReady(page);
  await page.setInputFiles('#file-input', record119);
  await beatCount(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'demo-narrow.png'), fullPage: true });
  assert.deepEqual(foreign, [], 'requests left the origin');
  await page.close();
});

test('the model and lead selectors re-analyse and agree with the CLI', async () => {
  const { page, foreign, errors } = await openDemo(env);
  await waitReady(page);
  await page.setInputFiles('#file-input', record119);
  await beatCount(page);
  const status = () => page.locator('#status-text').textContent();

  await page.selectOption('#model-select', 'v2');
  await page.waitForFunction(() => /beats in/.test(document.getElementById('status-text').textContent) &&
    document.getElementById('summary-meta').textContent.includes('v2'), null, { timeout: 60000 });
  assert.equal(await beatCount(page), cli(path.join(DATA, '119.hea'), '--model', 'v2').summary.beatCount, await status());

  const leads = await page.locator('#lead-select option').allTextContents();
  assert.ok(leads.length >= 2, `record 119 has two leads, the selector shows ${leads}`);
  await page.selectOption('#lead-select', '1');
  await page.waitForFunction((name) => document.getElementById('chart-title').textContent.endsWith(name) &&
    /beats in/.test(document.getElementById('status-text').textContent), leads[1], { timeout: 60000 });
  const expected = cli(path.join(DATA, '119.hea'), '--model', 'v2', '--lead', '1');
  assert.equal(await beatCount(page), expected.summary.beatCount);
  assert.equal(expected.lead, leads[1]);

  // An inter-patient model (the worker loads it by name, like the CLI's --model with the file).
  await page.selectOption('#model-select', 'v1-ds1');
  await page.waitForFunction(() => document.getElementById('summary-meta').textContent.includes('v1-ds1'), null,
    { timeout: 60000 });
  const ds1 = cli(path.join(DATA, '119.hea'), '--model', path.join(ROOT, 'models/arrhythminet-v1-ds1.json'), '--lead', '1');
  assert.equal(await beatCount(page), ds1.summary.beatCount);
  const shownV = await page.locator('#class-counts tr[data-class="V"] td:nth-child(2)').textContent();
  assert.equal(Number(shownV.replace(/,/g, '')), ds1.summary.counts.V);
  assert.deepEqual(foreign, [], 'requests left the origin');
  assert.deepEqual(errors, [], 'console errors');
  await page.close();
});

test('dropping files on the page loads them like the file picker', async () => {
  const { page, foreign, errors } = await openDemo(env);
  await waitReady(page);
  await page.evaluate(async () => {
    const files = await Promise.all(['119.hea', '119.dat'].map(async (name) =>
      new File([await (await fetch(`/examples/data/${name}`)).arrayBuffer()], name)));
    const dataTransfer = new DataTransfer();
    files.forEach((f) => dataTransfer.items.add(f));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer }));
    }
  });
  assert.equal(await beatCount(page), cli(path.join(DATA, '119.hea')).summary.beatCount);
  assert.equal(await page.locator('#drop-overlay').isHidden(), true);
  assert.deepEqual(foreign, [], 'requests left the origin');
  assert.deepEqual(errors, [], 'console errors');
  await page.close();
});

test('cancel stops a running analysis and the page can analyse again', async () => {
  const { page, foreign } = await openDemo(env);
  await waitReady(page);
  // Cancel shows while the engine reads and analyses the upload (about half a second for record 119). A mouse
  // click can land after the analysis has ended and the button has gone (seen once in a full CI run), so the
  // check that the page is still busy and the click happen in one task of the page; if the analysis won that
  // race, the upload is repeated.
  const cancelWhileBusy = () => page.evaluate(() => {
    const button = document.getElementById('cancel');
    if (button.hidden) return false;
    button.click();
    return true;
  });
  let cancelled = false;
  for (let attempt = 0; attempt < 5 && !cancelled; attempt++) {
    await page.setInputFiles('#file-input', record119);
    await page.locator('#cancel').waitFor({ state: 'visible' });
    cancelled = await cancelWhileBusy();
  }
  assert.equal(cancelled, true, 'every analysis ended before the cancel click');
  await page.waitForFunction(() => /^Cancelled/.test(document.getElementById('status-text').textContent), null,
    { timeout: 30000 }).catch(async (err) => {
    throw new Error(`${err.message}; the status reads "${await page.locator('#status-text').textContent()}"`);
  });
  assert.equal(await page.locator('#welcome').isVisible(), true);
  assert.equal(await page.locator('#error').isHidden(), true);
  await page.setInputFiles('#file-input', record119);
  assert.equal(await beatCount(page), cli(path.join(DATA, '119.hea')).summary.beatCount);
  assert.deepEqual(foreign, [], 'requests left the origin');
  await page.close();
});

test('the URL npm start prints (/web/?sample=100) loads and analyses sample record 100', async () => {
  const expected = cli(path.join(DATA, '100.hea'));
  const { page, foreign, errors } = await openDemo(env, '/web/?sample=100');
  const count = await beatCount(page);
  assert.equal(count, expected.summary.beatCount);
  assert.match(await page.locator('#record-name').textContent(), /^100 /);
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
  await page.close();
});
