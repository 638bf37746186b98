// The demo page: wires file input, the engine (the package's worker), the strip chart, the summary and the
// explanation panels.
import { StripChart, LeadStack, HrTrend, CLASS_COLORS } from '../src/js/chart.js';
import { Calipers } from '../src/js/calipers.js';
import { drawBeatExplanation, drawClassGradcam, drawClassShap } from './explainview.js';
import { renderAgreement } from './agreementview.js';
import { renderContextPlayers } from './contextview.js';
import { createEngine } from './engine.js';
import { download, resultDocument } from './exporting.js';
import { CLASSES, agreement, beatsCsv } from './stats.js';
import { formatTime } from '../src/js/format.js';
import { $, el, chip, dl, num, formatSpan, formatRate, renderProbabilities, CLASS_NAMES } from './dom.js';
import { initReportView } from './reportview.js';
import { initSummaryView } from './summaryview.js';
import { groupRecords } from './records.js';

// ---- engine -----------------------------------------------------------------------------------------------------
// The engine lives in the package's worker; cancelling a long analysis terminates it and starts a fresh one.
const engine = createEngine();

// ---- state ------------------------------------------------------------------------------------------------------
const state = {
  info: null,
  model: null,        // the model the worker has loaded
  record: null,       // {name, sampleRate, leads, length, annotations, defaultLead, files}
  lead: 0,
  result: null,
  agreement: null,
  selected: -1,
  busy: false,
  explainToken: 0,
};

const chart = new StripChart($('overview'), $('detail'), {
  onSelect: (i) => explainBeat(i),
  onHover: (i, e) => showTooltip(i, e),
  onCaliper: (m) => showCaliper(m),
  onViewChange: ({ start, end }) => {
    // The visible range in samples, for tests and embedding pages.
    $('detail').dataset.viewStart = String(Math.round(start));
    $('detail').dataset.viewEnd = String(Math.round(end));
    if (!state.record) return;
    const fs = state.record.sampleRate;
    $('view-range').textContent = `${formatTime(start / fs)} – ${formatTime(end / fs)} (${formatSpan((end - start) / fs)})`;
    showCalibration();
    stack.redraw();
    trend.redraw();
  },
});
const stack = new LeadStack($('lead-stack'), chart);
const trend = new HrTrend($('trend'), chart);
const report = initReportView(state, chart);
initChartTools();
const summary = initSummaryView(state, chart);

/** Calipers and paper mode: the toggles in the chart's toolbar, the reading under the strip. */
function initChartTools() {
  const paper = () => chart.setPaper($('paper-mode').checked
    ? { mmPerSec: Number($('paper-speed').value), mmPerMv: Number($('paper-gain').value) } : null);
  for (const id of ['paper-mode', 'paper-speed', 'paper-gain']) $(id).addEventListener('change', () => { paper(); showCalibration(); });
  $('calipers').addEventListener('click', () => chart.setCaliperMode(!chart.caliperMode));
  $('all-leads').addEventListener('change', () => showOtherLeads().catch((err) => showError(err, 'Could not show the leads')));
}
/** The record's other leads stacked under the strip when "All leads" is on. */
async function showOtherLeads() {
  const on = $('all-leads').checked && state.record?.leads.length > 1;
  const others = on ? state.record.leads.map((name, i) => ({ name, i })).filter(({ i }) => i !== state.lead) : [];
  const leads = await Promise.all(others.map(async ({ name, i }) => ({ name, ...(await engine.chartSignal(i)) })));
  stack.setLeads(leads);
}
/** The chart's scale for tests and embedding pages (CSS px per second and per mV). */
function showCalibration() {
  const c = chart.calibration();
  $('detail').dataset.pxPerSec = c.pxPerSec.toFixed(4);
  $('detail').dataset.pxPerMv = c.pxPerMv.toFixed(4);
  $('detail').dataset.paper = chart.paper ? `${c.mmPerSec} mm/s ${c.mmPerMv} mm/mV` : '';
}
function showCaliper(m) {
  $('calipers').setAttribute('aria-pressed', String(chart.caliperMode));
  $('calipers').classList.toggle('pressed', chart.caliperMode);
  $('detail').classList.toggle('measuring', chart.caliperMode);
  $('caliper-readout').textContent = m ? `Calipers: ${Calipers.format(m)}` : '';
  $('detail').dataset.caliperStart = m ? String(m.startSample) : '';
  $('detail').dataset.caliperEnd = m ? String(m.endSample) : '';
}

