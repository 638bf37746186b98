// ArrhythmiaVision JS API (types in index.d.ts): one ES module for Node and browsers, no bundler needed.
// It loads the WebAssembly modules (modules.js), the model files (models/) and wraps the Embind calls so that
// every failure surfaces as an ArrhythmiaVisionError with a stable .code.
import { ArrhythmiaVisionError, call } from './errors.js';
import { FORMATS_MODULE_READS, loadCore, loadFormats, packageFile } from './modules.js';
import { renderReport } from './report.js';

export { ArrhythmiaVisionError, FORMATS_MODULE_READS, renderReport };

export const CLASSES = Object.freeze(['N', 'L', 'R', 'A', 'V']);
// The shipped models by short name ('v1-ctx' is the default). Each URL is a literal `new URL(..., import.meta.url)`,
// the form bundlers (Vite, webpack 5) recognise and copy.
const MODEL_URLS = {
  'v1-ctx': { json: new URL('../../models/arrhythminet-v1-ctx.json', import.meta.url), weights: new URL('../../models/arrhythminet-v1-ctx.bin', import.meta.url) },
  'v2-ctx': { json: new URL('../../models/arrhythminet-v2-ctx.json', import.meta.url), weights: new URL('../../models/arrhythminet-v2-ctx.bin', import.meta.url) },
  'v1-ctx-ds1': { json: new URL('../../models/arrhythminet-v1-ctx-ds1.json', import.meta.url), weights: new URL('../../models/arrhythminet-v1-ctx-ds1.bin', import.meta.url) },
  'v2-ctx-ds1': { json: new URL('../../models/arrhythminet-v2-ctx-ds1.json', import.meta.url), weights: new URL('../../models/arrhythminet-v2-ctx-ds1.bin', import.meta.url) },
  v1: { json: new URL('../../models/arrhythminet-v1.json', import.meta.url), weights: new URL('../../models/arrhythminet-v1.bin', import.meta.url) },
  v2: { json: new URL('../../models/arrhythminet-v2.json', import.meta.url), weights: new URL('../../models/arrhythminet-v2.bin', import.meta.url) },
  'v1-ds1': { json: new URL('../../models/arrhythminet-v1-ds1.json', import.meta.url), weights: new URL('../../models/arrhythminet-v1-ds1.bin', import.meta.url) },
  'v2-ds1': { json: new URL('../../models/arrhythminet-v2-ds1.json', import.meta.url), weights: new URL('../../models/arrhythminet-v2-ds1.bin', import.meta.url) },
};
export const MODELS = Object.freeze(Object.keys(MODEL_URLS));
export const DEFAULT_MODEL = 'v1-ctx';
// Input limits of the core (core/limits.h), read from the module once it is loaded.
let inputLimits = { maxInputBytes: Infinity };

function asBytes(data, what) {
  let bytes;
  if (data instanceof Uint8Array) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else if (typeof data === 'string') bytes = new TextEncoder().encode(data);
  else throw new ArrhythmiaVisionError('invalid_argument', `${what} must be a Uint8Array, an ArrayBuffer or a string`);
  if (bytes.length > inputLimits.maxInputBytes)
    throw new ArrhythmiaVisionError('io_file_too_large', `${what} is ${bytes.length} bytes, more than the limit of ${inputLimits.maxInputBytes} bytes`);
  return bytes;
}

// Resolves the model option to {json: string, weights: Uint8Array}, or null for no model.
async function modelFiles(model) {
  if (model == null || model === false || model === 'none') return null;
  if (typeof model === 'string') {
    const urls = MODEL_URLS[model];
    if (!urls) throw new ArrhythmiaVisionError('model_not_found', `unknown model '${model}' (use ${MODELS.map((m) => `'${m}'`).join(', ')} or {json, weights})`);
    const [json, weights] = await Promise.all([packageFile(urls.json), packageFile(urls.weights)]);
    return { json: new TextDecoder().decode(json), weights };
  }
  if (typeof model === 'object' && model.json != null && model.weights != null) {
    // The metadata as text, as bytes of that text (a file read as is), or as the parsed object.
    const isBytes = ArrayBuffer.isView(model.json) || model.json instanceof ArrayBuffer;
    const json = typeof model.json === 'string' ? model.json
      : isBytes ? new TextDecoder().decode(asBytes(model.json, 'model.json')) : JSON.stringify(model.json);
    return { json, weights: asBytes(model.weights, 'model.weights') };
  }
  throw new ArrhythmiaVisionError('invalid_argument', `model must be one of ${MODELS.join(', ')}, {json, weights} or null`);
}

