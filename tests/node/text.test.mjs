// The CLI's text summary from a hand-made result.
import test from 'node:test';
import assert from 'node:assert/strict';
import { formatText } from '../../src/js/text.js';

test('formatText shows counts, rate, burden, events with clock times, and timing', () => {
  const text = formatText({
    record: 'x', sampleRate: 250, lead: 'II', durationSec: 3725.5, beatSource: 'detect',
    model: { name: 'arrhythminet-v1', parameters: 77725 },
    summary: {
      beatCount: 10, counts: { N: 6, L: 0, R: 0, A: 1, V: 3 },
      heartRate: { meanBpm: 71.26, minBpm: 60, maxBpm: null },
      burden: { V: 30, A: 10 },
      events: { couplets: [], vRuns: [{ startTime: 59.96, endTime: 61.04, beats: 3, rateBpm: 150.04 }], bigeminy: [], trigeminy: [] },
    },
    timing: { readMs: 1, detectMs: 2, classifyMs: 3, totalMs: 6 },
  });
  assert.match(text, /^record x: lead II, 250 Hz, 01:02:05\.5 \(3725\.50 s\)$/m);
  assert.match(text, /^model: arrhythminet-v1 \(77,725 parameters\)$/m);
  assert.match(text, /^ {2}N 6 {3}L 0 {3}R 0 {3}A 1 {3}V 3$/m);
  assert.match(text, /^heart rate: mean 71\.3 bpm, min 60\.0 bpm, max n\/a bpm/m);
  assert.match(text, /^ectopic burden: V 30\.00 %, A 10\.00 %$/m);
  assert.match(text, /^events: 0 V couplets, 1 V run, 0 bigeminy episodes, 0 trigeminy episodes$/m);
  assert.match(text, /^ {2}00:01:00\.0-00:01:01\.0 {2}V run, 3 beats at 150\.0 bpm$/m);
  assert.match(text, /^timing: read 1\.0 ms, detect 2\.0 ms, classify 3\.0 ms, total 6\.0 ms$/m);
});
