// The demo's analysis worker: owns the analyzer (WASM) and the decoded record, so that reading, analysing and
// explaining never block the page. Messages: {id, type, ...args} in; {id, ok, value | error} or
// {id, progress} out. Only the record's samples and results cross over, never the WASM objects.
import { createAnalyzer, MODELS } from '../src/js/index.js';
import { minMaxPyramid } from '../src/js/signal.js';

let av = null;                 // the analyzer of the current model
let avModel = null;
let current = null;            // {rec, files, csvRate, result, leadIndex}

// The package's model names (MODELS) load from the package; other models are fetched from models/ beside it and
// passed as {json, weights}.
async function modelOption(model) {
  if (MODELS.includes(model)) return model;
  const fetchOk = async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw inputError('model_not_found', `cannot fetch ${url.pathname}: HTTP ${response.status}`);
    return response;
  };
  const jsonUrl = new URL(`../models/arrhythminet-${model}.json`, import.meta.url);
  const json = await (await fetchOk(jsonUrl)).text();
  let file = `arrhythminet-${model}.bin`;
  try { file = JSON.parse(json).weights?.file ?? file; } catch { /* the analyzer reports invalid metadata */ }
  const weights = new Uint8Array(await (await fetchOk(new URL(file, jsonUrl))).arrayBuffer());
  return { json, weights };
}

// Records belong to the analyzer that read them, so a model change re-reads the current record's files.
async function useModel(model) {
  if (av && avModel === model) return av;
  const next = await createAnalyzer({ model: await modelOption(model) });
  av?.dispose();
  av = next;
  avModel = model;
  if (current) {
    current.rec = readFiles(av, current.files, { csvRate: current.csvRate }).rec;
    current.result = null;
  }
  return av;
}

const leadNames = (rec) => rec.leads.map((l) => l.name);
// Reference annotations as the chart and the agreement statistics use them.
const referenceAnnotations = (rec) => rec.annotations.map(({ sample, symbol, code }) => ({ sample, symbol, code }));

function splitName(name) {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1).toLowerCase()];
}

function inputError(code, message) {
  return Object.assign(new Error(message), { code });
}

/** Turns the dropped files into one record, choosing the reader by extension. */
function readFiles(av, files, { csvRate }) {
  const byExt = new Map();
  for (const f of files) {
    const [base, ext] = splitName(f.name);
    if (!byExt.has(ext)) byExt.set(ext, []);
    byExt.get(ext).push({ base, name: f.name, bytes: new Uint8Array(f.bytes) });
  }
  const pick = (ext, base) => (byExt.get(ext) ?? []).find((f) => base === undefined || f.base === base);
  const hea = pick('hea');
  if (hea) {
    const dat = pick('dat', hea.base) ?? pick('dat');
    if (!dat) throw inputError('wfdb_missing_dat', `${hea.name} needs its signal file: select ${hea.base}.dat together with it`);
    const atr = pick('atr', hea.base);
    // Every selected signal file by name, for records whose header names several.
    const signalFiles = Object.fromEntries((byExt.get('dat') ?? []).map((f) => [f.name, f.bytes]));
    const rec = av.readWfdb({ hea: hea.bytes, dat: dat.bytes, files: signalFiles, ...(atr ? { atr: atr.bytes } : {}) });
    return { rec, name: hea.base, files: [hea, dat, atr].filter(Boolean).map((f) => f.name) };
  }
  const edf = pick('edf') ?? pick('rec');
  if (edf) return { rec: av.readEdf(edf.bytes), name: edf.base, files: [edf.name] };
  const csv = pick('csv') ?? pick('txt');
  if (csv) {
    const text = new TextDecoder().decode(csv.bytes);
    return { rec: av.readCsv(text, { sampleRate: csvRate }), name: csv.base, files: [csv.name] };
  }
  if (pick('dat') || pick('atr')) {
    throw inputError('wfdb_missing_header', 'a WFDB record needs its header: select the .hea and .dat files together');
  }
  const names = files.map((f) => f.name).join(', ') || 'nothing';
  throw inputError('unsupported_file', `${names}: expected WFDB (.hea + .dat), .csv or .edf`);
}