// Lead index by number or name, and the pipeline's default (first MLII, else 0).
function leadIndex(rec, lead) {
  const index = typeof lead === 'number' ? lead : rec.leads.findIndex((l) => l.name === lead);
  if (!Number.isInteger(index) || index < 0 || index >= rec.leads.length)
    throw new ArrhythmiaVisionError('lead_not_found', `no lead ${JSON.stringify(lead)} (the record has ${rec.leads.length})`);
  return index;
}
// pauseSec and afRelabel for the core; checked there too.
function rhythmOptions(pauseSec, afRelabel) {
  const out = {};
  if (pauseSec != null) {
    if (typeof pauseSec !== 'number' || !(pauseSec >= 0.5 && pauseSec <= 60))
      throw new ArrhythmiaVisionError('invalid_option', 'pauseSec must be a number of seconds in [0.5, 60]');
    out.pauseSec = pauseSec;
  }
  if (afRelabel === false) out.afRelabel = false;
  return out;
}

// The core's choice (core/record.h default_lead_index): MLII, else a lead named as an ECG, else lead 0.
const defaultLead = (rec) => rec.handle.defaultLead();

// Honest labels: whether a record was in a model's training data. The metadata lists the training records
// (training.split.trainRecords for the inter-patient protocol; training.split.records for the paper's beat split,
// where every listed record lends beats to training). A record matches by name and by the shape of an MIT-BIH
// Arrhythmia Database record (360 Hz, 650000 samples per lead), so a user's file named '100' is not flagged.
function trainingRecords(jsonText) {
  let split;
  try { split = JSON.parse(jsonText)?.training?.split; } catch { return new Set(); }
  const list = [...(Array.isArray(split?.trainRecords) ? split.trainRecords : []), ...(Array.isArray(split?.records) ? split.records : [])];
  return new Set(list.map(String));
}
const isMitdbRecord = (records, name, sampleRate, samples) =>
  records.has(String(name)) && sampleRate === 360 && samples === 650000;
// Name, rate and samples per signal from a WFDB header's record line ("100 2 360 650000").
function headerRecordLine(bytes) {
  const line = new TextDecoder().decode(bytes.subarray(0, 4096)).split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#')) ?? '';
  const [name = '', , fs = '', samples = ''] = line.trim().split(/\s+/);
  return { name: name.split('/')[0], sampleRate: parseFloat(fs), samples: Number(samples), raw: name };
}

// The core module, with its input limits read once.
async function coreModule() {
  const core = await loadCore();
  if (typeof core.limits === 'function') inputLimits = core.limits();
  return core;
}

// Yields to the event loop (timers, abort handlers) between chunks of a long job.
const yieldToEventLoop = () => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

// A record decoded into the WASM heap. Samples are copied out only when asked for (leads[i].samples).
class EcgRecord {
  #analyzer;
  #annotations;
  constructor(analyzer, handle, readMs) {
    this.#analyzer = analyzer;
    this.handle = handle;
    this.name = handle.name();
    this.sampleRate = handle.sampleRate();
    this.length = handle.length();
    this.durationSec = this.sampleRate > 0 ? this.length / this.sampleRate : 0;
    this.readMs = readMs;
    // What the file says about the recording, in file order: [[key, value], ...] (CSV metadata lines, EDF, ISHNE and
    // aECG header fields, gaps); empty when the file says nothing.
    this.metadata = typeof handle.metadataJson === 'function' ? JSON.parse(handle.metadataJson()) : [];
    this._explainers = new Map();  // lead index → explain core handle
    const leads = [];
    for (let i = 0; i < handle.leadCount(); i++) {
      let samples = null;
      const record = this;
      leads.push({
        index: i, name: handle.leadName(i), units: handle.leadUnits(i),
        // Multi-frequency records: each lead at its own rate (the record's sampleRate is the ECG lead's).
        sampleRate: typeof handle.leadSampleRate === 'function' ? handle.leadSampleRate(i) : handle.sampleRate(),
        get samples() { return (samples ??= record.samples(i)); },
      });
    }
    this.leads = leads;
  }

