// The summary panel: the engine's warnings and signal quality, counts, heart rate and HRV, burden, and the event
// list (each entry shows its stretch in the chart). The unusable stretches are shaded on the chart from here too.
import { CLASSES, summaryEvents } from './stats.js';
import { formatTime } from '../src/js/format.js';
import { $, el, chip, dl, num, formatSpan, CLASS_NAMES } from './dom.js';

const REASONS = { flat: 'flat line', clipped: 'clipped', noisy: 'noise', not_ecg: 'not an ECG' };
const MAX_SHOWN = 500;
const RUNS = new Set(['V run', 'A run']);
/** Most severe first; ties by duration. Pauses of 3 s or more rank with V runs. */
const SEVERITY = { 'V flutter': 9, 'V run': 8, 'Pause ≥ 3 s': 7, AF: 6, 'A run': 5, 'V couplet': 4, Pause: 3, Bigeminy: 2, Trigeminy: 1 };
const duration = (e, fs) => (e.endSample - e.startSample) / fs;
const severity = (e) => SEVERITY[e.type === 'Pause' && e.flagged ? 'Pause ≥ 3 s' : e.type] ?? 0;

/** Events in an order: 'time' (ascending), 'duration', 'rate' or 'severity' (descending, then by time). */
export function sortEvents(events, order, fs) {
  const key = { duration: (e) => duration(e, fs), rate: (e) => e.rateBpm ?? -1, severity: (e) => severity(e) * 1e7 + duration(e, fs) }[order];
  const out = [...events];
  return key ? out.sort((a, b) => key(b) - key(a) || a.startSample - b.startSample) : out.sort((a, b) => a.startSample - b.startSample);
}

/** summary.signalQuality.unusable as chart stretches in samples, labelled with their reason. */
export function unusableShading(result, sampleRate) {
  return (result.summary?.signalQuality?.unusable ?? []).map((u) => ({
    start: Math.round(u.startSec * sampleRate), end: Math.round(u.endSec * sampleRate),
    label: `unusable: ${REASONS[u.reason] ?? u.reason}`,
  }));
}

