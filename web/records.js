// The dropped or picked files as one record, read by the package's worker analyzer: the reader is chosen by the
// files' extensions (WFDB .hea + .dat [+ .atr], .edf/.rec, .csv/.txt).

const inputError = (code, message) => Object.assign(new Error(message), { code });

function splitName(name) {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1).toLowerCase()];
}

/**
 * files: [{name, bytes: ArrayBuffer}]; av: a WorkerAnalyzer (src/js/worker.js). Resolves {rec, name, used}: the
 * worker's record, the name to show (the record's, else the file's) and the names of the files it was read from.
 */
export async function readRecordFiles(av, files, { csvRate }) {
  const byExt = new Map();
  for (const f of files) {
    const [base, ext] = splitName(f.name);
    if (!byExt.has(ext)) byExt.set(ext, []);
    byExt.get(ext).push({ base, name: f.name, bytes: new Uint8Array(f.bytes) });
  }
  const pick = (ext, base) => (byExt.get(ext) ?? []).find((f) => base === undefined || f.base === base);
  const named = (rec, file, used) => ({ rec, name: rec.name || file.base, used: used.map((f) => f.name) });
  const hea = pick('hea');
  if (hea) {
    const dat = pick('dat', hea.base) ?? pick('dat');
    if (!dat) throw inputError('wfdb_missing_dat', `${hea.name} needs its signal file: select ${hea.base}.dat together with it`);
    const atr = pick('atr', hea.base);
    // Every selected signal file by name, for records whose header names several.
    const signalFiles = Object.fromEntries((byExt.get('dat') ?? []).map((f) => [f.name, f.bytes]));
    const rec = await av.readWfdb({ hea: hea.bytes, dat: dat.bytes, files: signalFiles, ...(atr ? { atr: atr.bytes } : {}) });
    return named(rec, hea, [hea, dat, atr].filter(Boolean));
  }
  const edf = pick('edf') ?? pick('rec');
  if (edf) return named(await av.readEdf(edf.bytes), edf, [edf]);
  const csv = pick('csv') ?? pick('txt');
  if (csv) return named(await av.readCsv(new TextDecoder().decode(csv.bytes), { sampleRate: csvRate }), csv, [csv]);
  if (pick('dat') || pick('atr')) {
    throw inputError('wfdb_missing_header', 'a WFDB record needs its header: select the .hea and .dat files together');
  }
  const names = files.map((f) => f.name).join(', ') || 'nothing';
  throw inputError('unsupported_file', `${names}: expected WFDB (.hea + .dat), .csv or .edf`);
}