/** Beat tooltip over the strip chart: label, time, probability and the RR intervals around the beat. */
function showTooltip(index, e) {
  const tip = $('beat-tooltip');
  const beats = state.result?.beats;
  if (index < 0 || !beats?.[index]) { tip.hidden = true; return; }
  const b = beats[index];
  const fs = state.record.sampleRate;
  const rr = (k) => (k > 0 && k < beats.length ? `${Math.round(((beats[k].sample - beats[k - 1].sample) / fs) * 1000)} ms` : '–');
  const ref = state.agreement?.matchOf.get(index);
  tip.replaceChildren(chip(b.label), ` ${CLASS_NAMES[b.label] ?? b.label} · p ${Number(b.probabilities?.[b.label] ?? 0).toFixed(3)}`,
    el('br'), `${formatTime(b.sample / fs)} · RR ${rr(index)} / next ${rr(index + 1)}`,
    ...(b.noisy ? [el('br'), 'in unusable signal: left out of the findings'] : []),
    ...(state.agreement ? [el('br'), `reference: ${ref ? ref.symbol : 'none'}`] : []));
  const card = $('detail').offsetParent.getBoundingClientRect();
  tip.hidden = false;
  const left = Math.min(e.clientX - card.left + 12, card.width - tip.offsetWidth - 8);
  tip.style.left = `${Math.max(4, left)}px`;
  tip.style.top = `${e.clientY - card.top + 14}px`;
}

// ---- status, progress, errors -----------------------------------------------------------------------------------
function setStatus(text) { $('status-text').textContent = text; }
/** f in [0, 1]; 'busy' for an indeterminate bar; null hides it. */
function setProgress(f) {
  const bar = $('progress');
  if (f === null) { bar.hidden = true; return; }
  bar.hidden = false;
  if (f === 'busy') bar.removeAttribute('value');
  else bar.value = Math.max(0, Math.min(1, f));
}
function showError(err, title = 'Could not read the file') {
  if (err.code === 'cancelled') return;   // the user stopped it: nothing to report
  $('error-title').textContent = title;
  $('error-message').textContent = err.code ? `${err.code}: ${err.message}` : String(err.message ?? err);
  $('error').hidden = false;
}
function clearError() { $('error').hidden = true; }
$('error-close').addEventListener('click', clearError);

function setBusy(busy) {
  state.busy = busy;
  $('cancel').hidden = !busy;
  for (const id of ['open-files', 'lead-select', 'model-select', 'class-run']) $(id).disabled = busy || (id === 'lead-select' && !state.record);
  document.querySelectorAll('[data-sample]').forEach((b) => { b.disabled = busy; });
}

/** Stops whatever the engine is doing by replacing its worker; the record is gone with it. */
function cancelWork() {
  engine.cancel();
  state.record = null;
  state.result = null;
  state.agreement = null;
  state.model = null;
  $('workspace').hidden = true;
  $('welcome').hidden = false;
  $('record-name').textContent = 'No record';
  setProgress(null);
  setBusy(false);
  startEngine().then(() => setStatus('Cancelled — ready'));
}
$('cancel').addEventListener('click', cancelWork);

