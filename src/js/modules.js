// The two WebAssembly modules behind the API, each loaded once per page or process and shared by every analyzer:
//   core     (dist/arrhythmiavision-core.*): analysis, explanations, streaming, WFDB reading. Loaded first.
//   formats  (dist/arrhythmiavision-formats.*): the CSV, EDF/BDF, ISHNE and HL7 aECG readers and the WFDB
//            annotation writer. A page that never reads such a file never downloads it (createAnalyzer's
//            formats: 'on-demand'); a record it reads crosses to the core as one blob (recordFromBlob).
import createCoreModule from '../../dist/arrhythmiavision-core.mjs';
import { ArrhythmiaVisionError } from './errors.js';

// Package files as literal `new URL(..., import.meta.url)`, the form bundlers (Vite, webpack 5) recognise and copy.
const CORE_WASM_URL = new URL('../../dist/arrhythmiavision-core.wasm', import.meta.url);
const FORMATS_WASM_URL = new URL('../../dist/arrhythmiavision-formats.wasm', import.meta.url);

// What av.detectFormat names for the files whose reader is in the formats module.
export const FORMATS_MODULE_READS = Object.freeze(['csv', 'edf', 'ishne', 'hl7-aecg']);

export const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' &&
  typeof window === 'undefined' && typeof importScripts !== 'function';

// Bytes of a file that ships with the package: fs in Node (the loader's fetch does not work there), fetch elsewhere.
export async function packageFile(url) {
  if (isNode) {
    const fs = await import(/* @vite-ignore */ 'node:fs/promises');
    try {
      return new Uint8Array(await fs.readFile(url));
    } catch (e) {
      throw new ArrhythmiaVisionError('file_not_found', `cannot read ${url.pathname}: ${e.code ?? e.message}`);
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new ArrhythmiaVisionError('file_not_found', `cannot fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// A loader that runs once, and again after a failure.
function once(load) {
  let promise = null;
  return () => {
    promise ??= load();
    promise.catch(() => { promise = null; });
    return promise;
  };
}

export const loadCore = once(async () => createCoreModule({ wasmBinary: await packageFile(CORE_WASM_URL) }));

export const loadFormats = once(async () => {
  const [{ default: createFormatsModule }, wasmBinary, core] = await Promise.all([
    import('../../dist/arrhythmiavision-formats.mjs'), packageFile(FORMATS_WASM_URL), loadCore()]);
  const formats = await createFormatsModule({ wasmBinary });
  if (formats.version() !== core.version())
    throw new ArrhythmiaVisionError('formats_version_mismatch', `the formats module is version ${formats.version()}, the core ${core.version()}: rebuild dist/ (npm run build)`);
  return formats;
});
