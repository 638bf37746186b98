// The demo's analysis worker: owns the analyzer (WASM) and the decoded record, so that reading, analysing and
// explaining never block the page. Messages: {id, type, ...args} in; {id, ok, value | error} or
// {id, progress} out. Only the record's samples and results cross over, never the WASM objects.
import { createAnalyzer } from '../src/js/index.js';
import { minMaxPyramid } from './signal.js';
import { encodeAtr } from './atr.js';

const analyzers = new Map();   // model name -> Promise<analyzer>
let current = null;            // {rec, model, result, leadIndex}

function analyzer(model) {
  if (!analyzers.has(model)) {
    const p = createAnalyzer({ model });
    p.catch(() => analyzers.delete(model));
    analyzers.set(model, p);
  }
  return analyzers.get(model);
}

// ---- record accessors: the record is whatever readWfdb/readCsv/readEdf return --------------------------------
function leadList(rec) {
  const leads = typeof rec.leads === 'function' ? rec.leads() : rec.leads;
  return Array.from(leads ?? [], (l, i) => (typeof l === 'string' ? l : l?.name ?? `lead ${i}`));
}
function leadSamples(rec, i) {
  if (typeof rec.samples === 'function') return Float32Array.from(rec.samples(i));
  if (typeof rec.getSamples === 'function') return Float32Array.from(rec.getSamples(i));
  const leads = typeof rec.leads === 'function' ? rec.leads() : rec.leads;
  return Float32Array.from(leads[i].samples);
}
function referenceAnnotations(rec) {
  const a = typeof rec.annotations === 'function' ? rec.annotations() : rec.annotations;
  return Array.from(a ?? [], (x) => ({ sample: Number(x.sample), symbol: x.symbol ?? x.label ?? '?', code: x.code }));
}

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
    const rec = av.readWfdb({ hea: hea.bytes, dat: dat.bytes, ...(atr ? { atr: atr.bytes } : {}) });
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

function beatsOf(label) {
  const out = [];
  current.result.beats.forEach((b, i) => b.label === label && out.push(i));
  return out;
}

/** Evenly spaced subset of at most n items, always deterministic. */
function spread(items, n) {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, k) => items[Math.floor((k * items.length) / n)]);
}

const handlers = {
  async init({ model }) {
    const av = await analyzer(model);
    return { info: { ...av.info } };
  },

  async load({ files, model, csvRate }) {
    const av = await analyzer(model);
    const { rec, name, files: used } = readFiles(av, files, { csvRate });
    const leads = leadList(rec);
    if (!leads.length) throw inputError('record_empty', 'the record has no signals');
    if (current?.rec && current.rec !== rec) (current.rec.dispose ?? current.rec.delete)?.call(current.rec);
    current = { rec, model, result: null, leadIndex: null };
    const sampleRate = Number(rec.sampleRate);
    return {
      name: rec.name || name,
      files: used,
      sampleRate,
      leads,
      length: leadSamples(rec, 0).length,
      annotations: referenceAnnotations(rec),
    };
  },

  async samples({ lead }) {
    const samples = leadSamples(current.rec, lead);
    const levels = minMaxPyramid(samples);
    const transfer = [samples.buffer, ...levels.flatMap((l) => [l.min.buffer, l.max.buffer])];
    return { value: { samples, levels }, transfer };
  },

  async analyze({ lead, model }, id) {
    const av = await analyzer(model);
    const leadName = leadList(current.rec)[lead];
    let last = 0;
    const result = av.analyze(current.rec, {
      lead: leadName ?? lead,
      onProgress: (f) => {
        const now = Date.now();
        if (now - last > 50 || f >= 1) { last = now; self.postMessage({ id, progress: f }); }
      },
    });
    current.result = result;
    current.leadIndex = lead;
    current.model = model;
    return { result, info: { ...av.info } };
  },

  async explain({ beat, method, segments }) {
    const av = await analyzer(current.model);
    const b = current.result.beats[beat];
    const e = av.explain(current.rec, b, { method, segments, lead: current.result.lead });
    return { ...e, values: Float32Array.from(e.values), window: e.window ? Float32Array.from(e.window) : undefined };
  },

  // Global explanation of one class, from per-beat explanations: mean Grad-CAM, mean |SHAP| per segment and the
  // average beat window, over an evenly spread subset of the class's beats.
  async explainClass({ label, maxGradcam = 300, maxShap = 24, segments = 12 }, id) {
    const av = await analyzer(current.model);
    const all = beatsOf(label);
    if (!all.length) throw inputError('class_empty', `no beats were classified as ${label}`);
    const wl = av.info.windowLength;
    const cam = new Float64Array(wl);
    const avg = new Float64Array(wl);
    const shapAbs = new Float64Array(segments);
    let segBounds = null;
    let avgCount = 0;
    const camBeats = spread(all, maxGradcam);
    const shapBeats = spread(all, maxShap);
    const total = camBeats.length + shapBeats.length * 8;   // SHAP costs far more per beat
    let done = 0;
    const opts = { lead: current.result.lead };
    for (const i of camBeats) {
      const e = av.explain(current.rec, current.result.beats[i], { method: 'gradcam', ...opts });
      for (let k = 0; k < wl; k++) cam[k] += e.values[k];
      if (e.window) { avgCount++; for (let k = 0; k < wl; k++) avg[k] += e.window[k]; }
      done++;
      if (done % 20 === 0) self.postMessage({ id, progress: done / total });
    }
    for (const i of shapBeats) {
      const e = av.explain(current.rec, current.result.beats[i], { method: 'shap', segments, ...opts });
      segBounds ??= e.segments.map((s) => ({ start: s.start, end: s.end }));
      e.segments.forEach((s, k) => { shapAbs[k] += Math.abs(s.value); });
      done += 8;
      self.postMessage({ id, progress: done / total });
    }
    const n = camBeats.length;
    return {
      label,
      classBeats: all.length,
      gradcamBeats: n,
      shapBeats: shapBeats.length,
      gradcam: Float32Array.from(cam, (v) => v / n),
      averageBeat: avgCount ? Float32Array.from(avg, (v) => v / avgCount) : null,
      shap: (segBounds ?? []).map((s, k) => ({ ...s, value: shapAbs[k] / shapBeats.length })),
    };
  },

  // WFDB annotation file of the current result: the API's writer when it has one, else the demo's own encoder.
  async annotations() {
    const av = await analyzer(current.model);
    const list = current.result.beats.map((b) => ({ sample: b.sample, symbol: b.label ?? 'Q' }));
    const bytes = typeof av.writeAnnotations === 'function' ? av.writeAnnotations(list) : encodeAtr(list);
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
