// The demo's own statistics, checked against hand-computed values.
import test from 'node:test';
import assert from 'node:assert/strict';
import { agreement, aamiScores, rhythmEvents, rrStats, burden, beatsCsv } from '../../web/stats.js';

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

test('rhythm events: couplets, runs, bigeminy, trigeminy and pauses', () => {
  //            0123456789012345678901234567
  const b = beats('NVVNNVVVNNAAANVNVNVNNNVNNVNNVN');
  b.push({ sample: b[b.length - 1].sample + 3 * 360, label: 'N' });   // a 3 s pause at the end
  const ev = rhythmEvents(b, 360).map((e) => [e.type, e.start, e.end]);
  assert.deepEqual(ev, [
    ['V couplet', 1, 2],
    ['V run', 5, 7],
    ['A run', 10, 12],
    ['Bigeminy', 13, 18],
    ['Trigeminy', 20, 28],
    ['Pause', 29, 30],
  ]);
});

test('RR statistics and burden', () => {
  const fs = 360;
  const samples = [0, 360, 756, 1116, 1512];   // RR 1000, 1100, 1000, 1100 ms
  const b = samples.map((sample) => ({ sample, label: 'N' }));
  const rr = rrStats(b, fs);
  assert.ok(Math.abs(rr.meanRrMs - 1050) < 1e-9);
  assert.ok(Math.abs(rr.sdnnMs - Math.sqrt((4 * 50 ** 2) / 3)) < 1e-9);
  assert.ok(Math.abs(rr.rmssdMs - 100) < 1e-9);
  const bu = burden(beats('NNNVNNNANN'), 1800);
  assert.equal(bu.ventricularPercent, 10);
  assert.equal(bu.atrialPercent, 10);
  assert.equal(bu.ventricularPerHour, 2);
});

test('beats CSV has a header and one row per beat', () => {
  const csv = beatsCsv({ sampleRate: 360, beats: [{ sample: 370, time: 1.028, label: 'V', probabilities: { V: 0.9, N: 0.1 } }] });
  assert.equal(csv, 'index,sample,time_s,label,p_N,p_L,p_R,p_A,p_V\n0,370,1.028,V,0.100000,0.000000,0.000000,0.000000,0.900000\n');
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
