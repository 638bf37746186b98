// Derived statistics the summary panel shows: agreement with reference annotations, rhythm events, burden and
// RR-interval statistics. Pure functions over the analysis result, so they can be tested in Node.

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

/** Per-class percentages of all beats and per-hour rates of the ectopic classes. */
export function burden(beats, durationSec) {
  const n = beats.length;
  const count = (c) => beats.reduce((k, b) => k + (b.label === c), 0);
  const hours = durationSec / 3600;
  return {
    ventricularPercent: n ? (100 * count('V')) / n : 0,
    atrialPercent: n ? (100 * count('A')) / n : 0,
    ventricularPerHour: hours > 0 ? count('V') / hours : 0,
    atrialPerHour: hours > 0 ? count('A') / hours : 0,
  };
}

/** RR statistics in ms: all intervals, and SDNN / RMSSD over intervals between two N beats. */
export function rrStats(beats, sampleRate) {
  const rr = [];
  const nn = [];
  for (let k = 1; k < beats.length; k++) {
    const ms = ((beats[k].sample - beats[k - 1].sample) / sampleRate) * 1000;
    rr.push(ms);
    if (beats[k].label === 'N' && beats[k - 1].label === 'N') nn.push(ms);
  }
  const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
  const out = { meanRrMs: rr.length ? mean(rr) : NaN, sdnnMs: NaN, rmssdMs: NaN, nnCount: nn.length };
  if (nn.length > 2) {
    const m = mean(nn);
    out.sdnnMs = Math.sqrt(nn.reduce((s, x) => s + (x - m) ** 2, 0) / (nn.length - 1));
    let sq = 0;
    for (let k = 1; k < nn.length; k++) sq += (nn[k] - nn[k - 1]) ** 2;
    out.rmssdMs = Math.sqrt(sq / (nn.length - 1));
  }
  return out;
}

/**
 * Rhythm events found in the label sequence: ventricular couplets and runs (≥ 3), atrial runs (≥ 3), bigeminy and
 * trigeminy episodes (≥ 3 cycles) and pauses (RR > pauseSec). Each event: {type, start, end (beat indices),
 * beats, startSample, endSample}.
 */
export function rhythmEvents(beats, sampleRate, { pauseSec = 2.0 } = {}) {
  const events = [];
  const add = (type, start, end) => events.push({
    type, start, end, beats: end - start + 1, startSample: beats[start].sample, endSample: beats[end].sample,
  });
  // Runs of one label.
  for (let k = 0; k < beats.length;) {
    let e = k;
    while (e + 1 < beats.length && beats[e + 1].label === beats[k].label) e++;
    const len = e - k + 1;
    if (beats[k].label === 'V' && len === 2) add('V couplet', k, e);
    if (beats[k].label === 'V' && len >= 3) add('V run', k, e);
    if (beats[k].label === 'A' && len >= 3) add('A run', k, e);
    k = e + 1;
  }
  // Bigeminy (x V x V …) and trigeminy (x x V x x V …): repeated cycles ending in V, no V elsewhere.
  for (const [type, period] of [['Bigeminy', 2], ['Trigeminy', 3]]) {
    for (let k = 0; k + period <= beats.length;) {
      let cycles = 0;
      let p = k;
      while (p + period <= beats.length && isCycle(beats, p, period)) { cycles++; p += period; }
      if (cycles >= 3) { add(type, k, p - 1); k = p; } else k++;
    }
  }
  for (let k = 1; k < beats.length; k++) {
    if ((beats[k].sample - beats[k - 1].sample) / sampleRate > pauseSec) add('Pause', k - 1, k);
  }
  return events.sort((a, b) => a.startSample - b.startSample);
}

/**
 * The events to show: the engine's own (summary.events: couplets, V runs, bigeminy, trigeminy) when the result has
 * them, completed with what only the demo computes (A runs, pauses); otherwise all from rhythmEvents().
 * Each: {type, startSample, endSample, beats, rateBpm?}.
 */
export function resultEvents(result, sampleRate) {
  const own = rhythmEvents(result.beats, sampleRate);
  const api = result.summary?.events;
  if (!api) return own;
  const names = { couplets: 'V couplet', vRuns: 'V run', bigeminy: 'Bigeminy', trigeminy: 'Trigeminy' };
  const out = [];
  for (const [key, type] of Object.entries(names)) {
    for (const e of api[key] ?? []) {
      out.push({ type, startSample: e.start, endSample: e.end, beats: e.beats, rateBpm: e.rateBpm });
    }
  }
  out.push(...own.filter((e) => e.type === 'A run' || e.type === 'Pause'));
  return out.sort((a, b) => a.startSample - b.startSample);
}

function isCycle(beats, p, period) {
  for (let q = 0; q < period - 1; q++) if (beats[p + q].label === 'V') return false;
  return beats[p + period - 1].label === 'V';
}

/** CSV of the beats: one row per beat with time, label and the five probabilities. */
export function beatsCsv(result, agreementResult = null) {
  const header = ['index', 'sample', 'time_s', 'label', ...CLASSES.map((c) => `p_${c}`)];
  if (agreementResult) header.push('reference');
  const rows = [header.join(',')];
  result.beats.forEach((b, i) => {
    const row = [i, b.sample, Number(b.time ?? b.sample / result.sampleRate).toFixed(3), b.label,
      ...CLASSES.map((c) => Number(b.probabilities?.[c] ?? 0).toFixed(6))];
    if (agreementResult) row.push(agreementResult.matchOf.get(i)?.symbol ?? '');
    rows.push(row.join(','));
  });
  return rows.join('\n') + '\n';
}

/** "hh:mm:ss.mmm" (or "mm:ss.mmm" below an hour) for a time in seconds. */
export function formatTime(sec, withMs = true) {
  const neg = sec < 0;
  sec = Math.abs(sec);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const ss = withMs ? s.toFixed(3).padStart(6, '0') : String(Math.floor(s)).padStart(2, '0');
  const mm = String(m).padStart(2, '0');
  return (neg ? '−' : '') + (h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`);
}
