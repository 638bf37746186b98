// `analyze --explain <spec>` for the CLI: adds result.explanations (and result.globalExplanation) to the JSON.
// (`--explain gradcam|shap|global [--beat i]`, one explanation as result.explanation, stays in cli.js.)
//   spec: comma-separated beat indices (0-based, into result.beats), all-<class> (every beat labelled that class,
//         e.g. all-V) and/or global (per predicted class: average beat, mean Grad-CAM, mean |SHAP|).
//   --explain-method gradcam|shap|both (default both), --segments M (default 12), --baseline median-normal|background.
// Exact SHAP with 12 segments runs 4096 forward passes per beat (a few hundred ms): all-<class> with SHAP on a
// long record takes minutes; use --explain-method gradcam there.
import { ArrhythmiaVisionError } from './index.js';

const fail = (message) => { throw new ArrhythmiaVisionError('usage', message); };

// Typed arrays become plain arrays so that JSON.stringify writes them as arrays.
function plain(value) {
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

// True for the list form (beat indices, all-<class>, global with something else), false for gradcam|shap|global.
export function isExplainList(spec) {
  const parts = String(spec).split(',').map((s) => s.trim());
  return parts.length > 1 || /^(\d+|all-.+)$/.test(parts[0]);
}

export function parseExplainSpec(spec, classes) {
  const out = { beats: [], classes: [], global: false };
  for (const part of String(spec).split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'global') out.global = true;
    else if (/^all-/.test(part)) {
      const label = part.slice(4);
      if (!classes.includes(label)) fail(`--explain ${part}: class must be one of ${classes.join(', ')}`);
      out.classes.push(label);
    } else if (/^\d+$/.test(part)) out.beats.push(Number(part));
    else fail(`--explain takes beat indices, all-<class> or global, not '${part}'`);
  }
  if (!out.beats.length && !out.classes.length && !out.global) fail('--explain needs at least one item');
  return out;
}

export function addExplanations(av, rec, result, args) {
  const spec = parseExplainSpec(args.explain, av.info.classes);
  const method = args.explainMethod ?? 'both';
  if (!['gradcam', 'shap', 'both'].includes(method)) fail('--explain-method must be gradcam, shap or both');
  const segments = args.segments === undefined ? 12 : Number(args.segments);
  if (!Number.isInteger(segments)) fail('--segments must be an integer');
  const options = { segments, lead: args.lead };
  if (args.baseline !== undefined) options.baseline = args.baseline;
  const picked = new Set();
  for (const i of spec.beats) {
    if (i >= result.beats.length) fail(`--explain ${i}: the result has ${result.beats.length} beats`);
    picked.add(i);
  }
  result.beats.forEach((b, i) => { if (spec.classes.includes(b.label)) picked.add(i); });
  result.explanations = [...picked].sort((a, b) => a - b).map((i) => {
    const beat = result.beats[i];
    const entry = { beat: i, sample: beat.sample, label: beat.label };
    if (method !== 'shap') entry.gradcam = plain(av.explain(rec, beat, { ...options, method: 'gradcam' }));
    if (method !== 'gradcam') entry.shap = plain(av.explain(rec, beat, { ...options, method: 'shap' }));
    return entry;
  });
  if (spec.global) {
    const g = { segments, lead: args.lead, beats: args.beats, shap: method !== 'gradcam' };
    if (args.baseline !== undefined) g.baseline = args.baseline;
    result.globalExplanation = plain(av.explainGlobal(rec, g));
  }
  return result;
}