// ---- engine start -----------------------------------------------------------------------------------------------
async function startEngine() {
  try {
    state.info = await engine.start($('model-select').value);
    state.model = $('model-select').value;
    setStatus('Ready');
    showEngineInfo(state.info);
  } catch (err) {
    setStatus(state.model ? 'Ready' : 'Engine not available');
    if (err.code === 'worker_failed') err.message = `${err.message}: the WebAssembly engine could not be loaded (is dist/ built? run npm run build)`;
    showError(err, 'The analysis engine could not start');
    if (state.model) $('model-select').value = state.model;   // the previous model is still loaded
  }
}
function showEngineInfo(info) {
  $('engine-info').textContent = `${info.model} · ${Number(info.parameters).toLocaleString('en')} parameters · ` +
    `${info.backend ?? 'wasm'} backend`;
}

// ---- loading ----------------------------------------------------------------------------------------------------
async function loadFiles(fileList) {
  if (state.busy || !fileList.length) return;
  let files;
  try {
    files = await Promise.all([...fileList].map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  } catch (err) {
    showError({ code: 'file_unreadable', message: `the browser could not read the file (${err.message})` });
    return;
  }
  const records = groupRecords(files);
  if (records.length > 1) return chooseRecord(records);
  await loadRecord(files);
}

/** Several records dropped at once: the user picks the one to open. */
function chooseRecord(records) {
  const box = $('record-choice');
  const buttons = records.map((r) => {
    const b = el('button', 'button small', r.name);
    b.type = 'button';
    b.title = r.files.map((f) => f.name).join(', ');
    b.addEventListener('click', () => { box.hidden = true; loadRecord(r.files); });
    return b;
  });
  box.replaceChildren(el('span', '', `${records.length} records were dropped; open one: `), ...buttons);
  box.hidden = false;
  buttons[0].focus();
}

async function loadSample(name) {
  if (state.busy) return;
  setBusy(true);
  setStatus(`Fetching sample ${name}…`);
  try {
    const files = await Promise.all(['hea', 'dat', 'atr'].map(async (ext) => {
      const res = await fetch(new URL(`../examples/data/${name}.${ext}`, import.meta.url));
      if (!res.ok) throw Object.assign(new Error(`sample ${name}.${ext}: HTTP ${res.status}`), { code: 'sample_unavailable' });
      return { name: `${name}.${ext}`, bytes: await res.arrayBuffer() };
    }));
    setBusy(false);
    await loadRecord(files);
  } catch (err) {
    setBusy(false);
    setStatus('Ready');
    showError(err);
  }
}

async function loadRecord(files) {
  clearError();
  $('record-choice').hidden = true;
  setBusy(true);
  setStatus(`Reading ${files.map((f) => f.name).join(', ')}…`);
  try {
    const record = await engine.load(files, $('model-select').value, Number($('csv-rate').value) || 360);
    state.record = record;
    state.files = files;   // read again when the CSV rate changes
    state.result = null;
    state.agreement = null;
    summary.clear();
    trend.clear();
    const select = $('lead-select');
    select.replaceChildren(...record.leads.map((name, i) => new Option(`${name}`, String(i))));
    state.lead = record.defaultLead;   // the engine's choice: MLII, II, an ECG-named lead, else the first
    select.value = String(state.lead);
    $('record-name').textContent = `${record.name} · ${formatRate(record.sampleRate)} · ${formatSpan(record.length / record.sampleRate)}`;
    $('welcome').hidden = true;
    $('workspace').hidden = false;
    resetExplanations();
    await showLead();
  } catch (err) {
    if (err.code === 'cancelled') return;
    showError(err);
    setStatus(state.record ? 'Ready' : 'Ready — no record loaded');
  } finally {
    setProgress(null);
    if (state.busy) setBusy(false);
  }
}

async function showLead() {
  chart.setSignal(await engine.chartSignal(state.lead));
  chart.setReference(state.record.annotations);
  $('all-leads-field').hidden = state.record.leads.length < 2;
  await showOtherLeads();
  $('chart-title').textContent = `ECG · ${state.record.leads[state.lead]}`;
  await runAnalysis();
}

async function runAnalysis() {
  setStatus('Analysing…');
  setProgress(0);
  const t0 = performance.now();
  const { result, info } = await engine.analyze(state.lead, $('model-select').value,
    (f) => { setProgress(f); setStatus(`Analysing… ${Math.round(f * 100)} %`); });
  const wallMs = performance.now() - t0;
  state.info = info;
  showEngineInfo(info);
  state.result = result;
  state.selected = -1;
  const annotations = state.record.annotations;
  state.agreement = annotations.length ? agreement(result.beats, annotations, state.record.sampleRate) : null;
  chart.setBeats(result.beats, state.agreement);
  summary.render(result, wallMs);
  trend.setData({ beats: result.beats, events: state.events, sampleRate: state.record.sampleRate, length: state.record.length });
  report.refresh();
  showTrainingNote(result);
  showAgreement();
  renderClassSelect();
  setProgress(null);
  setStatus(`${result.summary.beatCount.toLocaleString('en')} beats in ${(wallMs / 1000).toFixed(2)} s`);
}

// ---- agreement ---------------------------------------------------------------------------------------------------
function showAgreement() {
  const a = state.agreement;
  $('agreement-card').hidden = !a;
  if (a) renderAgreement($('agreement'), $('agreement-note'), a, state.result.beats);
  if (a && state.result.model?.inTrainingData) $('agreement-note').prepend(el('strong', '', 'Training data, not validation: '));
}

/** Honest labels: the analysed record was one the model was trained on (result.model.inTrainingData). */
function showTrainingNote(result) {
  const note = $('training-note');
  note.hidden = !result.model?.inTrainingData;
  note.textContent = `Record ${result.record ?? state.record.name} was in this model's training data: agreement with ` +
    'its annotations is not validation.';
}

// ---- beat explanation -------------------------------------------------------------------------------------------
function resetExplanations() {
  state.selected = -1;
  state.explainToken++;
  $('beat-view').hidden = true;
  $('beat-empty').hidden = false;
  $('class-view').hidden = true;
  closeSheet();
}

// On a phone the explanation opens as a bottom sheet under the strip, which scrolls to the top of the screen, so
// the tapped beat and its explanation are both in view.
const PHONE = window.matchMedia('(max-width: 600px)');
function openSheet() {
  if (!PHONE.matches || document.body.classList.contains('sheet-open')) return;
  document.body.classList.add('sheet-open');
  $('detail').scrollIntoView({ block: 'start' });
}
function closeSheet() { document.body.classList.remove('sheet-open'); }
$('beat-close').addEventListener('click', closeSheet);

function rPeakIndex() {
  const w = state.info?.window;
  if (Array.isArray(w)) return w[0];
  if (w && typeof w === 'object') return w.before ?? w.pre;
  return state.info?.windowBefore;
}

async function explainBeat(index) {
  const result = state.result;
  if (!result || index < 0) return;
  state.selected = index;
  const token = ++state.explainToken;
  const beat = result.beats[index];
  const fs = state.record.sampleRate;
  const ref = state.agreement?.matchOf.get(index);
  $('beat-empty').hidden = true;
  $('beat-view').hidden = false;
  openSheet();
  const refText = state.agreement ? (ref ? ` · reference ${ref.symbol}${ref.symbol === beat.label ? ' ✓' : ' ✗'}` : ' · no reference beat') : '';
  const rrMs = (k) => (k > 0 && k < result.beats.length
    ? `${Math.round(((result.beats[k].sample - result.beats[k - 1].sample) / fs) * 1000)} ms` : '–');
  const rrText = ` · RR ${rrMs(index)} (next ${rrMs(index + 1)})`;
  // A rule changed the network's label (the explanations below explain the network's own).
  const why = beat.rhythm === 'AF' && beat.modelLabel === 'A' ? 'inside AF'
    : beat.modelLabel === 'V' ? 'the beat matches the patient\'s own (wide) QRS template, so it is not ectopic'
      : 'the patient\'s QRS template is narrow';
  const ruleText = beat.modelLabel ? ` · the model said ${beat.modelLabel}; counted ${beat.label} because ${why}` : '';
  $('beat-header').replaceChildren(chip(beat.label), ` Beat ${index + 1} of ${result.beats.length} · ${formatTime(beat.sample / fs)} · ` +
    `${CLASS_NAMES[beat.label] ?? beat.label} (p = ${Number(beat.probabilities?.[beat.label] ?? 0).toFixed(3)})${rrText}${ruleText}${refText}`);
  renderProbabilities($('probabilities'), beat);
  $('beat-caption').textContent = 'Computing Grad-CAM…';
  $('shap-meta').replaceChildren();
  $('shap-negligible').hidden = true;
  renderContextPlayers($('context-players'), []);
  try {
    const cam = await engine.explain(beat, { method: 'gradcam', lead: state.lead });
    if (token !== state.explainToken) return;
    const window = cam.window ?? rawWindow(beat, cam.values.length);
    const windowNote = cam.window ? 'Beat window as the model sees it (z-scored).' : `Beat window of lead ${state.result.lead} (mV).`;
    const draw = (shap, scale) => drawBeatExplanation($('beat-canvas'), {
      window, gradcam: cam.values, shap: shap?.segments, barScale: scale, rIndex: rPeakIndex(), sampleRate: state.info?.sampleRate ?? 360,
      color: CLASS_COLORS[beat.label],
    });
    draw(null);
    $('beat-caption').textContent = `Grad-CAM for class ${cam.label}: warmer background = more evidence. Computing SHAP…`;
    const segments = Number($('shap-segments').value);
    const shap = await engine.explain(beat, { method: 'shap', segments, baseline: $('shap-baseline').value, lead: state.lead });
    if (token !== state.explainToken) return;
    // Segment values plus context-player values = f(beat) - f(baseline); the bars of both share one scale.
    const players = shap.contextPlayers ?? [];
    const scale = Math.max(1e-9, ...[...shap.segments, ...players].map((x) => Math.abs(x.value)));
    const delta = shap.outputValue - shap.baseValue;
    $('shap-negligible').hidden = !shap.negligible;
    $('shap-negligible').textContent = `This beat scores the same as the baseline (Δp = ${delta.toExponential(1)}); nothing to attribute.`;
    draw(shap.negligible ? null : shap, scale);
    renderContextPlayers($('context-players'), shap.negligible ? [] : players, scale);
    $('beat-caption').textContent = shap.negligible ? `Grad-CAM for class ${cam.label}. ${windowNote}`
      : `Grad-CAM heat (background) and SHAP over ${shap.segments.length} segments${players.length ? ' and the context' : ''} ` +
        `(bars: red raises, blue lowers P(${shap.label})). ${windowNote}`;
    const sum = shap.segments.reduce((a, s) => a + s.value, 0);
    const sumContext = players.reduce((a, p) => a + p.value, 0);
    dl($('shap-meta'), [
      ['Explained class', shap.label],
      ['Baseline', String(shap.baseline ?? shap.baselineName ?? '–')],
      ['f(baseline)', num(shap.baseValue, 4)],
      ['f(beat)', num(shap.outputValue, 4)],
      ['Σ segments', num(sum, 4)],
      ...(players.length ? [['Σ context', num(sumContext, 4)]] : []),
      ['Efficiency error', Number.isFinite(delta - sum - sumContext) ? Math.abs(delta - sum - sumContext).toExponential(1) : '–'],
    ]);
  } catch (err) {
    if (token !== state.explainToken) return;
    $('beat-caption').textContent = '';
    showError(err, 'Could not explain the beat');
  }
}

/** The beat's raw samples when the explanation carries no window (resampled to the model's rate). */
function rawWindow(beat, n) {
  const fs = state.record.sampleRate;
  const r = rPeakIndex() ?? Math.floor(n / 2);
  const samples = chart.samples;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.round(beat.sample + ((i - r) * fs) / (state.info?.sampleRate ?? 360));
    out[i] = samples[Math.max(0, Math.min(samples.length - 1, s))];
  }
  return out;
}

