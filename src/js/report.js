// The Holter report (`analyze <file> --format html`, av.report(result, record)): one self-contained HTML
// document from an analyze() result and its record. Inline CSS and SVG only: no script, no external request.
import { CLASS_COLORS, ROW_SEC, clock, ecgStrip, esc, hrTrendSvg, poincareSvg, tachogramSvg } from './report-svg.js';

const CLASS_NAMES = { N: 'Normal', L: 'Left bundle branch block', R: 'Right bundle branch block', A: 'Atrial premature', V: 'Premature ventricular' };
const CLASSES = Object.keys(CLASS_NAMES);

// The stylesheet is a constant so that a page embedding the report can allow it by hash (web/index.html's CSP).
export const REPORT_CSS = `@page { size: A4; margin: 12mm 10mm 14mm; }
* { box-sizing: border-box; }
html { color: #111827; background: #fff; font: 9.5pt/1.35 Helvetica, Arial, sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 0.4mm solid #d1d5db; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 9.5pt; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 2mm; }
.sub { color: #4b5563; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 2mm; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 0.2mm solid #e5e7eb; padding: 0.7mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
.n { text-align: right; }
table.list { width: auto; min-width: 60%; }
thead { display: table-header-group; }
tr, .block, figure { break-inside: avoid; page-break-inside: avoid; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 6mm; align-items: start; }
.note { color: #4b5563; font-size: 8.5pt; margin: 1mm 0 2mm; }
.why { color: #6b7280; font-size: 8pt; }
.warn { border-left: 1mm solid #d97706; padding: 1mm 2mm; background: #fffbeb; }
figure { margin: 0 0 3mm; }
figcaption { font-size: 8.5pt; color: #4b5563; margin-top: 1mm; }
svg.plot { display: block; max-width: 100%; height: auto; }
.strip-row { margin: 0 0 1.5mm; }
.strip-time { font-size: 8pt; color: #4b5563; }
.strip-line { display: flex; align-items: flex-start; }
.strip-line svg { display: block; flex: none; }
.c-N { color: ${CLASS_COLORS.N}; } .c-L { color: ${CLASS_COLORS.L}; } .c-R { color: ${CLASS_COLORS.R}; }
.c-A { color: ${CLASS_COLORS.A}; } .c-V { color: ${CLASS_COLORS.V}; }
.cls { font-weight: 700; display: inline-block; width: 3.5mm; }
footer { margin-top: 6mm; font-size: 8pt; color: #6b7280; border-top: 0.2mm solid #e5e7eb; padding-top: 2mm; }
@media print { body { padding: 0; max-width: none; } .page-break { break-before: page; page-break-before: always; } }
`;

const num = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const plural = (n, one, many = `${one}s`) => `${int(n)} ${n === 1 ? one : many}`;
const rate = (fs) => `${Number(fs.toFixed(fs >= 100 ? 1 : 3))} Hz`;

function span(sec) {
  if (!Number.isFinite(sec)) return '—';
  const t = Math.round(sec);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  return h ? `${h} h ${m} min` : m ? `${m} min ${s} s` : `${num(sec, 1)} s`;
}

// Cells are escaped text, or {html} for markup built here, with {n: true} for right-aligned numbers.
function cell(c, tag) {
  const v = c && typeof c === 'object' ? c : { text: c };
  const cls = v.n ? ' class="n"' : '';
  return `<${tag}${cls}>${v.html ?? esc(v.text)}</${tag}>`;
}
function table(head, rows, attrs = '') {
  const h = head ? `<thead><tr>${head.map((c) => cell(c, 'th')).join('')}</tr></thead>` : '';
  return `<table${attrs}>${h}<tbody>${rows.map((r) => `<tr>${r.map((c, k) => cell(c, !head && k === 0 ? 'th' : 'td')).join('')}</tr>`).join('')}</tbody></table>`;
}
const N = (text) => ({ text, n: true });
const hidden = (total, shown, what) => (total > shown
  ? `<p class="note" data-hidden="${total - shown}">… ${int(total - shown)} more ${what} not shown (all are in the JSON result).</p>` : '');
const why = (value, reason) => (value == null ? { html: `— <span class="why">(${esc(reason)})</span>` } : value);

