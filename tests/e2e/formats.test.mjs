// CSV and EDF uploads: five minutes of record 119 written as a CSV file (with a time column) and as an EDF file
// (written here from the EDF specification), uploaded through the file input; the page must show the CLI's beat
// count for the very same files.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch, cliAnalysis, ROOT, ARTIFACTS, openDemoWithRecord } from './browser.mjs';
import { createAnalyzer } from '../../src/js/index.js';

const DATA = path.join(ROOT, 'examples', 'data');
const SECONDS = 300;

const cliCount = (file) => cliAnalysis(file).summary.beatCount;

/** The first SECONDS of record 119, both leads, in mV. */
async function leads119() {
  const av = await createAnalyzer({ model: null });
  const rec = av.readWfdb({ hea: readFileSync(path.join(DATA, '119.hea')), dat: readFileSync(path.join(DATA, '119.dat')) });
  const n = SECONDS * rec.sampleRate;
  const out = { sampleRate: rec.sampleRate, leads: rec.leads.map((l, i) => ({ name: l.name, samples: rec.samples(i).slice(0, n) })) };
  av.dispose();
  return out;
}

function writeCsv(file, { sampleRate, leads }) {
  const lines = [['time', ...leads.map((l) => l.name)].join(',')];
  for (let i = 0; i < leads[0].samples.length; i++) {
    lines.push([(i / sampleRate).toFixed(6), ...leads.map((l) => l.samples[i].toFixed(4))].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/** EDF (Kemp et al. 1992): ASCII header of 256 + 256 × ns bytes, then 1-second records of 16-bit samples. */
function writeEdf(file, { sampleRate, leads }) {
  const field = (value, width) => String(value).padEnd(width, ' ').slice(0, width);
  const ns = leads.length;
  const records = Math.floor(leads[0].samples.length / sampleRate);
  const per = (f) => leads.map(f).join('');
  const header =
    field('0', 8) + field('X X X X', 80) + field('Startdate 01-JAN-2000 X X X', 80) + field('01.01.00', 8) +
    field('00.00.00', 8) + field(256 * (ns + 1), 8) + field('', 44) + field(records, 8) + field(1, 8) + field(ns, 4) +
    per((l) => field(l.name, 16)) + per(() => field('AgAgCl electrode', 80)) + per(() => field('mV', 8)) +
    per(() => field('-32.768', 8)) + per(() => field('32.767', 8)) + per(() => field('-32768', 8)) +
    per(() => field('32767', 8)) + per(() => field('', 80)) + per(() => field(sampleRate, 8)) + per(() => field('', 32));
  assert.equal(header.length, 256 * (ns + 1));
  const body = Buffer.alloc(records * ns * sampleRate * 2);
  let o = 0;
  for (let r = 0; r < records; r++) {
    for (const l of leads) {
      for (let k = 0; k < sampleRate; k++) {
        const v = Math.round(l.samples[r * sampleRate + k] * 1000);   // 1 µV per digital unit
        body.writeInt16LE(Math.max(-32768, Math.min(32767, v)), o);
        o += 2;
      }
    }
  }
  writeFileSync(file, Buffer.concat([Buffer.from(header, 'ascii'), body]));
}

let env;
let dir;
test.before(async () => {
  env = await launch();
  dir = path.join(ARTIFACTS, 'formats');
  mkdirSync(dir, { recursive: true });
  const rec = await leads119();
  writeCsv(path.join(dir, '119-5min.csv'), rec);
  writeEdf(path.join(dir, '119-5min.edf'), rec);
});
test.after(async () => { await env?.close(); });

for (const file of ['119-5min.csv', '119-5min.edf']) {
  test(`${file.slice(-3).toUpperCase()} upload shows the CLI beat count`, async () => {
    const full = path.join(dir, file);
    const expected = cliCount(full);
    assert.ok(expected > 300, `five minutes of record 119 have more than 300 beats (CLI: ${expected})`);
    const { page, foreign, errors } = await openDemoWithRecord(env, [full]);
    assert.equal(Number(await page.getByTestId('beat-count').textContent()), expected);
    const leads = await page.locator('#lead-select option').allTextContents();
    assert.deepEqual(leads, ['MLII', 'V1']);
    await page.screenshot({ path: path.join(ARTIFACTS, `demo-${file}.png`) });
    assert.deepEqual(foreign, [], 'requests left the origin');
    assert.deepEqual(errors, [], 'console errors');
    await page.close();
  });
}

test('the page downloads the formats module only when a file needs it', async () => {
  const { page, requests, foreign, errors } = await openDemoWithRecord(env);   // the bundled WFDB sample
  const fetched = (name) => requests.filter((u) => new URL(u).pathname.includes(name));
  assert.equal(fetched('arrhythmiavision-core.wasm').length, 1, requests.join('\n'));
  assert.deepEqual(fetched('arrhythmiavision-formats'), [], 'a WFDB record needs no formats module');
  const csv = path.join(dir, '119-5min.csv');
  await page.setInputFiles('#file-input', [csv]);
  await page.waitForFunction(() => /119-5min/.test(document.body.textContent) && document.querySelector('[data-testid="beat-count"]')?.textContent);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="beat-count"]').textContent) === n, cliCount(csv));
  assert.deepEqual(fetched('arrhythmiavision-formats').map((u) => path.basename(new URL(u).pathname)).sort(),
    ['arrhythmiavision-formats.mjs', 'arrhythmiavision-formats.wasm']);
  assert.deepEqual(foreign, [], 'requests left the origin');
  assert.deepEqual(errors, [], 'console errors');
  await page.close();
});
