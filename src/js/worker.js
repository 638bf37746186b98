// Web Worker helper: the analyzer (WASM, records, model) lives in a worker so that a page's main thread never
// blocks. This one module is both sides:
//   main thread:  const av = await createWorkerAnalyzer({ model: 'v1' });   // every method returns a Promise
//   in a worker:  loading this file as a module worker serves requests on `self` automatically.
// Protocol (the message types are in worker.d.ts): {id, op, args} in; {id, ok: true, value} |
// {id, ok: false, error: {code, message}} | {id, progress: {fraction, stage}} out. Records stay in the worker; the
// page gets plain descriptions with an id.
import { createAnalyzer, ArrhythmiaVisionError, FORMATS_MODULE_READS } from './index.js';
import { minMaxPyramid } from './signal.js';

// The buffers of a reply that move to the page instead of being copied: typed arrays, explanation values, a chart
// signal's samples and pyramid.
const transferables = (value) => {
  if (ArrayBuffer.isView(value)) return [value.buffer];
  if (!value || typeof value !== 'object') return [];
  if (value.values instanceof Float32Array) return [value.values.buffer];
  if (value.samples instanceof Float32Array && Array.isArray(value.levels))
    return [value.samples.buffer, ...value.levels.flatMap((l) => [l.min.buffer, l.max.buffer])];
  return [];
};

function describe(id, rec) {
  return {
    id, name: rec.name, sampleRate: rec.sampleRate, length: rec.length, durationSec: rec.durationSec, readMs: rec.readMs,
    leads: rec.leads.map(({ index, name, units }) => ({ index, name, units })), annotations: rec.annotations,
    defaultLead: rec.handle.defaultLead(),
  };
}

// Serves an analyzer on anything with postMessage and addEventListener('message') (a worker's self, a MessagePort).
export function serveAnalyzer(scope) {
  let av = null;
  const records = new Map();
  let nextRecord = 1;
  const record = (id) => records.get(id) ?? (() => { throw new ArrhythmiaVisionError('invalid_argument', `no record ${id} in this worker`); })();
  const adopt = (rec) => {
    const id = nextRecord++;
    records.set(id, rec);
    return describe(id, rec);
  };
  const analyzer = () => av ?? (() => { throw new ArrhythmiaVisionError('disposed', 'call create first'); })();
  // The analyzer, with the formats module loaded first when one of [bytes, name] needs it (or always).
  const withFormats = async (files = null) => {
    const a = analyzer();
    if (!a.formatsLoaded && (files == null || files.some(([bytes, name]) => {
      try { return FORMATS_MODULE_READS.includes(a.detectFormat(bytes, name)); } catch { return false; }  // the read says why
    })))
      await a.loadFormats();
    return a;
  };

  const ops = {
    async create(options) {
      av?.dispose();
      records.clear();
      // The page downloads the formats module only when a file needs it (withFormats).
      av = await createAnalyzer({ formats: 'on-demand', ...(options ?? {}) });
      return av.info;
    },
    readWfdb: (input) => adopt(analyzer().readWfdb(input)),
    readCsv: async (text, options) => adopt((await withFormats()).readCsv(text, options)),
    readEdf: async (bytes, options) => adopt((await withFormats()).readEdf(bytes, options)),
    read: async (bytes, name, options) => adopt((await withFormats([[bytes, name]])).read(bytes, name, options)),
    readFiles: async (files, options) =>
      adopt((await withFormats([...(files ?? [])].map((f) => [f?.bytes, f?.name ?? '']))).readFiles(files, options)),
    fromSamples: (samples, options) => adopt(analyzer().fromSamples(samples, options)),
    samples: (id, lead) => record(id).samples(lead),
    chartSignal(id, lead) {
      const rec = record(id);
      const samples = rec.samples(lead ?? rec.handle.defaultLead());
      return { samples, levels: minMaxPyramid(samples), sampleRate: rec.sampleRate };
    },
    // The one operation that reports progress: it gets the reporter before its arguments.
    analyze: (progress, id, options) => analyzer().analyze(record(id), { ...options, onProgress: progress }),
    classifyWindows: (windows, n, context) => analyzer().classifyWindows(windows, n, context),
    explain: (id, beat, options) => analyzer().explain(record(id), beat, options),
    explainGlobal: (id, options) => analyzer().explainGlobal(record(id), options),
    explainWindow: (window, options) => analyzer().explainWindow(window, options),
    writeAnnotations: async (list) => (await withFormats()).writeAnnotations(list),
    disposeRecord(id) {
      records.get(id)?.dispose();
      records.delete(id);
    },
    dispose() {
      av?.dispose();
      av = null;
      records.clear();
    },
  };

  scope.addEventListener('message', async (event) => {
    const { id, op, args = [] } = event.data ?? {};
    try {
      if (!Object.hasOwn(ops, op)) throw new ArrhythmiaVisionError('invalid_argument', `unknown operation '${op}'`);
      const progress = (fraction, stage) => scope.postMessage({ id, progress: { fraction, stage } });
      const value = await (op === 'analyze' ? ops.analyze(progress, ...args) : ops[op](...args));
      scope.postMessage({ id, ok: true, value }, transferables(value));
    } catch (e) {
      const code = e instanceof ArrhythmiaVisionError ? e.code : 'internal_error';
      scope.postMessage({ id, ok: false, error: { code, message: String(e?.message ?? e) } });
    }
  });
  scope.start?.();
}