function studyDetails(result, options) {
  const m = result.model;
  const rows = [
    ['Record', result.record ?? '—'],
    ['Lead', `${result.lead ?? '—'}${Number.isInteger(result.leadIndex) ? ` (signal ${result.leadIndex})` : ''}`],
    ['Sampling rate', rate(result.sampleRate)],
    ['Duration', `${clock(result.durationSec)} (${span(result.durationSec)})`],
    ['Beats', `${int(result.summary.beatCount)} (${result.beatSource === 'reference' ? 'reference annotations' : 'detected'})`],
    ['Model', m ? `${m.name} (${int(m.parameters)} parameters)` : 'none: beats are not classified'],
  ];
  if (options.generatedAt !== false) {
    const d = options.generatedAt instanceof Date ? options.generatedAt : new Date(options.generatedAt ?? Date.now());
    if (!Number.isNaN(d.getTime())) rows.push(['Report generated', `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`]);
  }
  const note = m?.inTrainingData ? `<p class="note warn">Record ${esc(result.record)} was in this model's training data: ` +
    'agreement with its reference annotations is not validation.</p>' : '';
  return `<section class="block"><h2>Study</h2>${table(null, rows, ' class="details"')}${note}</section>`;
}

function beatTable(s, labelled) {
  if (!labelled) return '<p class="note">No model: beats are detected but not classified, so there are no class counts, burden or ectopy figures.</p>';
  const rows = CLASSES.map((c) => [{ html: `<span class="cls c-${c}">${c}</span>${esc(CLASS_NAMES[c])}` }, N(int(s.counts[c])),
    N(s.beatCount ? `${num((100 * s.counts[c]) / s.beatCount, 2)} %` : '—')]);
  rows.push([{ html: '<strong>All beats</strong>' }, N(int(s.beatCount)), N('')]);
  return `${table(['Class', N('Beats'), N('Share')], rows, ' id="counts"')}` +
    `<p class="note">Burden (% of labelled beats): V ${num(s.burden?.V, 2)} %, A ${num(s.burden?.A, 2)} %.</p>`;
}

function heartRateTable(s) {
  const hr = s.heartRate ?? {};
  const at = (t) => (Number.isFinite(t) ? ` at ${clock(t)}` : '');
  return table(null, [
    ['Mean', `${num(hr.meanBpm)} bpm`],
    ['Minimum', `${num(hr.minBpm)} bpm${at(hr.minTimeSec)}`],
    ['Maximum', `${num(hr.maxBpm)} bpm${at(hr.maxTimeSec)}`],
  ], ' id="heart-rate"') + (hr.window ? `<p class="note">Min and max: ${esc(hr.window)}.</p>` : '');
}

function hrvTable(s, labelled) {
  const h = s.hrv ?? {};
  const none = labelled ? null : 'beats are not classified';
  const nn = none ?? `needs ≥ 2 N–N intervals, has ${h.nnCount ?? 0}`;
  const adjacent = none ?? 'needs two adjacent N–N intervals';
  const ms = (v) => (v == null ? null : `${num(v, 1)} ms`);
  return table(null, [
    ['SDNN', why(ms(h.sdnnMs), nn)],
    ['SDANN', why(ms(h.sdannMs), none ?? 'needs N–N intervals in ≥ 2 five-minute segments')],
    ['SDNN index', why(ms(h.sdnnIndexMs), none ?? 'needs a five-minute segment with ≥ 2 N–N intervals')],
    ['RMSSD', why(ms(h.rmssdMs), adjacent)],
    ['pNN50', why(h.pnn50Percent == null ? null : `${num(h.pnn50Percent, 1)} %`, adjacent)],
    ['N–N intervals', int(h.nnCount ?? 0)],
  ], ' id="hrv"') + '<p class="note">N–N: consecutive beats both N, L or R. SDANN and the SDNN index use 5-minute segments.</p>';
}

function qualityTable(s, durationSec) {
  const q = s.signalQuality;
  if (!q) return '';
  const leftOut = (durationSec * (100 - q.usablePercent)) / 100;
  return table(null, [
    ['Usable signal', `${num(q.usablePercent, 1)} %`],
    ['Unusable stretches', `${int(q.unusable.length)} (${span(leftOut)})`],
    ['Beats left out', int(q.noisyBeats)],
  ], ' id="signal-quality"') + '<p class="note">5-second segments judged flat, clipped or noisy; their beats are left out of counts, burden, events, HRV, AF and pauses.</p>';
}

