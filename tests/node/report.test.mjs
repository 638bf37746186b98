// The Holter report (src/js/report.js, av.report, --format html): self-contained and well formed, its pause list
// and hourly table agree with counts recomputed from the result's beats, its ECG strips are 25 mm/s and 10 mm/mV,
// and strings from the input are escaped.
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer, renderReport } from '../../src/js/index.js';
import { REPORT_CSS } from '../../src/js/report.js';
import { examples, read, root, runCli } from './helpers.mjs';

const mitdb = process.env.AV_MITDB_DIR ?? path.join(root, '../shared/data/mitdb');
const have = (r) => fs.existsSync(path.join(mitdb, `${r}.hea`));
const av = await createAnalyzer();
const load = (dir, r) => av.readWfdb({ hea: read(path.join(dir, `${r}.hea`)), dat: read(path.join(dir, `${r}.dat`)) });
const A4_CONTENT_MM = 210 - 2 * 10;  // A4 less the report's 10 mm side margins (@page)
const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'wbr', 'col', 'source']);

/** Every start tag with its attributes, outside <style> (whose CSS holds no tags). */
function tags(html) {
  const text = html.replace(/<style>[\s\S]*?<\/style>/g, '<style></style>');
  return [...text.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g)]
    .map((m) => ({ close: m[1] === '/', name: m[2].toLowerCase(), attrs: m[3], selfClosing: m[4] === '/', index: m.index }));
}
/** Throws unless every element is closed in order (void and self-closed ones excepted). */
function assertBalanced(html) {
  const stack = [];
  for (const t of tags(html)) {
    if (t.selfClosing || (!t.close && VOID.has(t.name))) continue;
    if (!t.close) { stack.push(t); continue; }
    const open = stack.pop();
    assert.equal(open?.name, t.name, `</${t.name}> at ${t.index} closes <${open?.name}> at ${open?.index}`);
  }
  assert.deepEqual(stack.map((t) => t.name), [], 'unclosed elements');
}
const attr = (attrs, name) => attrs.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
const between = (html, start, end) => {
  const i = html.indexOf(start);
  return i < 0 ? null : html.slice(i, html.indexOf(end, i) + end.length);
};
const rowsOf = (tableHtml) => [...between(tableHtml, '<tbody>', '</tbody>').matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
  .map((m) => [...m[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]));
const hiddenAfter = (html, tableId, what) => {
  const m = html.slice(html.indexOf(`id="${tableId}"`)).match(new RegExp(`… ([\\d,]+) more ${what} not shown`));
  return m ? Number(m[1].replace(/,/g, '')) : 0;
};

function assertSelfContained(html) {
  assert.match(html, /^<!doctype html>/i);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<(iframe|object|embed|link|img|image|use|foreignObject)\b/i);
  assert.doesNotMatch(REPORT_CSS, /url\(|@import/);
  for (const t of tags(html)) {
    for (const a of ['src', 'href', 'xlink:href', 'action', 'srcset', 'style']) {
      const v = attr(t.attrs, a);
      assert.equal(v, undefined, `<${t.name} ${a}="${v}">`);
    }
    assert.doesNotMatch(t.attrs, /\s(src|href)=.*(https?:)?\/\//i);
    assert.doesNotMatch(t.attrs, /\son\w+=/i, `event handler on <${t.name}>`);
  }
  assertBalanced(html);
  assert.doesNotMatch(html, /NaN|undefined|Infinity|\[object /, 'a value that was not formatted');
  const svgOpen = (html.match(/<svg\b/g) ?? []).length;
  assert.ok(svgOpen >= 3, 'the trend plots');
  assert.equal((html.match(/<\/svg>/g) ?? []).length, svgOpen);
}

/** The ECG strip rows: [{width, height, viewBox, start, seconds, labels: [{x, sample}]}], by event. */
function strips(html) {
  const out = {};
  for (const fig of html.matchAll(/<figure class="event-strip" data-event="([\w-]+)">([\s\S]*?)<\/figure>/g)) {
    out[fig[1]] = [...fig[2].matchAll(/<svg class="ecg-strip"([^>]*)>([\s\S]*?)<\/svg>/g)].map((m) => ({
      width: attr(m[1], 'width'), height: attr(m[1], 'height'), viewBox: attr(m[1], 'viewBox').split(' ').map(Number),
      start: Number(attr(m[1], 'data-start-sec')), seconds: Number(attr(m[1], 'data-seconds')),
      labels: [...m[2].matchAll(/<text x="([\d.]+)"[^>]*data-sample="(\d+)"/g)].map((l) => ({ x: Number(l[1]), sample: Number(l[2]) })),
    }));
    out[fig[1]].title = fig[2].match(/<h3>([^<]*)<\/h3>/)[1];
    out[fig[1]].calibration = [...fig[2].matchAll(/<svg class="ecg-cal"([^>]*)>[\s\S]*?<path data-mv="1" d="([^"]+)"/g)]
      .map((m) => ({ height: attr(m[1], 'height'), viewBox: attr(m[1], 'viewBox').split(' ').map(Number), d: m[2] }));
  }
  return out;
}

function assertStripsTrueToSize(result, html) {
  const fs_ = result.sampleRate;
  for (const [event, rows] of Object.entries(strips(html))) {
    assert.ok(rows.length >= 1 && rows.length <= 3, `${event}: ${rows.length} rows`);
    for (const row of rows) {
      const mm = Number(row.width.replace(/mm$/, ''));
      assert.match(row.width, /^[\d.]+mm$/);
      assert.ok(Math.abs(mm / row.seconds - 25) < 0.01, `${event}: ${mm} mm for ${row.seconds} s`);
      assert.deepEqual(row.viewBox, [0, 0, mm, Number(row.height.replace(/mm$/, ''))], 'viewBox in mm');
      assert.ok(mm + 8 <= A4_CONTENT_MM, `${event}: ${mm} mm and the calibration do not fit A4`);
      // Each beat label sits at its own time on the 25 mm/s scale, and every beat of the row is labelled.
      const inRow = result.beats.filter((b) => b.sample / fs_ >= row.start && b.sample / fs_ < row.start + row.seconds);
      assert.deepEqual(row.labels.map((l) => l.sample), inRow.map((b) => b.sample), `${event}: labelled beats`);
      for (const l of row.labels) assert.ok(Math.abs(l.x - (l.sample / fs_ - row.start) * 25) < 0.02, `${event}: label of ${l.sample} at ${l.x} mm`);
    }
    for (const c of rows.calibration) {
      const [, base, top] = c.d.match(/^M0 ([\d.]+)H[\d.]+V([\d.]+)H/).map(Number);
      assert.ok(Math.abs(base - top - 10) < 1e-9, `${event}: 1 mV pulse is ${base - top} mm`);
      assert.equal(c.viewBox[3], Number(c.height.replace(/mm$/, '')));
    }
  }
}

const longestRr = (result) => {
  let best = null;
  for (let i = 1; i < result.beats.length; i++) {
    const rr = (result.beats[i].sample - result.beats[i - 1].sample) / result.sampleRate;
    if (!best || rr > best.rr) best = { rr, start: result.beats[i - 1].sample / result.sampleRate };
  }
  return best;
};
const hasVRun = (beats) => beats.some((b, i) => i >= 2 && b.label === 'V' && beats[i - 1].label === 'V' && beats[i - 2].label === 'V');

for (const r of ['232', '203']) {
  test(`record ${r}: a self-contained report whose pause list, hourly table and strips agree with the beats`, { skip: !have(r) }, () => {
    const rec = load(mitdb, r);
    const result = av.analyze(rec);
    const html = av.report(result, rec);
    assertSelfContained(html);
    assert.match(html, new RegExp(`<title>Holter report — ${r}</title>`));

    // Pauses: RR ≥ 2 s between two usable beats with no unusable stretch in between, recomputed from the
    // beats = the rows shown + the rows counted as hidden.
    const unusable = result.summary.signalQuality.unusable.map((u) => [u.startSec * result.sampleRate, u.endSec * result.sampleRate]);
    let pauses = 0;
    for (let i = 1; i < result.beats.length; i++) {
      const [a, b] = [result.beats[i - 1], result.beats[i]];
      if (a.noisy || b.noisy || unusable.some(([u, e]) => u < b.sample && e > a.sample)) continue;
      pauses += (b.sample - a.sample) / result.sampleRate >= 2;
    }
    assert.ok(r !== '232' || pauses > 40, 'record 232 has more pauses than the list shows');
    const pauseTable = between(html, '<table id="pause-list"', '</table>');
    const shown = pauseTable ? rowsOf(pauseTable).length : 0;
    assert.equal(shown + hiddenAfter(html, 'pause-list', 'pauses'), pauses);
    assert.match(html, new RegExp(`>${pauses} pauses? \\(RR ≥ 2\\.0 s\\)`));

    // Hourly rows: beats per 3600 s recomputed from the beats.
    const hourly = rowsOf(between(html, '<table id="hourly"', '</table>'));
    assert.equal(hourly.length, Math.ceil(result.durationSec / 3600));
    hourly.forEach((cells, k) => {
      const fs_ = result.sampleRate;
      const n = result.beats.filter((b) => b.sample >= k * 3600 * fs_ && b.sample < (k + 1) * 3600 * fs_).length;
      assert.equal(Number(cells[2].replace(/,/g, '')), n, `hour ${k + 1}`);
    });

    // Strips: the events that exist, true to size; the longest pause's strip covers the longest RR.
    const s = strips(html);
    assertStripsTrueToSize(result, html);
    const longest = longestRr(result);
    assert.equal(Boolean(s['longest-pause']), longest.rr >= 2);
    if (s['longest-pause']) {
      assert.match(s['longest-pause'].title, new RegExp(`^Longest pause: ${longest.rr.toFixed(2)} s`));
      const rows = s['longest-pause'];
      assert.ok(rows[0].start <= longest.start && rows.at(-1).start + rows.at(-1).seconds >= longest.start + longest.rr, 'pause inside the strip');
    }
    assert.equal(Boolean(s['fastest-v-run']), hasVRun(result.beats));
    assert.equal(Boolean(s['af-onset']), result.beats.some((b) => b.rhythm === 'AF'));
    if (r === '203') assert.ok(s['af-onset'] && s['fastest-v-run'], '203 has AF and V runs');
    rec.dispose();
  });
}

test('the hourly table of a recording longer than an hour counts each hour\'s beats', () => {
  const rec = load(examples, '100');
  const one = rec.samples(0);
  const three = new Float32Array(one.length * 3);
  for (let k = 0; k < 3; k++) three.set(one, k * one.length);
  const long = av.fromSamples(three, { sampleRate: rec.sampleRate, leads: ['MLII'], name: '100x3' });
  const result = av.analyze(long);
  const html = renderReport(result, long, { generatedAt: false });
  const hourly = rowsOf(between(html, '<table id="hourly"', '</table>'));
  assert.equal(hourly.length, 2);
  const fs_ = result.sampleRate;
  hourly.forEach((cells, k) => {
    const n = result.beats.filter((b) => b.sample >= k * 3600 * fs_ && b.sample < (k + 1) * 3600 * fs_).length;
    assert.equal(Number(cells[2].replace(/,/g, '')), n, `hour ${k + 1}`);
    assert.equal(cells[1], k ? '01:00' : '00:00');
  });
  assert.doesNotMatch(html, /Report generated/);
  long.dispose();
  rec.dispose();
});

test('strings from the input are escaped (record and lead names)', () => {
  const rec = load(examples, '119');
  const evil = '<img src=x onerror=alert(1)>';
  const named = av.fromSamples(rec.samples(0), { sampleRate: rec.sampleRate, leads: ['"><svg onload=alert(2)>'], name: evil });
  const result = av.analyze(named);
  assert.equal(result.record, evil);
  const html = av.report(result, named);
  assertSelfContained(html);
  assert.ok(!html.includes('<img'), 'raw <img>');
  assert.ok(!html.includes('<svg onload'), 'raw <svg onload>');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('&quot;&gt;&lt;svg onload=alert(2)&gt;'));
  named.dispose();
  rec.dispose();
});

test('without a record the strips are left out; without a model the tables say why', () => {
  const rec = load(examples, '208');
  const result = av.analyze(rec);
  const html = renderReport(result, null);
  assertSelfContained(html);
  assert.doesNotMatch(html, /class="ecg-strip"/);
  assert.match(html, /No signal was given with the result/);
  rec.dispose();
});

test('a result without beat labels: HRV shows — with the reason', async () => {
  const plain = await createAnalyzer({ model: null });
  const rec = plain.readWfdb({ hea: read(path.join(examples, '100.hea')), dat: read(path.join(examples, '100.dat')) });
  const result = plain.analyze(rec);
  const html = plain.report(result, rec);
  assertSelfContained(html);
  assert.match(html, /<th>SDNN<\/th><td>— <span class="why">\(beats are not classified\)<\/span>/);
  assert.doesNotMatch(html, /id="ectopy"/);
  plain.dispose();
});

test("the demo's CSP allows the report's stylesheet by its hash, and the report carries exactly that stylesheet", () => {
  const hash = crypto.createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64');
  const page = fs.readFileSync(path.join(root, 'web/index.html'), 'utf8');
  const csp = page.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)[1];
  assert.match(csp.split(';').find((d) => d.trim().startsWith('style-src')), new RegExp(`'sha256-${hash.replace(/[+/]/g, '\\$&')}'`));
  const rec = load(examples, '100');
  const html = av.report(av.analyze(rec), rec);
  assert.equal(html.match(/<style>([\s\S]*?)<\/style>/)[1], REPORT_CSS);
  rec.dispose();
});

test('analyze --format html exits 0 and prints the report', async () => {
  const { code, stdout, stderr } = await runCli(['analyze', path.join(examples, '100.hea'), '--format', 'html']);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  assertSelfContained(stdout);
  assert.match(stdout, /<title>Holter report — 100<\/title>/);
  assert.match(stdout, /<\/html>\n$/);
  const bad = await runCli(['analyze', path.join(examples, '100.hea'), '--format', 'pdf']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: usage: --format must be json, text or html/);
});

test('the report shows the median beat intervals, the signal quality and the warnings of the result', () => {
  const rec = load(examples, '208');
  const result = av.analyze(rec);
  const html = av.report(result, rec);
  const iv = result.summary.intervals;
  assert.ok(iv);
  assert.match(html, new RegExp(`<th>QT</th><td>${Math.round(iv.qtMs)} ms</td>`));
  assert.match(html, new RegExp(`<th>QTc \\(Bazett\\)</th><td>${Math.round(iv.qtcBazettMs)} ms</td>`));
  assert.match(html, new RegExp(`<th>Usable signal</th><td>${result.summary.signalQuality.usablePercent.toFixed(1)} %</td>`));
  assert.doesNotMatch(html, /id="warnings"/);
  rec.dispose();
  // A sine wave: the warning is in the report, and there is no median beat.
  const fs_ = 250;
  const sine = av.fromSamples(Float32Array.from({ length: 60 * fs_ }, (_, i) => Math.sin((2 * Math.PI * 1.2 * i) / fs_)), { sampleRate: fs_ });
  const bad = av.analyze(sine);
  assert.equal(bad.warnings[0].code, 'not_ecg_waveform');
  const page = av.report(bad, sine);
  assert.match(page, /id="warnings"[\s\S]*not_ecg_waveform/);
  assert.match(page, /No median beat/);
  sine.dispose();
});
