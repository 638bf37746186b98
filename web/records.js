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
