// The demo's engine: the package's worker analyzer (src/js/worker.js) and what the page keeps beside it: the files
// of the current record (read again when the model changes, since a record belongs to the analyzer that read it),
// that record, and the class explanations of its analysed lead. cancel() ends the worker mid-analysis.
import { createWorkerAnalyzer } from '../src/js/worker.js';
import { readRecordFiles } from './records.js';

const WORKER_URL = new URL('../src/js/worker.js', import.meta.url);
const error = (code, message) => Object.assign(new Error(message), { code });

export function createEngine() {
  let av = null;          // the WorkerAnalyzer of `model`
  let model = null;
  let input = null;       // {files, csvRate} of the current record
  let rec = null;         // its WorkerRecord in av
  let global = null;      // {key, value}: explainGlobal of the current analysis
  let generation = 0;     // cancel() bumps it; work started before then stops
  let queue = Promise.resolve();

  const alive = (gen) => { if (gen !== generation) throw error('cancelled', 'cancelled'); };
  const current = () => rec ?? (() => { throw error('no_record', 'load a record first'); })();

  // A new worker with the model; the current record is read again there. The old worker stays if this fails.
  async function switchTo(name, gen) {
    if (av && model === name) return;
    const worker = new Worker(WORKER_URL, { type: 'module' });
    let next;
    try {
      next = await createWorkerAnalyzer({ model: name, worker });
      alive(gen);
      const reread = input && (await readRecordFiles(next, input.files, input)).rec;
      alive(gen);
      av?.dispose();
      [av, model, rec, global] = [next, name, reread ?? null, null];
    } catch (e) {
      if (next) next.dispose(); else worker.terminate();
      throw e;
    }
  }
  // One model switch at a time, in call order.
  function use(name, gen) {
    const run = queue.catch(() => {}).then(() => { alive(gen); return switchTo(name, gen); });
    queue = run;
    return run;
  }

  return {
    get info() { return av?.info ?? null; },

    async start(name) {
      await use(name, generation);
      return av.info;
    },

    /** files: [{name, bytes}]. Resolves the record as the page shows it. */
    async load(files, name, csvRate) {
      const gen = generation;
      await use(name, gen);
      const read = await readRecordFiles(av, files, { csvRate });
      alive(gen);
      if (!read.rec.leads.length) throw error('record_empty', 'the record has no signals');
      if (rec) av.disposeRecord(rec).catch(() => {});
      [rec, input, global] = [read.rec, { files, csvRate }, null];
      return {
        name: read.name, files: read.used, sampleRate: rec.sampleRate, length: rec.length,
        leads: rec.leads.map((l) => l.name), annotations: rec.annotations, defaultLead: rec.defaultLead,
      };
    },

    /** {samples, levels, sampleRate} of a lead, for StripChart.setSignal. */
    chartSignal(lead) {
      const r = current();
      return av.chartSignal(r, lead);
    },

    async analyze(lead, name, onProgress) {
      const gen = generation;
      await use(name, gen);
      const result = await av.analyze(current(), { lead, onProgress });   // lead by index: two may share a name
      alive(gen);
      global = null;
      return { result, info: av.info };
    },

    explain(beat, options) {
      const r = current();
      return av.explain(r, beat, options);
    },

    // One predicted class of the API's explainGlobal (average beat, mean Grad-CAM, mean |SHAP| per segment),
    // computed once for all classes of the analysed lead and then taken from the cache.
    async explainClass(label, { lead, segments = 12, maxShapBeats = 16 }) {
      const key = `${lead}/${segments}/${maxShapBeats}`;
      if (global?.key !== key) {
        const r = current();
        global = { key, value: await av.explainGlobal(r, { lead, segments, maxShapBeats }) };
      }
      const g = global.value;
      const c = g.classes.find((x) => x.label === label);
      if (!c) throw error('class_empty', `no beats were classified as ${label}`);
      return {
        label, classBeats: c.beats, gradcamBeats: c.beats, shapBeats: c.shapBeats?.length ?? 0, baseline: g.baseline,
        gradcam: c.meanGradcam, averageBeat: c.averageBeat ?? null,
        shap: (g.segmentBounds ?? []).map((s, k) => ({ start: s.start, end: s.end, value: c.meanAbsShapSegments?.[k] ?? 0 })),
        contextPlayers: (g.contextPlayers ?? []).map((p, k) => ({ name: p.name, value: c.meanAbsShapContextPlayers?.[k] ?? 0 })),
      };
    },

    /** WFDB annotation bytes (MIT format) of a result's beats. */
    annotations(result) {
      current();
      return av.writeAnnotations(result);
    },

    /** Ends the worker (pending calls reject with code 'cancelled') and forgets the record; start() again after. */
    cancel() {
      generation++;
      av?.dispose();
      [av, model, rec, input, global] = [null, null, null, null, null];
    },
  };
}
