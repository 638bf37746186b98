// What the summary panel derives from a result: agreement with the reference annotations (and its AAMI
// scores), and the engine's rhythm findings laid out as one event list. The rhythm statistics themselves come
// from the engine's summary. Pure functions, so they can be tested in Node.

export const CLASSES = ['N', 'L', 'R', 'A', 'V'];

// WFDB beat annotation symbols (isqrs): everything else (rhythm changes, noise, comments) is not a beat.
const BEAT_SYMBOLS = new Set(['N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', 'E', 'j', '/', 'Q', 'e', 'n', 'f', 'r', 'B', '?']);
export const isBeatSymbol = (s) => BEAT_SYMBOLS.has(s);

/**
 * Matches detected beats to reference beat annotations within `toleranceSec` (150 ms, as in the evaluation
 * protocol). Both lists hold {sample, ...}; returns sensitivity, positive predictivity, the pairs and, over the
 * matched pairs whose reference is one of the five classes, label agreement and a confusion matrix.
 */
export function agreement(beats, annotations, sampleRate, toleranceSec = 0.15) {
  const ref = annotations.filter((a) => isBeatSymbol(a.symbol)).sort((a, b) => a.sample - b.sample);
  const det = beats.map((b, index) => ({ ...b, index })).sort((a, b) => a.sample - b.sample);
  const tol = Math.round(toleranceSec * sampleRate);
  const pairs = [];
  const missed = [];
  const extra = [];
  let i = 0;
  let j = 0;
  while (i < ref.length && j < det.length) {
    const d = det[j].sample - ref[i].sample;
    if (Math.abs(d) <= tol) {
      // Leave this detection unmatched if the next one is a better partner for the same reference beat.
      const next = det[j + 1];
      if (next && Math.abs(next.sample - ref[i].sample) < Math.abs(d) &&
          !(ref[i + 1] && Math.abs(next.sample - ref[i + 1].sample) <= Math.abs(next.sample - ref[i].sample))) {
        extra.push(det[j++]);
        continue;
      }
      pairs.push({ ref: ref[i++], det: det[j++] });
    } else if (d < 0) {
      extra.push(det[j++]);
    } else {
      missed.push(ref[i++]);
    }
  }
  while (i < ref.length) missed.push(ref[i++]);
  while (j < det.length) extra.push(det[j++]);

  const confusion = CLASSES.map(() => CLASSES.map(() => 0));   // rows: reference, columns: predicted
  let compared = 0;
  let agreeing = 0;
  const otherRef = {};
  for (const { ref: r, det: d } of pairs) {
    const ri = CLASSES.indexOf(r.symbol);
    if (ri < 0) { otherRef[r.symbol] = (otherRef[r.symbol] ?? 0) + 1; continue; }
    const pi = CLASSES.indexOf(d.label);
    if (pi >= 0) confusion[ri][pi]++;
    compared++;
    if (ri === pi) agreeing++;
  }
  const tp = pairs.length;
  return {
    referenceBeats: ref.length,
    detectedBeats: det.length,
    truePositives: tp,
    falseNegatives: missed.length,
    falsePositives: extra.length,
    sensitivity: ref.length ? tp / ref.length : NaN,
    positivePredictivity: det.length ? tp / det.length : NaN,
    labelCompared: compared,
    labelAgreement: compared ? agreeing / compared : NaN,
    confusion,
    otherReference: otherRef,
    toleranceMs: Math.round(toleranceSec * 1000),
    matchOf: new Map(pairs.map((p) => [p.det.index, p.ref])),
    missed,
  };
}

// AAMI EC57 classes, mapped as av-eval does (src/core/annotation.cpp): reference N L R e j B → N, A a J S n → S
// (SVEB), V E r → V (VEB), F → F, / f Q → Q; the models' labels N L R → N, A → S, V → V (they never say F or Q).
export const AAMI_CLASSES = ['N', 'S', 'V', 'F', 'Q'];
const AAMI_OF_SYMBOL = {
  N: 'N', L: 'N', R: 'N', e: 'N', j: 'N', B: 'N', A: 'S', a: 'S', J: 'S', S: 'S', n: 'S', V: 'V', E: 'V', r: 'V',
  F: 'F', '/': 'Q', f: 'Q', Q: 'Q',
};
const AAMI_OF_LABEL = { N: 'N', L: 'N', R: 'N', A: 'S', V: 'V' };