function intervalsTable(s) {
  const iv = s.intervals;
  if (!iv) return '<p class="note">No median beat: too few steady N beats, or no measurable T wave.</p>';
  const ms = (v) => `${num(v, 0)} ms`;
  return table(null, [
    ['RR', ms(iv.rrMs)], ['QRS', ms(iv.qrsMs)], ['QT', ms(iv.qtMs)],
    ['QTc (Bazett)', ms(iv.qtcBazettMs)], ['QTc (Fridericia)', ms(iv.qtcFridericiaMs)],
  ], ' id="intervals"') + `<p class="note">${int(iv.beats)} beats; ${esc(iv.method)}.</p>`;
}

function warningsBlock(result) {
  const w = result.warnings ?? [];
  if (!w.length) return '';
  return `<section class="block" id="warnings"><h2>Warnings</h2>${table(null, w.map((x) => [x.code, x.message]))}</section>`;
}

function runText(run) {
  if (!run) return 'none';
  return `${run.beats} beats, ${num(run.rateBpm)} bpm, at ${clock(run.startTime)}`;
}
function ectopyTable(s) {
  const v = s.ventricular ?? {}, a = s.supraventricular ?? {};
  const row = (label, key) => [label, N(int(v[key] ?? 0)), N(int(a[key] ?? 0))];
  const ev = s.events ?? {};
  return table(['', N('Ventricular (V)'), N('Supraventricular (A)')], [
    ['Beats', N(int(s.counts?.V)), N(int(s.counts?.A))],
    ['Burden', N(`${num(s.burden?.V, 2)} %`), N(`${num(s.burden?.A, 2)} %`)],
    row('Isolated', 'isolated'),
    row('Couplets', 'couplets'),
    row('Triplets (runs of 3)', 'triplets'),
    row('Runs (≥ 3 beats)', 'runs'),
    row('Sustained runs (≥ 30 s)', 'sustainedRuns'),
    ['Longest run', N(runText(v.longestRun)), N(runText(a.longestRun))],
    ['Fastest run', N(runText(v.fastestRun)), N(runText(a.fastestRun))],
    ['Bigeminy / trigeminy episodes', N(`${int(ev.bigeminy?.length ?? 0)} / ${int(ev.trigeminy?.length ?? 0)}`), N('')],
  ], ' id="ectopy"');
}

function afTable(s, durationSec) {
  const af = s.af ?? { burdenPercent: 0, episodes: [] };
  const eps = af.episodes ?? [];
  const longest = eps.reduce((m, e) => (!m || e.endSec - e.startSec > m.endSec - m.startSec ? e : m), null);
  return table(null, [
    ['AF burden', `${num(af.burdenPercent, 1)} % of the recording (${span((af.burdenPercent / 100) * durationSec)})`],
    ['Episodes', int(eps.length)],
    ['Longest episode', longest ? `${span(longest.endSec - longest.startSec)} from ${clock(longest.startSec)}, ${num(longest.meanBpm)} bpm` : 'none'],
    ['A labels counted as N inside AF', int(af.relabelledA ?? 0)],
  ], ' id="af"');
}

function hourlyTable(s, maxRows) {
  const rows = (s.hourly ?? []).slice(0, maxRows).map((h, k) => [N(String(k + 1)), clock(h.startSec).slice(0, 5), N(int(h.beats)),
    N(num(h.meanBpm)), N(num(h.minBpm)), N(num(h.maxBpm)), N(int(h.V)), N(int(h.A)), N(int(h.pauses)), N(num(h.afSec / 60, 1))]);
  return `<section><h2>Hourly summary</h2>${table([N('Hour'), 'From', N('Beats'), N('Mean bpm'), N('Min bpm'), N('Max bpm'), N('V'),
    N('A'), N('Pauses'), N('AF min')], rows, ' id="hourly"')}${hidden(s.hourly?.length ?? 0, rows.length, 'hours')}` +
    '<p class="note">Rows of 3600 s from the start of the recording; min and max over 8-beat windows.</p></section>';
}