// ---- per-class explanation --------------------------------------------------------------------------------------
function renderClassSelect() {
  const select = $('class-select');
  const counts = state.result.summary.counts ?? {};
  const present = CLASSES.filter((c) => counts[c] > 0);
  select.replaceChildren(...present.map((c) => new Option(`${c} (${counts[c]})`, c)));
  const preferred = ['V', 'A', 'L', 'R', 'N'].find((c) => counts[c] > 0);
  if (preferred) select.value = preferred;
  $('class-run').disabled = !present.length;
}

async function explainClass() {
  if (!state.result || state.busy) return;
  const label = $('class-select').value;
  if (!label) return;
  setBusy(true);
  setProgress('busy');
  setStatus(`Explaining class ${label}…`);
  try {
    const g = await engine.explainClass(label, { lead: state.lead, segments: 12 });
    $('class-view').hidden = false;
    const common = { averageBeat: g.averageBeat, rIndex: rPeakIndex(), sampleRate: state.info?.sampleRate ?? 360, color: CLASS_COLORS[label] };
    drawClassGradcam($('class-gradcam'), { ...common, gradcam: g.gradcam });
    drawClassShap($('class-shap'), { ...common, shap: g.shap });
    $('class-gradcam-caption').textContent = `Mean Grad-CAM over ${g.gradcamBeats} of ${g.classBeats} ${label} beats, ` +
      `over their average beat.`;
    $('class-shap-caption').textContent = `Mean |SHAP| per segment over ${g.shapBeats} of ${g.classBeats} ${label} beats ` +
      `(evenly spread through the recording; baseline: ${g.baseline}), over their average beat.` +
      (g.contextPlayers?.length ? ` Context: ${g.contextPlayers.map((p) => `${p.name} ${p.value.toPrecision(2)}`).join(' · ')}.` : '');
    setStatus(`Class ${label} explained`);
  } catch (err) {
    showError(err, 'Could not explain the class');
    setStatus('Ready');
  } finally {
    setProgress(null);
    setBusy(false);
  }
}