  get annotations() {
    this.#alive();
    return (this.#annotations ??= JSON.parse(this.handle.annotationsJson()));
  }

  // A copy of one lead's samples (mV), by index or name.
  samples(lead = 0) {
    this.#alive();
    return this.handle.samples(leadIndex(this, lead)).slice();
  }

  dispose() {
    if (this.handle) {
      for (const ex of this._explainers.values()) ex.delete();
      this._explainers.clear();
      this.handle.delete();
      this.handle = null;
      this.#analyzer._forget(this);
    }
  }

  #alive() {
    if (!this.handle) throw new ArrhythmiaVisionError('disposed', 'this record was disposed');
  }
}

class Analyzer {
  #core;
  #formats;
  #records = new Set();
  #engine;
  #training;
  constructor(core, formats, engine, info, training = new Set()) {
    this.#core = core;
    this.#formats = formats;
    this.#engine = engine;
    this.info = info;
    this.#training = training;
  }

  // Whether the formats module (modules.js: CSV, EDF/BDF, ISHNE, HL7 aECG, .atr writing) is loaded.
  get formatsLoaded() { return this.#formats != null; }

  // Loads the formats module (once per page or process); resolves to this analyzer.
  async loadFormats() {
    this.#live();
    this.#formats ??= await loadFormats();
    return this;
  }

  #formatsModule(what) {
    this.#live();
    if (!this.#formats)
      throw new ArrhythmiaVisionError('formats_not_loaded', `${what} needs the formats module: await av.loadFormats() first, or create the analyzer with formats: 'eager'`);
    return this.#formats;
  }

  // A record the formats module read, moved into the core's heap.
  #adoptBlob(read, started) {
    const blob = call(read);
    return this.#adopt(call(() => this.#core.recordFromBlob(blob)), started);
  }

  // result.model.inTrainingData (see trainingRecords).
  #label(result, name, sampleRate, samples) {
    if (result.model) result.model.inTrainingData = isMitdbRecord(this.#training, name, sampleRate, samples);
    return result;
  }