// The page's side: same methods as the analyzer, each returning a Promise; records are {id, name, leads, ...}.
class WorkerAnalyzer {
  #worker;
  #pending = new Map();
  #nextId = 1;
  constructor(worker) {
    this.#worker = worker;
    worker.addEventListener('message', (event) => {
      const { id, ok, value, error, progress } = event.data ?? {};
      const pending = this.#pending.get(id);
      if (!pending) return;
      if (progress) return pending.onProgress?.(progress.fraction, progress.stage);
      this.#pending.delete(id);
      if (ok) pending.resolve(value);
      else pending.reject(new ArrhythmiaVisionError(error.code, error.message));
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault?.();   // reported through the pending calls' rejections, not as an uncaught error
      this.#rejectAll(new ArrhythmiaVisionError('worker_failed', event.message || 'the analysis worker failed'));
    });
    worker.start?.();
  }

  #rejectAll(error) {
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  #send(op, args, { onProgress, transfer = [] } = {}) {
    if (!this.#worker) return Promise.reject(new ArrhythmiaVisionError('disposed', 'this analyzer was disposed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      this.#worker.postMessage({ id, op, args }, transfer);
    });
  }

  async _create(options) { this.info = await this.#send('create', [options]); return this; }
  readWfdb(input) { return this.#send('readWfdb', [input]); }
  readCsv(text, options = {}) { return this.#send('readCsv', [text, options]); }
  readEdf(bytes, options = {}) { return this.#send('readEdf', [bytes, options]); }
  // Any format, found from the content (the analyzer's read / readFiles).
  read(bytes, name = '', options = {}) { return this.#send('read', [bytes, name, options]); }
  readFiles(files, options = {}) { return this.#send('readFiles', [files, options]); }
  fromSamples(samples, options = {}) { return this.#send('fromSamples', [samples, options]); }
  samples(rec, lead = 0) { return this.#send('samples', [rec.id, lead]); }
  chartSignal(rec, lead) { return this.#send('chartSignal', [rec.id, lead]); }
  analyze(rec, { onProgress, ...options } = {}) { return this.#send('analyze', [rec.id, options], { onProgress }); }
  classifyWindows(windows, n, context) { return this.#send('classifyWindows', [windows, n, context]); }
  explain(rec, beat, options = {}) { return this.#send('explain', [rec.id, beat, options]); }
  explainGlobal(rec, options = {}) { return this.#send('explainGlobal', [rec.id, options]); }
  explainWindow(window, options = {}) { return this.#send('explainWindow', [window, options]); }
  writeAnnotations(list) { return this.#send('writeAnnotations', [list]); }
  disposeRecord(rec) { return this.#send('disposeRecord', [rec.id]); }
  // Ends the worker at once, also in the middle of an analysis: the calls still pending reject with code 'cancelled'.
  dispose() {
    if (!this.#worker) return;
    this.#send('dispose', []).catch(() => {});
    this.#worker.terminate?.();
    this.#worker = null;
    this.#rejectAll(new ArrhythmiaVisionError('cancelled', 'the worker analyzer was disposed before this call finished'));
  }
}

// createWorkerAnalyzer({model, worker?}): worker defaults to this module started as a module worker.
export async function createWorkerAnalyzer({ worker, ...options } = {}) {
  const w = worker ?? new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return new WorkerAnalyzer(w)._create(options);
}

const inWorker = typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope;
if (inWorker) serveAnalyzer(globalThis);