// ---- export -----------------------------------------------------------------------------------------------------
function exportJson() {
  const fs = state.record.sampleRate;
  const doc = resultDocument(state.result, { durationSec: state.record.length / fs, sampleRate: fs, events: state.events,
    agreement: state.agreement });
  download(`${state.record.name}-arrhythmiavision.json`, JSON.stringify(doc, null, 2), 'application/json');
}

async function exportAtr() {
  try {
    const bytes = await engine.annotations(state.result);
    download(`${state.record.name}-arrhythmiavision.atr`, bytes, 'application/octet-stream');
  } catch (err) {
    showError(err, 'Could not write the annotation file');
  }
}

// ---- wiring -----------------------------------------------------------------------------------------------------
$('open-files').addEventListener('click', () => $('file-input').click());
$('file-input').addEventListener('change', async (e) => {
  const files = [...e.target.files];
  e.target.value = '';
  await loadFiles(files);
});
document.querySelectorAll('[data-sample]').forEach((b) => b.addEventListener('click', () => loadSample(b.dataset.sample)));
$('lead-select').addEventListener('change', async (e) => {
  state.lead = Number(e.target.value);
  setBusy(true);
  resetExplanations();
  try { await showLead(); } catch (err) { showError(err, 'Could not analyse the lead'); setStatus('Ready'); }
  finally { setProgress(null); setBusy(false); }
});
$('model-select').addEventListener('change', async () => {
  clearError();
  if (!state.record) return startEngine();
  setBusy(true);
  resetExplanations();
  try {
    await runAnalysis();
    state.model = $('model-select').value;
  } catch (err) {
    showError(err, 'Could not analyse with this model');
    setStatus('Ready');
    if (state.model) $('model-select').value = state.model;
  } finally { setProgress(null); setBusy(false); }
});
$('zoom-in').addEventListener('click', () => chart.zoom(0.5));
$('zoom-out').addEventListener('click', () => chart.zoom(2));
$('pan-left').addEventListener('click', () => chart.pan(-0.5));
$('pan-right').addEventListener('click', () => chart.pan(0.5));
$('zoom-10s').addEventListener('click', () => chart.showSeconds(10));
$('zoom-60s').addEventListener('click', () => chart.showSeconds(60));
$('zoom-all').addEventListener('click', () => chart.setView(0, chart.length));
$('prev-abnormal').addEventListener('click', () => chart.select(chart.nextMatching(-1, (b) => b.label !== 'N')));
$('next-abnormal').addEventListener('click', () => chart.select(chart.nextMatching(1, (b) => b.label !== 'N')));
$('prev-beat').addEventListener('click', () => chart.select(chart.nextMatching(-1, () => true)));
$('next-beat').addEventListener('click', () => chart.select(chart.nextMatching(1, () => true)));
$('shap-segments').addEventListener('change', () => state.selected >= 0 && explainBeat(state.selected));
$('shap-baseline').addEventListener('change', () => state.selected >= 0 && explainBeat(state.selected));
$('class-run').addEventListener('click', explainClass);
// Switching class after a first run redraws from the engine's cache.
$('class-select').addEventListener('change', () => !$('class-view').hidden && explainClass());
$('export-json').addEventListener('click', () => state.result && exportJson());
$('export-csv').addEventListener('click', () => state.result &&
  download(`${state.record.name}-arrhythmiavision.csv`, beatsCsv(state.result, state.agreement), 'text/csv'));