/** state: the page's state ({record, info, events}); chart: its StripChart. Returns {render(result, wallMs), clear()}. */
export function initSummaryView(state, chart) {
  $('event-filter').addEventListener('change', renderEvents);
  $('event-sort').addEventListener('change', renderEvents);

  function clear() {
    $('beat-count').textContent = '–';
    $('intervals-method').textContent = '';
    for (const id of ['summary-meta', 'class-counts', 'heart-rate', 'intervals', 'burden', 'events', 'class-select', 'quality-warnings', 'legend'])
      $(id).replaceChildren();
    $('signal-quality').textContent = '';
    $('event-note').textContent = '';
    for (const id of ['event-filter', 'event-sort', 'agreement-card', 'training-note', 'quality-warnings']) $(id).hidden = true;
  }

  // The engine's warnings (top-level result.warnings) as a notice, and one line on summary.signalQuality.
  function renderQuality(result) {
    const warnings = result.warnings ?? [];
    const box = $('quality-warnings');
    box.replaceChildren(...warnings.map((w) => {
      const p = el('p', '', `${w.message[0].toUpperCase()}${w.message.slice(1)}.`);
      p.dataset.code = w.code;
      p.prepend(el('strong', '', 'Warning: '));
      return p;
    }));
    box.hidden = !warnings.length;

    const q = result.summary.signalQuality;
    const line = $('signal-quality');
    line.classList.toggle('poor', Boolean(q?.unusable?.length));
    if (!q) { line.textContent = ''; return; }
    const leftOut = q.unusable.reduce((a, u) => a + (u.endSec - u.startSec), 0);
    line.textContent = `Signal quality: ${num(q.usablePercent, 1)} % usable` + (q.unusable.length
      ? ` · ${q.unusable.length} unusable stretch${q.unusable.length > 1 ? 'es' : ''} (${formatSpan(leftOut)}, shaded)` +
        ` left out of the findings · ${q.noisyBeats.toLocaleString('en')} noisy beat${q.noisyBeats === 1 ? '' : 's'}`
      : '');
    const legend = $('legend');
    legend.replaceChildren(...(q.unusable.length ? [el('span', 'swatch-shade'), ' unusable signal ', el('span', 'swatch-noisy'), ' noisy beat'] : []));
  }

  function render(result, wallMs) {
    const fs = state.record.sampleRate;
    const s = result.summary;
    $('beat-count').textContent = String(s.beatCount);
    dl($('summary-meta'), [
      ['Record', `${result.record ?? state.record.name} (${result.lead})`],
      ['Duration', formatTime(result.durationSec ?? state.record.length / fs, false)],
      ['Model', `${result.model?.name ?? state.info?.model}`],
      ['Analysis', `${(wallMs / 1000).toFixed(2)} s${result.timing?.totalMs ? ` (engine ${Math.round(result.timing.totalMs)} ms)` : ''}`],
    ]);
    renderQuality(result);
    chart.setShading(unusableShading(result, fs));

    const table = $('class-counts');
    const head = table.createTHead();
    head.replaceChildren();
    const hr = head.insertRow();
    for (const h of ['Class', 'Beats', 'Share']) { const th = el('th', '', h); th.scope = 'col'; hr.append(th); }
    const body = table.tBodies[0] ?? table.createTBody();
    body.replaceChildren();
    for (const c of CLASSES) {
      const n = s.counts?.[c] ?? 0;
      const row = body.insertRow();
      row.dataset.class = c;
      const name = row.insertCell();
      name.title = CLASS_NAMES[c];
      name.append(chip(c), ` ${CLASS_NAMES[c]}`);
      row.insertCell().textContent = n.toLocaleString('en');
      row.insertCell().textContent = s.beatCount ? `${((100 * n) / s.beatCount).toFixed(1)} %` : '–';
    }

    const hrs = s.heartRate ?? {};
    const hrv = s.hrv ?? {};
    const at = (sec) => (Number.isFinite(sec) ? ` at ${formatTime(sec, false)}` : '');
    const needNn = 'needs ≥ 2 N-N intervals';
    dl($('heart-rate'), [
      ['Mean', `${num(hrs.meanBpm)} bpm`],
      ['Min', `${num(hrs.minBpm)} bpm${at(hrs.minTimeSec)}`],
      ['Max', `${num(hrs.maxBpm)} bpm${at(hrs.maxTimeSec)}`],
      ['SDNN', hrv.sdnnMs != null ? `${num(hrv.sdnnMs, 0)} ms` : `– (${needNn})`, `Standard deviation of ${hrv.nnCount ?? 0} NN intervals (consecutive N, L or R beats)`],
      ['RMSSD', hrv.rmssdMs != null ? `${num(hrv.rmssdMs, 0)} ms` : `– (${needNn})`, 'Root mean square of successive NN differences'],
      ['pNN50', hrv.pnn50Percent != null ? `${num(hrv.pnn50Percent, 1)} %` : `– (${needNn})`],
    ]);

    // The median beat's intervals (C++ pipeline/intervals), with the method that measured them.
    const iv = s.intervals;
    const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '–');
    dl($('intervals'), iv ? [
      ['RR', ms(iv.rrMs)], ['QRS', ms(iv.qrsMs)], ['QT', ms(iv.qtMs)],
      ['QTc Bazett', ms(iv.qtcBazettMs), 'QT / √RR (RR in s)'], ['QTc Fridericia', ms(iv.qtcFridericiaMs), 'QT / ∛RR (RR in s)'],
    ] : [['QT', '– (too few steady N beats, or a T wave too flat to measure)']]);
    $('intervals-method').textContent = iv ? `Median of ${iv.beats} beats: ${iv.method}.` : '';
    const hours = (result.durationSec ?? state.record.length / fs) / 3600;
    const perHour = (n) => (hours > 0 ? `${num(n / hours, 0)}/h` : '–');
    dl($('burden'), [
      ['Ventricular (V)', `${num(s.burden?.V ?? 0, 2)} % · ${perHour(s.counts?.V ?? 0)}`],
      ['Atrial (A)', `${num(s.burden?.A ?? 0, 2)} % · ${perHour(s.counts?.A ?? 0)}`],
      ['AF', `${num(s.af?.burdenPercent ?? 0, 1)} % of the time · ${s.af?.episodes?.length ?? 0} episodes`,
        'RR irregularity over 128 beats and (context models) absent P waves; A labels inside AF count as N'],
    ]);

    state.events = summaryEvents(result, fs);
    const counts = {};
    for (const e of state.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
    const filter = $('event-filter');
    filter.replaceChildren(new Option(`All events (${state.events.length})`, ''),
      ...Object.entries(counts).map(([type, n]) => new Option(`${type} (${n})`, type)));
    filter.hidden = !state.events.length;
    $('event-sort').hidden = !state.events.length;
    renderEvents();
  }

  /**
   * The events list: the longest pause and the fastest run pinned at the top, then the events of the type chosen in
   * #event-filter in the order chosen in #event-sort. Up to MAX_SHOWN rows, and a note that says how many are hidden.
   */
  function renderEvents() {
    const fs = state.record.sampleRate;
    const type = $('event-filter').value;
    const order = $('event-sort').value;
    const all = state.events;
    const events = sortEvents(all.filter((e) => !type || e.type === type), order, fs);
    const list = $('events');
    list.replaceChildren();
    $('event-note').textContent = '';
    if (!all.length) {
      list.append(el('li', 'muted', 'No runs, couplets, bigeminy, trigeminy, AF or pauses ≥ 2 s.'));
      return;
    }
    const pauses = all.filter((e) => e.type === 'Pause');
    const runs = all.filter((e) => RUNS.has(e.type) && e.rateBpm);
    const longest = pauses.reduce((m, e) => (!m || duration(e, fs) > duration(m, fs) ? e : m), null);
    const fastest = runs.reduce((m, e) => (!m || e.rateBpm > m.rateBpm ? e : m), null);
    if (longest) list.append(eventItem(longest, fs, 'Longest pause', 'pinned-pause'));
    if (fastest) list.append(eventItem(fastest, fs, 'Fastest run', 'pinned-run'));
    for (const e of events.slice(0, MAX_SHOWN)) list.append(eventItem(e, fs));
    const hidden = Math.max(0, events.length - MAX_SHOWN);
    $('event-note').textContent = `Showing ${Math.min(events.length, MAX_SHOWN).toLocaleString('en')} of ` +
      `${events.length.toLocaleString('en')}${type ? ` ${type}` : ''} events` +
      (hidden ? ` · ${hidden.toLocaleString('en')} more hidden: choose a type, or export the JSON` : '');
  }

  function eventItem(e, fs, pin = '', testId = '') {
    const b = el('button', 'event');
    b.type = 'button';
    const dur = duration(e, fs);
    b.textContent = `${formatTime(e.startSample / fs, false)}  ${e.type}` +
      (e.type === 'Pause' ? ` ${dur.toFixed(1)} s${e.flagged ? ' (≥ 3 s)' : ''}` : e.beats != null ? ` · ${e.beats} beats` : ` ${dur.toFixed(1)} s`) +
      (e.rateBpm ? ` · ${Math.round(e.rateBpm)} bpm` : '');
    Object.assign(b.dataset, { type: e.type, start: String(e.startSample), durationSec: dur.toFixed(3), rate: String(e.rateBpm ?? '') });
    b.addEventListener('click', () => {
      const span = Math.max(8, dur + 4) * fs;
      chart.setView((e.startSample + e.endSample) / 2 - span / 2, (e.startSample + e.endSample) / 2 + span / 2);
      chart.select(chart.beatAt(e.startSample), { center: false });
    });
    const li = el('li', pin ? 'pinned' : '');
    if (pin) {
      li.dataset.testid = testId;
      b.prepend(el('strong', '', `${pin} `));
    }
    li.append(b);
    return li;
  }

  return { render, clear };
}