const handlers = {
  async init({ model }) {
    return { info: { ...(await useModel(model)).info } };
  },

  async load({ files, model, csvRate }) {
    await useModel(model);
    const { rec, name, files: used } = readFiles(av, files, { csvRate });
    const leads = leadNames(rec);
    if (!leads.length) throw inputError('record_empty', 'the record has no signals');
    if (current?.rec && current.rec !== rec) current.rec.dispose?.();
    current = { rec, files, csvRate, result: null, leadIndex: null };
    return {
      name: rec.name || name,
      files: used,
      sampleRate: rec.sampleRate,
      leads,
      length: rec.length,
      annotations: referenceAnnotations(rec),
    };
  },

  async samples({ lead }) {
    const samples = current.rec.samples(lead);
    const levels = minMaxPyramid(samples);
    const transfer = [samples.buffer, ...levels.flatMap((l) => [l.min.buffer, l.max.buffer])];
    return { value: { samples, levels }, transfer };
  },

  async analyze({ lead, model }, id) {
    await useModel(model);
    let last = 0;
    const result = av.analyze(current.rec, {
      lead,   // by index: two leads may share a name
      onProgress: (f) => {
        const now = Date.now();
        if (now - last > 50 || f >= 1) { last = now; self.postMessage({ id, progress: f }); }
      },
    });
    current.result = result;
    current.global = null;
    current.leadIndex = lead;
    return { result, info: { ...av.info } };
  },

  async explain({ beat, method, segments, baseline }) {
    const b = current.result.beats[beat];
    const e = av.explain(current.rec, b, { method, segments, lead: current.leadIndex, ...(baseline ? { baseline } : {}) });
    return { ...e, values: Float32Array.from(e.values), window: e.window ? Float32Array.from(e.window) : undefined };
  },

  // Global explanation of one predicted class (the API's explainGlobal: average beat, mean Grad-CAM and mean
  // |SHAP| per segment over the class's beats). Computed once for all classes of the current lead, then cached.
  async explainClass({ label, segments = 12, maxShapBeats = 16 }) {
    const key = `${current.leadIndex}/${segments}/${maxShapBeats}`;
    if (current.global?.key !== key) {
      const value = av.explainGlobal(current.rec, { lead: current.leadIndex, segments, maxShapBeats });
      current.global = { key, value };
    }
    const g = current.global.value;
    const c = g.classes.find((x) => x.label === label);
    if (!c) throw inputError('class_empty', `no beats were classified as ${label}`);
    const bounds = g.segmentBounds ?? [];
    return {
      label,
      classBeats: c.beats,
      gradcamBeats: c.beats,
      shapBeats: c.shapBeats?.length ?? 0,
      baseline: g.baseline,
      gradcam: Float32Array.from(c.meanGradcam),
      averageBeat: c.averageBeat ? Float32Array.from(c.averageBeat) : null,
      shap: bounds.map((s, k) => ({ start: s.start, end: s.end, value: c.meanAbsShapSegments?.[k] ?? 0 })),
      contextPlayers: (g.contextPlayers ?? []).map((p, k) => ({ name: p.name, value: c.meanAbsShapContextPlayers?.[k] ?? 0 })),
    };
  },

  // WFDB annotation file (MIT format) of the current result, from the API's writer.
  async annotations() {
    const bytes = av.writeAnnotations(current.result);
    const out = Uint8Array.from(bytes);
    return { value: out, transfer: [out.buffer] };
  },
};

self.onmessage = async ({ data }) => {
  const { id, type, ...args } = data;
  try {
    if (!handlers[type]) throw inputError('internal', `unknown request ${type}`);
    if (!['init', 'load'].includes(type) && !current) throw inputError('no_record', 'load a record first');
    if (['explain', 'explainClass', 'annotations'].includes(type) && !current.result) {
      throw inputError('no_result', 'analyse the record first');
    }
    const out = await handlers[type](args, id);
    const { value, transfer } = out && 'transfer' in out ? out : { value: out, transfer: [] };
    self.postMessage({ id, ok: true, value }, transfer);
  } catch (err) {
    const code = err?.code ?? 'internal_error';
    self.postMessage({ id, ok: false, error: { code: String(code), message: String(err?.message ?? err) } });
  }
};