$('export-atr').addEventListener('click', () => state.result && exportAtr());

// Chart keys work whatever has focus (a chart button just clicked included), except inside text fields and lists,
// which need the keys themselves; keys the canvases already used are not handled twice.
const TEXT_INPUTS = new Set(['text', 'number', 'search', 'email', 'url', 'tel', 'password', 'date', 'time']);
document.addEventListener('keydown', (e) => {
  const t = e.target;
  if (e.defaultPrevented || !state.record || $('workspace').hidden) return;
  if (t.isContentEditable || ['TEXTAREA', 'SELECT'].includes(t.tagName)) return;
  if (t.tagName === 'INPUT' && TEXT_INPUTS.has(t.type)) return;
  if (t.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return;
  if (e.key === 'Escape' && document.body.classList.contains('sheet-open') && !chart.caliperMode) return closeSheet();
  chart.handleKey(e);
});
$('dropzone').addEventListener('click', () => $('file-input').click());
// A new CSV rate applies to the CSV already open: it is read again at that rate (a time column still wins).
$('csv-rate').addEventListener('change', () => {
  if (state.record && !state.busy && state.files?.some((f) => /\.(csv|txt)$/i.test(f.name))) loadRecord(state.files);
});
$('dropzone').addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  $('file-input').click();
});

// Drag and drop anywhere on the page.
let dragDepth = 0;
const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
document.addEventListener('dragenter', (e) => { if (hasFiles(e)) { dragDepth++; $('drop-overlay').hidden = false; } });
document.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; $('drop-overlay').hidden = true; } });
document.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
document.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  $('drop-overlay').hidden = true;
  if (e.dataTransfer?.files?.length) loadFiles(e.dataTransfer.files);
});

setBusy(false);
// `?sample=100` (or 119, 208) loads that bundled record once the engine is up: `npm start` links there.
const requestedSample = new URLSearchParams(location.search).get('sample');
startEngine().then(() => {
  if (state.model && /^\d{3}$/.test(requestedSample ?? '') && document.querySelector(`[data-sample="${requestedSample}"]`))
    loadSample(requestedSample);
});
