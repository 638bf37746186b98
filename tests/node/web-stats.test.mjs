// What the demo derives from a result (agreement, AAMI scores, the event list, the CSV), checked against
// hand-computed values.
import test from 'node:test';
import assert from 'node:assert/strict';
import { agreement, aamiScores, summaryEvents, beatsCsv } from '../../web/stats.js';

const beats = (spec, fs = 360, rr = 1) =>
  [...spec].map((label, i) => ({ sample: Math.round(i * rr * fs), label, probabilities: { [label]: 1 } }));

test('agreement matches within 150 ms and counts misses, false beats and label agreement', () => {
  const ref = [
    { sample: 100, symbol: 'N' }, { sample: 300, symbol: '+' }, { sample: 500, symbol: 'V' },
    { sample: 900, symbol: 'A' }, { sample: 1300, symbol: 'N' }, { sample: 1700, symbol: 'F' },
  ];
  const det = [
    { sample: 110, label: 'N' },   // 10 samples off: match
    { sample: 555, label: 'V' },   // 55 samples = 152.8 ms at 360 Hz: too far
    { sample: 954, label: 'N' },   // 54 samples = 150 ms: match, label differs from A
    { sample: 1690, label: 'V' },  // matches F, which is not one of the five classes
    { sample: 2000, label: 'N' },
  ];
  const a = agreement(det, ref, 360);
  assert.equal(a.referenceBeats, 5);   // '+' is a rhythm annotation, not a beat
  assert.equal(a.truePositives, 3);
  assert.equal(a.falseNegatives, 2);   // 500 (V) and 1300 (N)
  assert.equal(a.falsePositives, 2);   // 555 and 2000
  assert.equal(a.sensitivity, 3 / 5);
  assert.equal(a.positivePredictivity, 3 / 5);
  assert.equal(a.labelCompared, 2);
  assert.equal(a.labelAgreement, 0.5);
  assert.equal(a.confusion[0][0], 1);  // N → N
  assert.equal(a.confusion[3][0], 1);  // A → N
  assert.deepEqual(a.otherReference, { F: 1 });
  assert.deepEqual([...a.matchOf.keys()].sort(), [0, 2, 3]);
  assert.deepEqual(a.missed.map((m) => m.sample), [500, 1300]);
});

test('agreement gives a reference beat to the closer of two detections', () => {
  const a = agreement([{ sample: 1000, label: 'N' }, { sample: 1030, label: 'N' }], [{ sample: 1032, symbol: 'N' }], 360);
  assert.equal(a.truePositives, 1);
  assert.deepEqual([...a.matchOf.keys()], [1]);
  assert.equal(a.falsePositives, 1);
});

test('the event list lays out the engine\'s findings in time order, with pauses and AF at the record\'s rate', () => {
  const summary = {
    events: {
      couplets: [{ start: 3600, end: 3800, beats: 2 }],
      vRuns: [{ start: 720, end: 1080, beats: 3, rateBpm: 120 }],
      bigeminy: [], trigeminy: [],
      svRuns: [{ start: 9000, end: 9400, beats: 4, rateBpm: 150 }],
    },
    pauses: [{ startSec: 5, durationSec: 3.5, flagged: true }, { startSec: 30, durationSec: 2.2 }],
    af: { burdenPercent: 10, episodes: [{ startSec: 40, endSec: 100, meanBpm: 110, beats: 110 }] },
    ventricularFlutter: [{ startSec: 200, endSec: 212 }],
  };
  const ev = summaryEvents({ summary }, 360).map((e) => [e.type, e.startSample, e.endSample, e.flagged ?? null]);
  assert.deepEqual(ev, [
    ['V run', 720, 1080, null],
    ['Pause', 1800, 1800 + 1260, true],
    ['V couplet', 3600, 3800, null],
    ['A run', 9000, 9400, null],
    ['Pause', 10800, 10800 + 792, false],
    ['AF', 14400, 36000, null],
    ['V flutter', 72000, 76320, null],
  ]);
  assert.deepEqual(summaryEvents({ summary: {} }, 360), []);
});

test('beats CSV has a header and one row per beat', () => {
  const csv = beatsCsv({ sampleRate: 360, beats: [{ sample: 370, time: 1.028, label: 'V', probabilities: { V: 0.9, N: 0.1 } },
    { sample: 700, time: 1.944, label: 'N', probabilities: { N: 1 }, noisy: true }] });
  assert.equal(csv, 'index,sample,time_s,label,p_N,p_L,p_R,p_A,p_V,noisy\n0,370,1.028,V,0.100000,0.000000,0.000000,0.000000,0.900000,0\n' +
    '1,700,1.944,N,1.000000,0.000000,0.000000,0.000000,0.000000,1\n');
  // With an agreement, the reference symbol comes last.
  const withRef = beatsCsv({ sampleRate: 360, beats: [{ sample: 370, label: 'V', noisy: true }] }, { matchOf: new Map([[0, { symbol: 'V' }]]) });
  assert.equal(withRef.split('\n')[0], 'index,sample,time_s,label,p_N,p_L,p_R,p_A,p_V,noisy,reference');
  assert.equal(withRef.split('\n')[1], '0,370,1.028,V,0.000000,0.000000,0.000000,0.000000,0.000000,1,V');
});

test('AAMI scores: reference codes and labels mapped to N S V F Q, F and Q counted, misses and false beats included', () => {
  const ref = [
    { sample: 100, symbol: 'L' }, { sample: 500, symbol: 'a' }, { sample: 900, symbol: 'E' },
    { sample: 1300, symbol: 'F' }, { sample: 1700, symbol: '/' }, { sample: 2100, symbol: 'j' }, { sample: 2500, symbol: 'A' },
  ];
  const det = [
    { sample: 100, label: 'R' },   // L → N, predicted N: TP of N
    { sample: 500, label: 'A' },   // a → S, predicted S: TP of S
    { sample: 900, label: 'V' },   // E → V: TP of V
    { sample: 1300, label: 'V' },  // F predicted V: a V false positive, an F miss
    { sample: 1700, label: 'N' },  // paced (Q) predicted N: against N's PPV
    { sample: 2100, label: 'A' },  // j → N predicted S
    { sample: 3000, label: 'N' },  // no reference beat: a false N detection
  ];                               // 2500 (A) is missed
  const a = agreement(det, ref, 360);
  const s = aamiScores(det, a);
  const by = Object.fromEntries(s.perClass.map((c) => [c.class, c]));
  assert.deepEqual(s.classes, ['N', 'S', 'V', 'F', 'Q']);
  assert.deepEqual([by.N.reference, by.N.predicted, by.N.tp], [2, 3, 1]);   // L, j | R, /, false beat
  assert.deepEqual([by.S.reference, by.S.predicted, by.S.tp], [2, 2, 1]);   // a, missed A | a, j
  assert.deepEqual([by.V.reference, by.V.predicted, by.V.tp], [1, 2, 1]);
  assert.deepEqual([by.F.reference, by.F.predicted, by.F.tp], [1, 0, 0]);
  assert.deepEqual([by.Q.reference, by.Q.predicted, by.Q.tp], [1, 0, 0]);
  assert.equal(by.N.se, 0.5);
  assert.equal(by.N.ppv, 1 / 3);
  assert.equal(by.F.se, 0);
  assert.ok(Number.isNaN(by.F.ppv));
  assert.equal(s.confusion[3][2], 1);  // F → V
  assert.equal(s.confusion[4][0], 1);  // Q → N
  assert.deepEqual(s.missed, [0, 1, 0, 0, 0]);
  assert.deepEqual(s.falseDetections, [1, 0, 0, 0, 0]);
});
