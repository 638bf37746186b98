// The dropped or picked files as one record, read by the package's worker analyzer through the core's one
// reader-by-content dispatch (Analyzer.readFiles: WFDB with its signal, segment and annotation files, CSV including
// Apple Watch exports, EDF/BDF, ISHNE, HL7 aECG; the main file is found from the bytes, then the name).

/**
 * files: [{name, bytes: ArrayBuffer}]; av: a WorkerAnalyzer (src/js/worker.js). Resolves {rec, name, used}: the
 * worker's record, the name to show (the record's, else the file's) and the names of the files it was read from.
 */
export async function readRecordFiles(av, files, { csvRate }) {
  const list = files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
  const rec = await av.readFiles(list, { sampleRate: csvRate });
  const base = (list[0]?.name ?? '').replace(/\.[^.]*$/, '');
  return { rec, name: rec.name || base, used: list.map((f) => f.name) };
}

const MAIN = /\.(hea|csv|txt|edf|bdf|rec|ecg|xml)$/i;

/** The record line of a WFDB header (its first line that is not a comment). */
function recordLine(bytes) {
  const text = new TextDecoder().decode(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 4096)));
  return text.split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#')) ?? '';
}

/**
 * The dropped files as records, grouped by name stem ([{name, files}]): several only when every group has a main
 * file (header, CSV, EDF, ...) and no header is a multi-segment record's, whose segments have names of their own.
 */
export function groupRecords(files) {
  const groups = new Map();
  for (const f of files) {
    const stem = f.name.replace(/\.[^.]*$/, '');
    groups.set(stem, [...(groups.get(stem) ?? []), f]);
  }
  const whole = [{ name: '', files }];
  if (groups.size < 2 || ![...groups.values()].every((g) => g.some((f) => MAIN.test(f.name)))) return whole;
  if (files.some((f) => /\.hea$/i.test(f.name) && /^\S+\/\d+/.test(recordLine(f.bytes)))) return whole;
  return [...groups].map(([name, g]) => ({ name, files: g }));
}