function afEpisodes(s, maxRows) {
  const eps = s.af?.episodes ?? [];
  const rows = eps.slice(0, maxRows).map((e, k) => [N(String(k + 1)), clock(e.startSec), clock(e.endSec),
    N(span(e.endSec - e.startSec)), N(num(e.meanBpm)), N(int(e.beats))]);
  const body = eps.length ? table([N('#'), 'Start', 'End', N('Duration'), N('Mean bpm'), N('Beats')], rows, ' id="af-episodes" class="list"')
    : '<p class="note">No AF episode was detected.</p>';
  return `<section><h2>AF episodes</h2><p class="note" data-testid="af-count">${plural(eps.length, 'episode')}, from the irregularity of the RR intervals and, with a context model, the absence of P waves.</p>` +
    `${body}${hidden(eps.length, rows.length, 'episodes')}</section>`;
}

function pauseList(s, pauseSec, maxRows) {
  const p = s.pauses ?? [];
  const flagged = p.filter((x) => x.flagged).length;
  const longest = p.reduce((m, x) => (!m || x.durationSec > m.durationSec ? x : m), null);
  const rows = p.slice(0, maxRows).map((x, k) => [N(String(k + 1)), clock(x.startSec, 1), N(`${num(x.durationSec, 2)} s`), x.flagged ? '≥ 3 s' : '']);
  const head = `${plural(p.length, 'pause')} (RR ≥ ${num(pauseSec, 1)} s)` + (p.length ? `, ${int(flagged)} of them ≥ 3 s; ` +
    `longest ${num(longest.durationSec, 2)} s at ${clock(longest.startSec)}.` : '.');
  const body = p.length ? table([N('#'), 'Start', N('Duration'), 'Flag'], rows, ' id="pause-list" class="list"') : '';
  return `<section><h2>Pauses</h2><p class="note" data-testid="pause-count" data-count="${p.length}">${head}</p>${body}` +
    `${hidden(p.length, rows.length, 'pauses')}</section>`;
}

// The stretch of the recording shown for an event [a, b] (s): whole rows, at most 3, the event centred when it fits.
function stripWindow(a, b, durationSec) {
  const need = b - a + 3;
  const rows = Math.min(3, Math.max(1, Math.ceil(need / ROW_SEC)));
  const len = rows * ROW_SEC;
  let start = need <= len ? (a + b) / 2 - len / 2 : a - 1.5;
  start = Math.max(0, Math.min(start, durationSec - len));
  return [start, Math.min(durationSec, start + len)];
}

/** The notable events that exist: longest pause, fastest V run, first AF onset. */
export function stripEvents(result) {
  const s = result.summary;
  const out = [];
  const longest = (s.pauses ?? []).reduce((m, x) => (!m || x.durationSec > m.durationSec ? x : m), null);
  if (longest) {
    const a = longest.startSec, b = a + longest.durationSec;
    out.push({ id: 'longest-pause', title: `Longest pause: ${num(longest.durationSec, 2)} s at ${clock(a)}`, window: stripWindow(a, b, result.durationSec),
      marks: [{ startSec: a, endSec: b, text: `${num(longest.durationSec, 2)} s` }] });
  }
  const run = s.ventricular?.fastestRun;
  if (run) {
    out.push({ id: 'fastest-v-run', title: `Fastest V run: ${run.beats} beats at ${num(run.rateBpm)} bpm, ${clock(run.startTime)}`,
      window: stripWindow(run.startTime, run.endTime, result.durationSec), marks: [{ startSec: run.startTime - 0.05, endSec: run.endTime + 0.05 }] });
  }
  const af = s.af?.episodes?.[0];
  if (af) {
    out.push({ id: 'af-onset', title: `First AF onset at ${clock(af.startSec)}${af.startSec < 5 ? ' (AF from the start of the recording)' : ''}`,
      window: stripWindow(af.startSec - 1, af.startSec + 3, result.durationSec), lines: [{ t: af.startSec, text: 'AF onset' }] });
  }
  return out;
}

function recordSamples(result, record) {
  if (!record) return null;
  if (Number.isFinite(record.sampleRate) && Math.abs(record.sampleRate - result.sampleRate) > 1e-6) return null;
  const idx = result.leadIndex ?? 0;
  const s = typeof record.samples === 'function' ? record.samples(idx) : record.leads?.[idx]?.samples;
  return s && s.length ? s : null;
}

