#!/usr/bin/env node
// arrhythmiavision analyze <input> [--model v1-ctx|v2-ctx|v1-ctx-ds1|v2-ctx-ds1|v1|v2|<model.json>]
//                         [--lead <index|name>] [--beats detect|reference] [--annotator atr|qrs|...]
//                         [--format json|text|html] [--pause-sec <s>] [--no-af-relabel]
// Exit 0 on success; 2 with one line `error: <code>: <message>` on stderr for bad input or arguments.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, ArrhythmiaVisionError, DEFAULT_MODEL, MODELS } from './index.js';
import { formatText } from './text.js';
import { addExplanations, isExplainList } from './cli-explain.js';

const USAGE = `usage: arrhythmiavision analyze <input: WFDB .hea, .csv (Apple Watch too), EDF/BDF, ISHNE .ecg, HL7 aECG .xml>
                        [--model v1-ctx|v2-ctx|v1-ctx-ds1|v2-ctx-ds1|v1|v2|v1-ds1|v2-ds1|<model.json>]
                        [--lead <index|name>] [--beats detect|reference] [--format json|text|html]
                        (html: the Holter report, one self-contained page for printing)
                        [--pause-sec <s>]   (RR at least this long is a pause; default 2)
                        [--no-af-relabel]   (keep the model's A labels inside AF episodes)
                        [--sample-rate <Hz>]   (CSV without a time column or a Sample Rate line)
                        [--annotator atr|qrs|...]   (WFDB: reference annotations from <record>.<annotator>; default atr)
                        [--explain gradcam|shap|global] [--beat <index>] [--segments <n>]
                        [--explain <beat index|all-V|all-A|...|global>[,...]] [--explain-method gradcam|shap|both]
                        [--baseline median-normal|background]   (explanations in the JSON)`;

const fail = (code, message) => { throw new ArrhythmiaVisionError(code, message); };