/**
 * Se and PPV per AAMI class from an agreement() result, beat by beat as in EC57: a matched reference beat of
 * class r whose detection is labelled p adds confusion[r][p]; a missed reference beat counts against r's
 * sensitivity, a false detection against its label's PPV. F and Q reference beats are counted, not dropped: the
 * model cannot name them, so each one matched is an error of the class it was given. Reference symbols outside
 * the mapping (such as ?) are left out.
 */
export function aamiScores(beats, agreementResult) {
  const K = AAMI_CLASSES;
  const idx = (c) => K.indexOf(c);
  const confusion = K.map(() => K.map(() => 0));   // rows: reference, columns: predicted
  const missed = K.map(() => 0);
  const falseDetections = K.map(() => 0);
  for (const [index, ref] of agreementResult.matchOf) {
    const r = AAMI_OF_SYMBOL[ref.symbol];
    const p = AAMI_OF_LABEL[beats[index]?.label];
    if (r && p) confusion[idx(r)][idx(p)]++;
  }
  for (const ref of agreementResult.missed) if (AAMI_OF_SYMBOL[ref.symbol]) missed[idx(AAMI_OF_SYMBOL[ref.symbol])]++;
  beats.forEach((b, i) => {
    if (!agreementResult.matchOf.has(i) && AAMI_OF_LABEL[b.label]) falseDetections[idx(AAMI_OF_LABEL[b.label])]++;
  });
  const perClass = K.map((c, k) => {
    const reference = confusion[k].reduce((a, x) => a + x, 0) + missed[k];
    const predicted = confusion.reduce((a, row) => a + row[k], 0) + falseDetections[k];
    const tp = confusion[k][k];
    return { class: c, reference, predicted, tp, se: reference ? tp / reference : NaN, ppv: predicted ? tp / predicted : NaN };
  });
  return { classes: K, confusion, missed, falseDetections, perClass };
}

/**
 * The rhythm findings of the engine's summary as one list to show: V couplets and runs, bigeminy, trigeminy,
 * A runs, pauses, ventricular flutter and AF episodes. Each: {type, startSample, endSample, beats?, rateBpm?, flagged?}. The engine
 * computes them all (src/pipeline/summary.h); this only lays them out in time order.
 */
export function summaryEvents(result, sampleRate) {
  const s = result.summary ?? {};
  const out = [];
  const names = { couplets: 'V couplet', vRuns: 'V run', bigeminy: 'Bigeminy', trigeminy: 'Trigeminy', svRuns: 'A run' };
  for (const [key, type] of Object.entries(names)) {
    for (const e of s.events?.[key] ?? []) out.push({ type, startSample: e.start, endSample: e.end, beats: e.beats, rateBpm: e.rateBpm });
  }
  for (const p of s.pauses ?? []) {
    const start = Math.round(p.startSec * sampleRate);
    out.push({ type: 'Pause', startSample: start, endSample: start + Math.round(p.durationSec * sampleRate), flagged: !!p.flagged });
  }
  for (const f of s.ventricularFlutter ?? []) {
    out.push({ type: 'V flutter', startSample: Math.round(f.startSec * sampleRate), endSample: Math.round(f.endSec * sampleRate) });
  }
  for (const e of s.af?.episodes ?? []) {
    out.push({ type: 'AF', startSample: Math.round(e.startSec * sampleRate), endSample: Math.round(e.endSec * sampleRate),
      beats: e.beats, rateBpm: e.meanBpm });
  }
  return out.sort((a, b) => a.startSample - b.startSample);
}

/**
 * CSV of the beats: one row per beat with time, label, the five probabilities and noisy (1: inside unusable
 * signal, left out of the findings; 0 otherwise), then the matched reference symbol when there is an agreement.
 */
export function beatsCsv(result, agreementResult = null) {
  const header = ['index', 'sample', 'time_s', 'label', ...CLASSES.map((c) => `p_${c}`), 'noisy'];
  if (agreementResult) header.push('reference');
  const rows = [header.join(',')];
  result.beats.forEach((b, i) => {
    const row = [i, b.sample, Number(b.time ?? b.sample / result.sampleRate).toFixed(3), b.label,
      ...CLASSES.map((c) => Number(b.probabilities?.[c] ?? 0).toFixed(6)), b.noisy ? 1 : 0];
    if (agreementResult) row.push(agreementResult.matchOf.get(i)?.symbol ?? '');
    rows.push(row.join(','));
  });
  return rows.join('\n') + '\n';
}