function strips(result, record) {
  const events = stripEvents(result);
  if (!events.length) return '';
  const samples = recordSamples(result, record);
  const intro = '<p class="note">25 mm/s, 10 mm/mV (true to size when printed at 100 %), 1 mm and 5 mm grid, 1 mV calibration pulse; ' +
    `lead ${esc(result.lead)}, baseline wander removed (1.5 s moving mean). Beat labels above the trace.</p>`;
  if (!samples) return `<section class="page-break"><h2>ECG strips</h2><p class="note">No signal was given with the result, so the strips are left out.</p></section>`;
  const figs = events.map((e) => {
    const svg = ecgStrip({ samples, fs: result.sampleRate, beats: result.beats, t0: e.window[0], t1: e.window[1],
      marks: e.marks, lines: e.lines, afEpisodes: result.summary.af?.episodes ?? [] });
    return `<figure class="event-strip" data-event="${e.id}"><h3>${esc(e.title)}</h3>${svg}</figure>`;
  });
  return `<section class="page-break strips"><h2>ECG strips</h2>${intro}${figs.join('')}</section>`;
}

/**
 * The report as one HTML document. record: the EcgRecord (or {sampleRate, samples(lead)}) the result came
 * from, for the ECG strips; null leaves them out. options: {pauseSec = 2 (as analyzed), maxRows = 40 (long
 * lists), generatedAt = now (false: no date), title}.
 */
export function renderReport(result, record, options = {}) {
  if (!result?.summary || !Array.isArray(result.beats)) throw new TypeError('renderReport needs an analyze() result');
  const s = result.summary;
  const labelled = Boolean(result.model) && result.beats.some((b) => b.label);
  const maxRows = options.maxRows ?? 40;
  const name = result.record ?? record?.name ?? 'record';
  const title = options.title ?? `Holter report — ${name}`;
  const binText = result.durationSec <= 1200 ? '10 s' : 'minute';
  const body = [
    `<header><h1>${esc(title)}</h1><p class="sub">ArrhythmiaVision automated analysis of record ${esc(name)}, lead ${esc(result.lead)}. ` +
      'Research use only, not a medical device; not reviewed by a clinician.</p></header>',
    warningsBlock(result),
    studyDetails(result, options),
    `<section><h2>Summary</h2><div class="grid2"><div class="block"><h3>Beats</h3>${beatTable(s, labelled)}</div>` +
      `<div class="block"><h3>Heart rate</h3>${heartRateTable(s)}<h3>Atrial fibrillation</h3>${afTable(s, result.durationSec)}</div></div>` +
      `<div class="grid2"><div class="block"><h3>Signal quality</h3>${qualityTable(s, result.durationSec)}</div>` +
      `<div class="block"><h3>Median beat intervals</h3>${intervalsTable(s)}</div></div>` +
      (labelled ? `<div class="block"><h3>Ectopy</h3>${ectopyTable(s)}</div>` : '') + '</section>',
    `<section><h2>Trends</h2><figure>${hrTrendSvg(result)}<figcaption>Heart rate: mean of the RR intervals (0.2–3 s) ending in each ${binText}; ` +
      'AF episodes shaded; circles: the 8-beat minimum and maximum.</figcaption></figure>' +
      `<figure>${tachogramSvg(result)}<figcaption>RR tachogram: every RR interval against time (longer intervals clipped at the top); red: pauses.</figcaption></figure>` +
      `<div class="grid2"><figure>${poincareSvg(result)}<figcaption>Poincaré plot: each RR interval against the next.</figcaption></figure>` +
      `<div class="block"><h3>Heart-rate variability</h3>${hrvTable(s, labelled)}</div></div></section>`,
    hourlyTable(s, Math.max(maxRows, 48)),
    afEpisodes(s, maxRows),
    pauseList(s, options.pauseSec ?? 2, maxRows),
    strips(result, record),
    '<footer>Generated by ArrhythmiaVision on this computer: the recording was not uploaded anywhere. Automated figures; ' +
      'check them against the ECG before any clinical use.</footer>',
  ];
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>\n<body>${body.join('\n')}</body></html>\n`;
}
