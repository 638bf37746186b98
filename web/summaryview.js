// The summary panel: the engine's warnings and signal quality, counts, heart rate and HRV, burden, and the event
// list (each entry shows its stretch in the chart). The unusable stretches are shaded on the chart from here too.
import { CLASSES, summaryEvents } from './stats.js';
import { formatTime } from '../src/js/format.js';
import { $, el, chip, dl, num, formatSpan, CLASS_NAMES } from './dom.js';

const REASONS = { flat: 'flat line', clipped: 'clipped', noisy: 'noise', not_ecg: 'not an ECG' };

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

  function clear() {
    $('beat-count').textContent = '–';
    for (const id of ['summary-meta', 'class-counts', 'heart-rate', 'burden', 'events', 'class-select', 'quality-warnings', 'legend'])
      $(id).replaceChildren();
    $('signal-quality').textContent = '';
    for (const id of ['event-filter', 'agreement-card', 'training-note', 'quality-warnings']) $(id).hidden = true;
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

    const hours = (result.durationSec ?? state.record.length / fs) / 3600;
    const perHour = (n) => (hours > 0 ? `${num(n / hours, 0)}/h` : '–');
    dl($('burden'), [
      ['Ventricular (V)', `${num(s.burden?.V ?? 0, 2)} % · ${perHour(s.counts?.V ?? 0)}`],
      ['Atrial (A)', `${num(s.burden?.A ?? 0, 2)} % · ${perHour(s.counts?.A ?? 0)}`],
      ['AF', `${num(s.af?.burdenPercent ?? 0, 1)} % of the time · ${s.af?.episodes?.length ?? 0} episodes`,
        'RR irregularity over 128 beats; A labels inside AF count as N'],
    ]);

    state.events = summaryEvents(result, fs);
    const counts = {};
    for (const e of state.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
    const filter = $('event-filter');
    filter.replaceChildren(new Option(`All events (${state.events.length})`, ''),
      ...Object.entries(counts).map(([type, n]) => new Option(`${type} (${n})`, type)));
    filter.hidden = !state.events.length;
    renderEvents();
  }

  /** The events list, filtered by the type chosen in #event-filter; each entry shows its stretch in the chart. */
  function renderEvents() {
    const fs = state.record.sampleRate;
    const type = $('event-filter').value;
    const events = state.events.filter((e) => !type || e.type === type);
    const list = $('events');
    list.replaceChildren();
    if (!state.events.length) {
      list.append(el('li', 'muted', 'No runs, couplets, bigeminy, trigeminy, AF or pauses ≥ 2 s.'));
      return;
    }
    const shown = 200;
    for (const e of events.slice(0, shown)) {
      const b = el('button', 'event');
      b.type = 'button';
      const dur = (e.endSample - e.startSample) / fs;
      b.textContent = `${formatTime(e.startSample / fs, false)}  ${e.type}` +
        (e.type === 'Pause' ? ` ${dur.toFixed(1)} s${e.flagged ? ' (≥ 3 s)' : ''}` : e.beats != null ? ` · ${e.beats} beats` : ` ${dur.toFixed(1)} s`) +
        (e.rateBpm ? ` · ${Math.round(e.rateBpm)} bpm` : '');
      b.addEventListener('click', () => {
        const span = Math.max(8, dur + 4) * fs;
        chart.setView((e.startSample + e.endSample) / 2 - span / 2, (e.startSample + e.endSample) / 2 + span / 2);
        chart.select(chart.beatAt(e.startSample), { center: false });
      });
      const li = el('li');
      li.append(b);
      list.append(li);
    }
    if (events.length > shown) list.append(el('li', 'muted', `… and ${events.length - shown} more (all in the JSON export)`));
  }

  return { render, clear };
}
