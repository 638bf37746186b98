// Event triage in the demo's summary on record 232 (long pauses, many atrial runs): every event listed (no silent
// cap), sorting by duration, rate and severity, filtering by type, and the longest pause and the fastest run pinned
// at the top, all against the CLI's JSON of the same record.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, cliAnalysis, ROOT, ARTIFACTS, openDemoWithRecord } from './browser.mjs';

const MITDB = path.join(ROOT, '..', 'shared', 'data', 'mitdb');
const record232 = ['232.hea', '232.dat', '232.atr'].map((f) => path.join(MITDB, f));

/** The CLI's events as the list must show them: type, start sample, duration (s), rate. */
function cliEvents(j) {
  const fs = j.sampleRate;
  const s = j.summary;
  const out = [];
  const names = { couplets: 'V couplet', vRuns: 'V run', bigeminy: 'Bigeminy', trigeminy: 'Trigeminy', svRuns: 'A run' };
  for (const [key, type] of Object.entries(names)) {
    for (const e of s.events[key] ?? []) out.push({ type, start: e.start, dur: (e.end - e.start) / fs, rate: e.rateBpm });
  }
  for (const p of s.pauses) out.push({ type: 'Pause', start: Math.round(p.startSec * fs), dur: p.durationSec, flagged: p.flagged });
  for (const f of s.ventricularFlutter ?? []) out.push({ type: 'V flutter', start: Math.round(f.startSec * fs), dur: f.endSec - f.startSec });
  for (const e of s.af.episodes) out.push({ type: 'AF', start: Math.round(e.startSec * fs), dur: e.endSec - e.startSec, rate: e.meanBpm });
  return out;
}