function parseArgs(argv) {
  const args = { format: 'json', beats: 'detect' };
  const positional = [];
  const takesValue = new Set(['--model', '--lead', '--beats', '--format', '--sample-rate', '--explain', '--beat', '--segments',
    '--explain-method', '--baseline', '--pause-sec', '--annotator']);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    if (arg.startsWith('--') && arg.includes('=')) [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--no-af-relabel') { args.afRelabel = false; continue; }
    if (takesValue.has(arg)) {
      value ??= argv[++i];
      if (value === undefined) fail('usage', `${arg} needs a value`);
      args[arg.slice(2).replace(/-(.)/g, (_, c) => c.toUpperCase())] = value;
    } else if (arg.startsWith('--')) {
      fail('usage', `unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional[0] !== 'analyze' || positional.length !== 2) fail('usage', 'expected: analyze <input>');
  args.input = positional[1];
  if (!['json', 'text', 'html'].includes(args.format)) fail('usage', '--format must be json, text or html');
  if (!['detect', 'reference'].includes(args.beats)) fail('usage', '--beats must be detect or reference');
  if (args.annotator !== undefined && !/^\w{1,32}$/.test(args.annotator))
    fail('usage', "--annotator must be an annotator name such as atr, qrs or wabp (letters, digits, '_')");
  if (args.explain !== undefined && !['gradcam', 'shap', 'global'].includes(args.explain) && !isExplainList(args.explain))
    fail('usage', '--explain must be gradcam, shap, global, or a list of beat indices, all-<class> and global');
  if (args.pauseSec !== undefined) {
    const v = Number(args.pauseSec);
    if (!(v >= 0.5 && v <= 60)) fail('usage', '--pause-sec must be a number of seconds in [0.5, 60]');
    args.pauseSec = v;
  }
  for (const key of ['beat', 'segments'])
    if (args[key] !== undefined && !/^\d+$/.test(args[key])) fail('usage', `--${key} must be a non-negative integer`);
  return args;
}

async function readInputFile(file) {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) fail('file_not_found', `${file} is not a file`);
    return new Uint8Array(await fs.readFile(file));
  } catch (e) {
    if (e instanceof ArrhythmiaVisionError) throw e;
    if (e.code === 'ENOENT') fail('file_not_found', `${file} does not exist`);
    if (e.code === 'ERR_FS_FILE_TOO_LARGE' || e instanceof RangeError) fail('file_too_large', `${file} is too large to read`);
    fail('file_unreadable', `${file}: ${e.message}`);
  }
}

const exists = (file) => fs.stat(file).then((s) => s.isFile(), () => false);

// Model option → what createAnalyzer takes. The default model is used when it ships (and no model otherwise).
async function modelOption(model) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  if (model === undefined)
    return (await exists(path.join(here, `../../models/arrhythminet-${DEFAULT_MODEL}.json`))) ? DEFAULT_MODEL : null;
  if (model === 'none') return null;
  if (MODELS.includes(model)) return model;
  const jsonBytes = await readInputFile(model);
  let meta;
  try {
    meta = JSON.parse(new TextDecoder().decode(jsonBytes));
  } catch {
    fail('model_invalid', `${model} is not valid JSON`);
  }
  const weightsName = meta?.weights?.file;
  if (typeof weightsName !== 'string' || /[\\/]/.test(weightsName)) fail('model_invalid', 'weights.file must name a file beside the JSON');
  return { json: jsonBytes, weights: await readInputFile(path.join(path.dirname(model), weightsName)) };
}

// Any format the core reads, found from the content first (core io/dispatch.h): the file's siblings (WFDB signal
// files, segment headers, "<record>.<annotator>", ISHNE's .ann) are read from its folder as the core names them.
async function readRecord(av, args) {
  let input = args.input;
  // "data/100" names a WFDB record as WFDB tools do.
  if (!(await exists(input)) && path.extname(input) === '' && (await exists(`${input}.hea`))) input = `${input}.hea`;
  const started = performance.now();
  const bytes = await readInputFile(input);
  const dir = path.dirname(input);
  const options = { annotator: args.annotator };
  if (args.sampleRate !== undefined) options.sampleRate = Number(args.sampleRate);
  const files = {};
  const missing = new Set();
  // Names come from the core, which refuses path separators in headers; a missing file is left out, and the
  // reader then says what is missing (wfdb_signal_missing), as it does for the API. A multi-segment header
  // names its segment headers first, then (asked again) their signal files.
  for (let round = 0; round < 4; round++) {
    let added = 0;
    for (const name of av.recordFiles(bytes, path.basename(input), { files, annotator: args.annotator })) {
      if (name in files || missing.has(name) || /[\\/]/.test(name)) continue;
      const file = path.join(dir, name);
      if (await exists(file)) { files[name] = await readInputFile(file); added++; } else missing.add(name);
    }
    if (!added) break;
  }
  const rec = av.read(bytes, path.basename(input), { ...options, files });
  rec.readMs = performance.now() - started;
  return rec;
}

// The record's own metadata (CSV metadata lines, EDF/ISHNE/aECG header fields, gaps) as text lines.
function metadataText(rec) {
  if (!rec.metadata?.length) return '';
  return `file metadata:\n${rec.metadata.map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
}

// --explain: one beat (--beat, default the first beat not labelled N) or the per-class panels, as plain JSON.
function explain(av, rec, result, args) {
  const lead = args.lead ?? result.leadIndex;
  const plain = (o) => JSON.parse(JSON.stringify(o, (_, v) => (v instanceof Float32Array ? Array.from(v) : v)));
  const segments = args.segments === undefined ? undefined : Number(args.segments);
  if (args.explain === 'global') return plain(av.explainGlobal(rec, { lead, beats: args.beats, ...(segments && { segments }) }));
  if (result.beats.length === 0) fail('no_beats', 'there is no beat to explain');
  let index = args.beat === undefined ? result.beats.findIndex((b) => b.label && b.label !== 'N') : Number(args.beat);
  if (index < 0) index = 0;
  if (index >= result.beats.length) fail('beat_not_found', `--beat ${index}: the result has ${result.beats.length} beats`);
  const beat = result.beats[index];
  return { beat: index, sample: beat.sample, rPeak: av.info.windowBefore, ...plain(av.explain(rec, beat, { lead, method: args.explain, ...(segments && { segments }) })) };
}

export async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const model = await modelOption(args.model);
    // Without an explicit --model, a build that has no inference engine still detects beats (without labels).
    const av = await createAnalyzer({ model }).catch((e) =>
      (args.model === undefined && e.code === 'not_implemented' ? createAnalyzer({ model: null }) : Promise.reject(e)));
    const rec = await readRecord(av, args);
    const result = av.analyze(rec, { lead: args.lead, beats: args.beats, pauseSec: args.pauseSec, afRelabel: args.afRelabel });
    if (args.explain !== undefined && isExplainList(args.explain)) addExplanations(av, rec, result, args);
    else if (args.explain) result.explanation = explain(av, rec, result, args);
    const html = () => av.report(result, rec, { pauseSec: args.pauseSec });
    if (rec.metadata?.length) result.metadata = rec.metadata.map(([key, value]) => ({ key, value }));
    process.stdout.write(args.format === 'json' ? `${JSON.stringify(result)}\n` : args.format === 'html' ? html()
      : formatText(result) + metadataText(rec));
    av.dispose();
    return 0;
  } catch (e) {
    if (e instanceof ArrhythmiaVisionError) {
      const hint = e.code === 'usage' ? ' (see --help)' : '';
      process.stderr.write(`error: ${e.code}: ${String(e.message).replace(/\s+/g, ' ')}${hint}\n`);
      return 2;
    }
    process.stderr.write(`error: internal_error: ${String(e?.stack ?? e).split('\n')[0]}\n`);
    return 1;
  }
}

// A closed pipe (| head) ends the output quietly.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
process.exitCode = await main(process.argv.slice(2));
