// Downloads of the demo's results: the analysis JSON with what the page derived from it (the event list,
// agreement with the reference and its AAMI scores).
import { aamiScores } from './stats.js';

/** Saves data as a file through a temporary link. */
export function download(name, data, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The analysis result plus `derived`: the page's own statistics (agreement: an agreement() result or null). */
export function resultDocument(result, { events, agreement }) {
  return {
    ...result,
    derived: {
      events,
      agreement: agreement && Object.fromEntries(Object.entries(agreement).filter(([k]) => !['matchOf', 'missed'].includes(k))),
      aami: agreement && aamiScores(result.beats, agreement),
    },
  };
}