test('record 232: all events listed, sorted, filtered, with the longest pause and the fastest run pinned', async () => {
  const j = cliAnalysis(record232[0]);
  const expected = cliEvents(j);
  const pauses = expected.filter((e) => e.type === 'Pause');
  const longestPause = pauses.reduce((m, e) => (e.dur > m.dur ? e : m));
  const fastestRun = expected.filter((e) => ['V run', 'A run'].includes(e.type)).reduce((m, e) => (e.rate > m.rate ? e : m));
  assert.ok(expected.length > 200 && pauses.length > 100, `record 232 has ${expected.length} events, ${pauses.length} pauses`);

  const env = await launch({ viewport: { width: 1440, height: 1000 } });
  try {
    const { page, errors } = await openDemoWithRecord(env, record232, 90000);
    const rows = () => page.locator('#events li:not(.pinned) button.event').evaluateAll((bs) => bs.map((b) => ({
      type: b.dataset.type, start: Number(b.dataset.start), dur: Number(b.dataset.durationSec), rate: Number(b.dataset.rate) })));

    // Pinned: the longest pause and the fastest run, whatever the order and filter.
    const pinned = async () => ({
      pause: await page.locator('[data-testid="pinned-pause"] button').getAttribute('data-start'),
      run: await page.locator('[data-testid="pinned-run"] button').getAttribute('data-start'),
      pauseText: await page.locator('[data-testid="pinned-pause"]').textContent(),
      runText: await page.locator('[data-testid="pinned-run"]').textContent(),
    });
    const p0 = await pinned();
    assert.equal(Number(p0.pause), longestPause.start);
    assert.match(p0.pauseText, new RegExp(`^Longest pause .* Pause ${longestPause.dur.toFixed(1)} s`));
    assert.equal(Number(p0.run), fastestRun.start);
    assert.match(p0.runText, new RegExp(`^Fastest run .*${Math.round(fastestRun.rate)} bpm$`));
    // The pinned pause is the first thing in the list.
    assert.equal(await page.locator('#events li').first().getAttribute('data-testid'), 'pinned-pause');

    // All of them, in time order, and the note says so.
    let list = await rows();
    assert.equal(list.length, expected.length, 'events shown');
    assert.deepEqual(list.map((e) => e.start), [...expected].map((e) => e.start).sort((a, b) => a - b));
    assert.equal(await page.getByTestId('event-note').textContent(), `Showing ${expected.length} of ${expected.length} events`);
    await page.locator('.summary-card').screenshot({ path: path.join(ARTIFACTS, 'triage-232-time.png') });

    // Longest first: durations descend and the first is the CLI's longest event.
    await page.selectOption('#event-sort', 'duration');
    list = await rows();
    const longest = expected.reduce((m, e) => (e.dur > m.dur ? e : m));
    assert.equal(list[0].start, longest.start);
    assert.ok(list.every((e, k) => k === 0 || e.dur <= list[k - 1].dur), 'durations descend');
    // Fastest first: the first has the CLI's highest rate.
    await page.selectOption('#event-sort', 'rate');
    list = await rows();
    assert.equal(list[0].rate, Math.max(...expected.filter((e) => e.rate).map((e) => e.rate)));
    assert.ok(list.filter((e) => e.rate).every((e, k, a) => k === 0 || e.rate <= a[k - 1].rate), 'rates descend');
    // Most severe first: AF episodes before atrial runs before plain pauses (this record has no V events).
    await page.selectOption('#event-sort', 'severity');
    list = await rows();
    const firstOf = (t) => list.findIndex((e) => e.type === t);
    const flagged = pauses.filter((e) => e.flagged).length;
    assert.equal(list.slice(0, flagged).every((e) => e.type === 'Pause'), true, 'pauses ≥ 3 s first');
    assert.ok(firstOf('AF') < firstOf('A run'), 'AF before atrial runs');
    assert.ok(list.findLastIndex((e) => e.type === 'A run') < list.findLastIndex((e) => e.type === 'Pause'), 'short pauses last');

    // Filter by type: only pauses, all of them, the longest first when sorted by duration.
    await page.selectOption('#event-filter', 'Pause');
    await page.selectOption('#event-sort', 'duration');
    list = await rows();
    assert.equal(list.length, pauses.length);
    assert.ok(list.every((e) => e.type === 'Pause'));
    assert.equal(list[0].start, longestPause.start);
    assert.equal(await page.getByTestId('event-note').textContent(), `Showing ${pauses.length} of ${pauses.length} Pause events`);
    assert.equal((await pinned()).pause, p0.pause, 'still pinned under a filter');
    await page.locator('.summary-card').screenshot({ path: path.join(ARTIFACTS, 'triage-232-pauses.png') });

    // Clicking the pinned pause shows it in the strip.
    await page.click('[data-testid="pinned-pause"] button');
    const view = await page.locator('#detail').evaluate((c) => [Number(c.dataset.viewStart), Number(c.dataset.viewEnd)]);
    assert.ok(view[0] <= longestPause.start && longestPause.start + longestPause.dur * j.sampleRate <= view[1], `view ${view}`);
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});

test("record 208: the summary shows the median beat's RR, QRS, QT and both QTc as the CLI measures them, with the method; 100 says why it has none", async () => {
  const j = cliAnalysis(path.join(ROOT, 'examples', 'data', '208.hea'));
  const iv = j.summary.intervals;
  assert.ok(iv && iv.beats > 0, 'the CLI measures the intervals of record 208');
  assert.equal(cliAnalysis(path.join(ROOT, 'examples', 'data', '100.hea')).summary.intervals, null, "record 100's T wave is too flat");
  const env = await launch({ viewport: { width: 1440, height: 1000 } });
  try {
    const { page, errors } = await openDemoWithRecord(env);
    assert.match(await page.locator('#intervals').textContent(), /QT– \(too few steady N beats, or a T wave too flat to measure\)/);
    await page.click('button[data-sample="208"]');
    await page.waitForFunction(() => /^208/.test(document.querySelector('#summary-meta dd')?.textContent ?? '') && /^\d+$/.test(document.getElementById('beat-count').textContent), null, { timeout: 60000 });
    await page.waitForFunction(() => document.querySelectorAll('#intervals dt').length === 5, null, { timeout: 30000 });
    const rows = await page.locator('#intervals dt').evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent]));
    assert.deepEqual(rows, [['RR', `${Math.round(iv.rrMs)} ms`], ['QRS', `${Math.round(iv.qrsMs)} ms`], ['QT', `${Math.round(iv.qtMs)} ms`],
      ['QTc Bazett', `${Math.round(iv.qtcBazettMs)} ms`], ['QTc Fridericia', `${Math.round(iv.qtcFridericiaMs)} ms`]]);
    // Bazett and Fridericia from the QT and RR shown (independent of the engine's own arithmetic).
    const rr = iv.rrMs / 1000;
    assert.ok(Math.abs(iv.qtMs / Math.sqrt(rr) - iv.qtcBazettMs) < 1 && Math.abs(iv.qtMs / Math.cbrt(rr) - iv.qtcFridericiaMs) < 1);
    assert.equal(await page.getByTestId('intervals-method').textContent(), `Median of ${iv.beats} beats: ${iv.method}.`);
    await page.locator('.summary-card').screenshot({ path: path.join(ARTIFACTS, 'intervals-208.png') });
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});
