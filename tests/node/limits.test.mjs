// Input limits (core/limits.h) through the JS API: the values, and the coded errors at their edges.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer } from '../../src/js/index.js';

const av = await createAnalyzer({ model: 'v1' });
test.after(() => av.dispose());

test('the limits are those of core/limits.h', () => {
  assert.deepEqual(av.limits, {
    maxInputBytes: 2 ** 30, maxSignals: 64, minReadSampleRate: 0.001, maxReadSampleRate: 1e6,
    minAnalysisSampleRate: 50, maxAnalysisSampleRate: 20000, maxRecordSamples: 2 ** 27,
  });
});

test('signals and sampling rates beyond the limits give coded errors', async () => {
  const header = (signals, fs) => `r ${signals} ${fs} 4\n` + 'r.dat 16\n'.repeat(signals);
  const dat = (signals) => new Uint8Array(2 * 4 * signals);
  assert.equal(av.readWfdb({ hea: header(64, 360), dat: dat(64) }).leads.length, 64);
  assert.throws(() => av.readWfdb({ hea: header(65, 360), dat: dat(65) }), (e) => e.code === 'wfdb_header_invalid');
  assert.throws(() => av.readWfdb({ hea: header(1, 2e6), dat: dat(1) }), (e) => e.code === 'wfdb_header_invalid');
  const slow = av.fromSamples(new Float32Array(400), { sampleRate: 40 });
  assert.throws(() => av.analyze(slow), (e) => e.code === 'sample_rate_out_of_range');
  await assert.rejects(av.analyzeStream(slow), (e) => e.code === 'sample_rate_out_of_range');
  const ok = av.fromSamples(new Float32Array(400), { sampleRate: 50 });
  assert.equal(av.analyze(ok).sampleRate, 50);
});