  #adopt(value, started) {
    const record = new EcgRecord(this, value, now() - started);
    this.#records.add(record);
    return record;
  }

  _forget(record) { this.#records.delete(record); }

  #live() {
    if (!this.#core) throw new ArrhythmiaVisionError('disposed', 'this analyzer was disposed');
    return this.#core;
  }

  #recordHandle(rec) {
    if (!(rec instanceof EcgRecord) || !this.#records.has(rec))
      throw new ArrhythmiaVisionError('invalid_argument', 'expected a record returned by this analyzer (readWfdb, readCsv, readEdf or fromSamples)');
    return rec.handle;
  }

  // Names of the signal files a WFDB header refers to (checked: plain file names only).
  signalFiles(hea) {
    const core = this.#live();
    return call(() => core.wfdbSignalFiles(asBytes(hea, 'hea')));
  }

  // {hea: string|Uint8Array, dat: Uint8Array, atr?: Uint8Array, files?: {name: Uint8Array}, annotator?: 'atr'}: dat is
  // the signal file the header names (files covers records whose signals live in several files, and a multi-segment
  // record's segment headers and their signal files). Without atr, the annotations are files['<record>.<annotator>'].
  readWfdb({ hea, dat, atr, files, annotator } = {}) {
    const core = this.#live();
    const started = now();
    if (hea == null) throw new ArrhythmiaVisionError('invalid_argument', 'readWfdb needs {hea, dat}');
    const header = asBytes(hea, 'hea');
    const names = call(() => core.wfdbSignalFiles(header));
    const byName = {};
    for (const [name, bytes] of Object.entries(files ?? {})) byName[name] = asBytes(bytes, `files['${name}']`);
    if (dat != null && names.length > 0 && !names[0].endsWith('.hea') && !(names[0] in byName)) byName[names[0]] = asBytes(dat, 'dat');
    if (annotator != null && (typeof annotator !== 'string' || !/^\w{1,32}$/.test(annotator)))
      throw new ArrhythmiaVisionError('wfdb_annotator_invalid', "annotator must be letters, digits or '_' (such as 'atr' or 'qrs')");
    const annName = `${headerRecordLine(header).name}.${annotator ?? 'atr'}`;
    const atrBytes = atr != null ? asBytes(atr, 'atr') : annotator != null && byName[annName] ? byName[annName] : null;
    return this.#adopt(call(() => core.readWfdb(header, byName, atrBytes)), started);
  }

  // Any supported format, found from the content first, then the name: WFDB header (its signal files, segment
  // headers and annotations in options.files), CSV (Apple Watch exports included), EDF/BDF, ISHNE (.ann in
  // options.files), HL7 aECG. options: {files: {name: bytes}, sampleRate (CSV without a stated rate), delimiter,
  // annotator: 'atr' (WFDB), series: 'rhythm'|'representative' (aECG)}.
  read(bytes, name = '', { files, sampleRate, delimiter, annotator, series } = {}) {
    const core = this.#live();
    const started = now();
    const data = asBytes(bytes, 'bytes');
    const byName = {};
    for (const [n, b] of Object.entries(files ?? {})) byName[n] = asBytes(b, `files['${n}']`);
    const options = JSON.stringify({ sampleRate, delimiter, annotator, series });
    const fileName = String(name ?? '');
    const format = this.detectFormat(data, fileName);
    if (FORMATS_MODULE_READS.includes(format)) {
      const formats = this.#formatsModule(`reading ${format} ('${fileName}')`);
      return this.#adoptBlob(() => formats.readAny(data, fileName, byName, options), started);
    }
    return this.#adopt(call(() => core.readAny(data, fileName, byName, options)), started);
  }

  // The format found from a file's first bytes and its name: 'wfdb', 'csv', 'edf', 'ishne', 'hl7-aecg', 'wfdb-signal',
  // 'ishne-annotation', 'scp-ecg', 'dicom' or 'unknown'.
  detectFormat(bytes, name = '') {
    const core = this.#live();
    const data = asBytes(bytes, 'bytes');
    return core.detectFormat(data.subarray(0, Math.min(data.length, 65536)), String(name ?? ''));
  }

  // The names of the other files a record needs (signal files, segment headers, annotation files), as far as
  // bytes and the files given so far tell: ask again after adding them, until nothing new is named.
  recordFiles(bytes, name = '', { files, annotator } = {}) {
    const core = this.#live();
    const byName = {};
    for (const [n, b] of Object.entries(files ?? {})) byName[n] = asBytes(b, `files['${n}']`);
    return call(() => core.recordFiles(asBytes(bytes, 'bytes'), String(name ?? ''), byName, JSON.stringify({ annotator })));
  }

  // A set of files as a user drops them ([{name, bytes}]): the record's main file is chosen by content (a WFDB
  // header before anything else, then any other readable file; signal and annotation files are its siblings) and
  // read with av.read, the others passed as its files.
  readFiles(list, options = {}) {
    const entries = [...(list ?? [])].map((f, i) => ({ name: String(f?.name ?? `file ${i}`), bytes: asBytes(f?.bytes, `files[${i}]`) }));
    if (!entries.length) throw new ArrhythmiaVisionError('invalid_argument', 'readFiles needs at least one {name, bytes}');
    const kinds = entries.map((f) => this.detectFormat(f.bytes, f.name));
    const readable = ['edf', 'ishne', 'hl7-aecg', 'csv', 'scp-ecg', 'dicom'];
    let main = kinds.indexOf('wfdb');
    if (main < 0) main = kinds.findIndex((k) => readable.includes(k));
    if (main < 0) main = 0;  // the reader then says what it is (a lone signal or annotation file, or unknown)
    const files = Object.fromEntries(entries.filter((_, i) => i !== main).map((f) => [f.name, f.bytes]));
    return this.read(entries[main].bytes, entries[main].name, { ...options, files: { ...(options.files ?? {}), ...files } });
  }

  readCsv(text, options = {}) {
    const started = now();
    const formats = this.#formatsModule('readCsv');
    const bytes = asBytes(text, 'text');
    return this.#adoptBlob(() => formats.readCsv(bytes, JSON.stringify(options ?? {})), started);
  }

  readEdf(bytes) {
    const started = now();
    const formats = this.#formatsModule('readEdf');
    const data = asBytes(bytes, 'bytes');
    return this.#adoptBlob(() => formats.readEdf(data), started);
  }

  // samples: Float32Array (one lead) or an array of them; options: {sampleRate, leads?: names, name?}.
  fromSamples(samples, { sampleRate, leads, name = 'samples' } = {}) {
    const core = this.#live();
    const started = now();
    const list = Array.isArray(samples) ? samples : [samples];
    const arrays = list.map((s, i) => {
      if (s instanceof Float32Array) return s;
      if (ArrayBuffer.isView(s) || Array.isArray(s)) return Float32Array.from(s);
      throw new ArrhythmiaVisionError('invalid_argument', `samples[${i}] must be a Float32Array`);
    });
    const names = arrays.map((_, i) => String(leads?.[i] ?? (arrays.length === 1 ? 'ECG' : `lead ${i}`)));
    if (typeof sampleRate !== 'number') throw new ArrhythmiaVisionError('invalid_sample_rate', 'fromSamples needs {sampleRate} in Hz');
    return this.#adopt(call(() => core.fromSamples(arrays, names, sampleRate, String(name))), started);
  }

  // The result JSON (the CLI's document). options: {lead: index|name, beats: 'detect'|'reference', pauseSec = 2 (RR at least
  // this long is a pause), afRelabel = true (A labels inside AF count as N), onProgress(fraction, stage)}.
  analyze(rec, { lead, beats = 'detect', pauseSec, afRelabel, onProgress } = {}) {
    const core = this.#live();
    const handle = this.#recordHandle(rec);
    if (beats !== 'detect' && beats !== 'reference')
      throw new ArrhythmiaVisionError('invalid_option', "beats must be 'detect' or 'reference'");
    const options = { beats, readMs: rec.readMs ?? 0, ...rhythmOptions(pauseSec, afRelabel) };
    if (lead != null) options.lead = String(lead);
    // onProgress(fraction, stage) may return false to stop (error code 'cancelled'); if it throws, its error
    // is rethrown once the core has unwound.
    let thrown = null;
    const progress = typeof onProgress === 'function' ? (fraction, stage) => {
      try {
        return onProgress(fraction, stage) !== false;
      } catch (e) {
        thrown = { error: e };
        return false;
      }
    } : undefined;
    try {
      const json = this.#engine
        ? call(() => core.analyzeWithModel(handle, this.#engine, options, progress))
        : call(() => core.analyze(handle, options, progress));
      return this.#label(JSON.parse(json), rec.name, rec.sampleRate, rec.length);
    } catch (e) {
      throw thrown ? thrown.error : e;
    }
  }

  // The same result as analyze(), computed chunk by chunk so that the WASM heap holds one chunk and never
  // the whole recording (24-hour Holter files). input: {hea, dat, atr?, files?} (the WFDB bytes stay in JS;
  // only each chunk's byte range is copied into the heap) or a record from this analyzer. options: {lead,
  // beats, chunkSeconds = 300, pauseSec, afRelabel (as analyze()), signal: AbortSignal (rejects with code 'aborted'), onProgress(fraction, stage)}.
  async analyzeStream(input, { lead, beats = 'detect', chunkSeconds = 300, pauseSec, afRelabel, signal, onProgress } = {}) {
    const core = this.#live();
    if (typeof core.streamWfdb !== 'function') throw new ArrhythmiaVisionError('not_implemented', 'chunked analysis is not in this build');
    if (beats !== 'detect' && beats !== 'reference')
      throw new ArrhythmiaVisionError('invalid_option', "beats must be 'detect' or 'reference'");
    const options = { beats, chunkSeconds, readMs: 0, ...rhythmOptions(pauseSec, afRelabel) };
    if (lead != null) options.lead = String(lead);
    const aborted = () => new ArrhythmiaVisionError('aborted', 'the analysis was aborted');
    if (signal?.aborted) throw aborted();
    let job, shape;
    if (input instanceof EcgRecord) {
      shape = { name: input.name, sampleRate: input.sampleRate, samples: input.length };
      this.#recordHandle(input);
      const index = lead == null ? defaultLead(input) : leadIndex(input, lead);
      const samples = input.samples(index);  // a JS copy: the heap keeps no second one
      const info = { record: input.name, lead: input.leads[index].name, leadIndex: index };
      if (beats === 'reference') info.annotations = JSON.stringify(input.annotations.map(({ sample, code }) => ({ sample, code })));
      job = call(() => core.streamSamples(samples.length, input.sampleRate, (first, count) => samples.subarray(first, first + count),
        info, this.#engine ?? null, options));
    } else {
      let { hea, dat, atr, files } = input ?? {};
      if (input?.ishne != null) {
        // An ISHNE Holter file streams as the WFDB format-16 record it is (core io/ishne.h): only the header's
        // bytes are copied into the heap to describe it, then each chunk's byte range.
        const bytes = asBytes(input.ishne, 'ishne');
        const name = /^[\w.-]+$/.test(String(input.name ?? '')) ? String(input.name) : 'holter.ecg';
        const headLength = bytes.length >= 14 ? 522 + Math.max(0, new DataView(bytes.buffer, bytes.byteOffset + 10, 4).getInt32(0, true)) : bytes.length;
        await this.loadFormats();
        const formats = this.#formats;
        hea = call(() => formats.ishneWfdbHeader(bytes.subarray(0, Math.min(bytes.length, headLength)), name, bytes.length));
        files = { [name]: bytes };
        dat = null;
        atr = null;
      }
      if (hea == null) throw new ArrhythmiaVisionError('invalid_argument', 'analyzeStream needs {hea, dat}, {ishne} or a record');
      const header = asBytes(hea, 'hea');
      if (/\//.test(headerRecordLine(header).raw ?? ''))
        throw new ArrhythmiaVisionError('wfdb_unsupported', 'multi-segment records are analysed whole: read them with av.read or readWfdb and pass the record');
      const names = call(() => core.wfdbSignalFiles(header));
      shape = headerRecordLine(header);
      const byName = {};
      for (const [name, bytes] of Object.entries(files ?? {})) byName[name] = asBytes(bytes, `files['${name}']`);
      if (dat != null && names.length > 0 && !(names[0] in byName)) byName[names[0]] = asBytes(dat, 'dat');
      job = call(() => core.streamWfdb(header, (name) => byName[name]?.length ?? -1,
        (name, offset, length) => byName[name].subarray(offset, offset + length),
        atr == null ? null : asBytes(atr, 'atr'), this.#engine ?? null, options));
    }
    try {
      for (;;) {
        if (signal?.aborted) throw aborted();
        const more = call(() => job.step());
        if (typeof onProgress === 'function') onProgress(job.progress(), more ? 'analyze' : 'done');
        if (!more) break;
        await yieldToEventLoop();  // lets an abort (or anything else) run between chunks
      }
      const result = JSON.parse(job.resultJson());
      const samples = job.beatSamples(), labels = job.beatLabels(), probs = job.beatProbabilities(), rhythm = job.beatRhythm();
      // The beats as analyze() writes them (core to_json: time to 3 decimals, probabilities to 6).
      const round = (v, scale) => Math.round(v * scale) / scale;
      const fs = result.sampleRate;
      result.beats = Array.from(samples, (sample, i) => {
        const beat = { sample, time: round(sample / fs, 1e3) };
        if (labels[i] >= 0) {
          beat.label = CLASSES[labels[i]];
          if (rhythm[3 * i] >= 0) beat.modelLabel = CLASSES[rhythm[3 * i]];
          beat.probabilities = {};
          CLASSES.forEach((c, k) => { beat.probabilities[c] = round(probs[5 * i + k], 1e6); });
        }
        if (rhythm[3 * i + 1]) beat.rhythm = 'AF';
        if (rhythm[3 * i + 2]) beat.noisy = true;
        return beat;
      });
      return this.#label(result, shape.name, shape.sampleRate, shape.samples);
    } finally {
      job.delete();
    }
  }

  // The input limits (core/limits.h): largest input, signals, sampling-rate ranges, decoded samples.
  get limits() { return { ...inputLimits }; }

  // Bytes of WebAssembly memory now in use by the core (it only grows, so this is also the peak).
  memoryUsage() {
    const core = this.#live();
    return { heapBytes: typeof core.heapBytes === 'function' ? core.heapBytes() : NaN };
  }

  // Raw model access: n windows of info.inputChannels × info.windowLength samples → n × 5 probabilities. A context
  // model (info.contextFeatures lists its features) also takes n × contextFeatures.length context values.
  classifyWindows(windows, n, context) {
    const core = this.#live();
    if (!this.#engine) throw new ArrhythmiaVisionError('model_not_loaded', 'this analyzer has no model');
    if (!(windows instanceof Float32Array)) throw new ArrhythmiaVisionError('invalid_argument', 'windows must be a Float32Array');
    const per = this.info.windowLength * (this.info.inputChannels ?? 1);
    n ??= windows.length / per;
    if (!Number.isInteger(n) || n < 0 || windows.length !== n * per)
      throw new ArrhythmiaVisionError('invalid_argument', `windows must hold n × ${per} samples`);
    const features = this.info.contextFeatures?.length ?? 0;
    if (features > 0 || context != null) {
      if (!(context instanceof Float32Array) || context.length !== n * features)
        throw new ArrhythmiaVisionError(context == null ? 'model_context_required' : 'invalid_argument',
          `this model takes context: a Float32Array of n × ${features} values (${(this.info.contextFeatures ?? []).join(', ')})`);
      return call(() => core.classifyWindowsWithContext(this.#engine, windows, context, n)).slice();
    }
    return call(() => core.classifyWindows(this.#engine, windows, n)).slice();
  }

  // The explain core's view of one lead of a record, made on first use and kept with the record.
  #explainer(rec, lead) {
    const core = this.#live();
    this.#recordHandle(rec);
    if (!this.#engine) throw new ArrhythmiaVisionError('model_not_loaded', 'explanations need a model');
    if (typeof core.explainPrepareRecordHandle !== 'function') throw new ArrhythmiaVisionError('not_implemented', 'explanations are not in this build');
    const index = lead == null ? defaultLead(rec) : leadIndex(rec, lead);
    let ex = rec._explainers.get(index);
    if (!ex) {
      // From the record's handle: the core reuses the inputs of its last analysis with this model (no second pass).
      ex = call(() => core.explainPrepareRecordHandle(this.#engine, rec.handle, index));
      rec._explainers.set(index, ex);
    }
    return ex;
  }

  // Grad-CAM or SHAP for one beat of a result: {method, label, classIndex, values: Float32Array, ...}.
  // options: {method: 'gradcam'|'shap', segments, baseline, label|classIndex, lead (default: as analyze)}.
  explain(rec, beat, { lead, ...options } = {}) {
    if (!beat || !Number.isInteger(beat.sample)) throw new ArrhythmiaVisionError('invalid_argument', 'beat must be one of result.beats');
    const ex = this.#explainer(rec, lead);
    const out = JSON.parse(call(() => ex.explain(beat.sample, JSON.stringify({ method: 'gradcam', segments: 12, ...options }))));
    for (const key of ['values', 'window', 'baselineWindow']) if (Array.isArray(out[key])) out[key] = Float32Array.from(out[key]);
    return out;
  }

  // Grad-CAM or SHAP (against the model's background) of one raw z-scored window of info.windowLength samples.
  explainWindow(window, options = {}) {
    const core = this.#live();
    if (!this.#engine) throw new ArrhythmiaVisionError('model_not_loaded', 'explanations need a model');
    if (!(window instanceof Float32Array)) throw new ArrhythmiaVisionError('invalid_argument', 'window must be a Float32Array');
    const out = JSON.parse(call(() => core.explainWindow(this.#engine, window, JSON.stringify({ method: 'gradcam', ...options }))));
    for (const key of ['values', 'window', 'baselineWindow']) if (Array.isArray(out[key])) out[key] = Float32Array.from(out[key]);
    return out;
  }

  // Per predicted class: average beat, mean Grad-CAM and mean |SHAP| (Float32Arrays over the beat window).
  // options: {segments, baseline, maxShapBeats, shap, beats: 'detect'|'reference', lead}.
  explainGlobal(rec, { lead, ...options } = {}) {
    const ex = this.#explainer(rec, lead);
    const out = JSON.parse(call(() => ex.global(JSON.stringify(options))));
    for (const c of out.classes ?? [])
      for (const key of ['averageBeat', 'meanGradcam', 'meanAbsShap']) if (Array.isArray(c[key])) c[key] = Float32Array.from(c[key]);
    return out;
  }

  // The Holter report of a result as one self-contained HTML document (report.js); rec gives the ECG strips.
  report(result, rec, options) {
    return renderReport(result, rec ?? null, options);
  }

  // MIT-format annotation bytes (.atr) for a result's beats or any [{sample, symbol|code}] list.
  writeAnnotations(resultOrList) {
    const formats = this.#formatsModule('writeAnnotations');
    const list = Array.isArray(resultOrList) ? resultOrList
      : (resultOrList?.beats ?? []).map((b) => ({ sample: b.sample, symbol: b.label ?? 'Q' }));
    return call(() => formats.writeWfdbAnnotations(JSON.stringify(list)));
  }

  dispose() {
    if (!this.#core) return;
    for (const rec of [...this.#records]) rec.dispose();
    this.#engine?.delete();
    this.#engine = null;
    this.#core = null;
    this.#formats = null;
  }
}

// createAnalyzer({model: 'v1-ctx' (default) | 'v2-ctx' | 'v1' | ... | {json, weights} | null, formats: 'eager'
// (default) | 'on-demand'}) → Promise<Analyzer>. 'on-demand' leaves the formats module (modules.js) unloaded until
// av.loadFormats(): a page that reads only WFDB records, or reads through the worker (which loads it when a file
// needs it), then downloads the core alone.
export async function createAnalyzer({ model = DEFAULT_MODEL, formats = 'eager' } = {}) {
  if (formats !== 'eager' && formats !== 'on-demand')
    throw new ArrhythmiaVisionError('invalid_option', "formats must be 'eager' or 'on-demand'");
  const [core, files, formatsModule] = await Promise.all([coreModule(), modelFiles(model),
    formats === 'eager' ? loadFormats() : null]);
  const window = core.defaultWindow();
  let engine = null;
  let training;
  let info = {
    model: null, parameters: 0, classes: [...CLASSES], sampleRate: window.sampleRate,
    windowLength: window.before + window.after, windowBefore: window.before, backend: 'wasm-simd128',
  };
  if (files) {
    if (typeof core.loadModel !== 'function') throw new ArrhythmiaVisionError('not_implemented', 'this build has no inference engine yet');
    engine = call(() => core.loadModel(files.json, files.weights));
    info = { ...info, ...call(() => core.modelInfo(engine)) };
    training = trainingRecords(files.json);
  }
  return new Analyzer(core, formatsModule, engine, Object.freeze(info), training);
}

export default createAnalyzer;
