// Embedding ArrhythmiaVision in a dashboard: the analyzer runs in a Web Worker, the package's strip chart draws
// the record, and the page shows the result in its own tiles and lists. The imports use the package's npm names;
// index.html's import map resolves them (a bundler would do the same from node_modules).
import { createWorkerAnalyzer } from 'arrhythmiavision/worker';
import { StripChart } from 'arrhythmiavision/chart';

const $ = (id) => document.getElementById(id);
const MAX_EVENTS = 100;
const PLACEHOLDER = $('selected').textContent;
let result = null;
let chart = null;

/** A fresh chart for each record: the previous one is destroyed (its listeners and observer go with it). */
function newChart() {
  chart?.destroy();
  chart = new StripChart($('overview'), $('detail'), {
    onSelect: (i) => {
      const b = result.beats[i];
      const p = Object.entries(b.probabilities).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' · ');
      $('selected').textContent = `Beat ${i + 1} at ${b.time.toFixed(2)} s: ${b.label} (${p})`;
    },
    onViewChange: ({ start, end }) => Object.assign($('detail').dataset, { viewStart: Math.round(start), viewEnd: Math.round(end) }),
  });
}

/** Everything the previous record showed goes before the next one loads. */
function reset(name) {
  result = null;
  newChart();
  $('selected').textContent = PLACEHOLDER;
  for (const id of ['t-beats', 't-hr', 't-v', 't-a']) $(id).textContent = '–';
  $('ecg-title').textContent = `ECG · record ${name}`;
  $('events').replaceChildren(Object.assign(document.createElement('li'), { textContent: 'Analysing…', className: 'muted' }));
}

newChart();
const av = await createWorkerAnalyzer({ model: 'v1' });
$('status').textContent = `${av.info.model} ready`;
let current = null;

async function show(name) {
  $('status').textContent = `Loading ${name}…`;
  const files = await Promise.all(['hea', 'dat', 'atr'].map((ext) =>
    fetch(new URL(`../data/${name}.${ext}`, import.meta.url)).then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b))));
  if (current) av.disposeRecord(current);
  current = null;
  reset(name);
  const rec = await av.readWfdb({ hea: files[0], dat: files[1], atr: files[2] });
  current = rec;
  result = await av.analyze(rec, { onProgress: (f) => { $('status').textContent = `Analysing ${name}… ${Math.round(f * 100)} %`; } });
  chart.setSignal(await av.chartSignal(rec, result.leadIndex));   // the lead and its pyramid, made in the worker
  chart.setReference(rec.annotations);
  chart.setBeats(result.beats);

  const s = result.summary;
  $('t-beats').textContent = s.beatCount.toLocaleString('en');
  $('t-hr').textContent = `${s.heartRate.meanBpm?.toFixed(0) ?? '–'} bpm`;
  $('t-v').textContent = `${(s.burden?.V ?? (100 * s.counts.V) / s.beatCount).toFixed(1)} %`;
  $('t-a').textContent = `${(s.burden?.A ?? (100 * s.counts.A) / s.beatCount).toFixed(1)} %`;
  $('ecg-title').textContent = `ECG · record ${result.record} · ${result.lead}`;

  const names = { vRuns: 'V run', couplets: 'V couplet', bigeminy: 'Bigeminy', trigeminy: 'Trigeminy' };
  const events = Object.entries(names).flatMap(([k, type]) => (s.events?.[k] ?? []).map((e) => ({ ...e, type })))
    .sort((a, b) => a.start - b.start);
  const items = events.slice(0, MAX_EVENTS).map((e) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = `${new Date(e.startTime * 1000).toISOString().slice(11, 19)} ${e.type} (${e.beats} beats)`;
    b.addEventListener('click', () => {   // show the event in the strip and bring the strip into view
      chart.centerOn((e.start + e.end) / 2);
      chart.select(chart.beatAt(e.start), { center: false });
      $('detail').scrollIntoView({ block: 'nearest' });
    });
    li.append(b);
    return li;
  });
  const note = (text) => Object.assign(document.createElement('li'), { textContent: text, className: 'muted' });
  if (!events.length) items.push(note('No ventricular events'));
  if (events.length > MAX_EVENTS) items.push(note(`Showing ${MAX_EVENTS} of ${events.length} events`));
  $('events').replaceChildren(...items);
  $('status').textContent = `${name}: ${s.beatCount} beats in ${(result.timing.totalMs / 1000).toFixed(2)} s`;
}

document.querySelectorAll('[data-record]').forEach((b) => b.addEventListener('click', () =>
  show(b.dataset.record).catch((err) => { $('status').textContent = `Error: ${err.code}: ${err.message}`; })));
