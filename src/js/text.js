// The CLI's --format text: a readable summary of an analyze() result (counts, heart rate, HRV, burden, AF,
// pauses, events).

const clock = (seconds) => {
  const tenths = Math.round(Math.max(0, seconds) * 10);  // round once, so 59.96 s reads 00:01:00.0
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`;
};
const fixed = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatText(r) {
  const s = r.summary;
  const lines = [];
  const model = r.model ? `${r.model.name} (${r.model.parameters.toLocaleString('en-US')} parameters)` : 'none (beats are not classified)';
  lines.push(`record ${r.record}: lead ${r.lead}, ${r.sampleRate} Hz, ${clock(r.durationSec)} (${fixed(r.durationSec, 2)} s)`);
  lines.push(`model: ${model}`);
  if (r.model?.inTrainingData)
    lines.push(`note: record ${r.record} was in this model's training data, so agreement with its annotations is not validation`);
  for (const w of r.warnings ?? []) lines.push(`warning: ${w.code}: ${w.message}`);
  lines.push(`beats: ${s.beatCount} (${r.beatSource === 'reference' ? 'reference annotations' : 'detected'})`);
  if (r.model) {
    const counts = Object.entries(s.counts).map(([c, n]) => `${c} ${n}`).join('   ');
    lines.push(`  ${counts}`);
  }
  const q = s.signalQuality;
  if (q) {
    const left = (r.durationSec * (100 - q.usablePercent)) / 100;
    lines.push(`signal quality: ${fixed(q.usablePercent)} % usable` + (q.unusable.length
      ? `; ${plural(q.unusable.length, 'unusable stretch', 'unusable stretches')} (${fixed(left)} s, ${plural(q.noisyBeats, 'beat')}) left out of the findings`
      : ''));
    for (const u of q.unusable.slice(0, 10)) lines.push(`  ${clock(u.startSec)}-${clock(u.endSec)}  ${u.reason}`);
    if (q.unusable.length > 10) lines.push(`  ... ${q.unusable.length - 10} more`);
  }
  const hr = s.heartRate;
  const at = (t) => (typeof t === 'number' ? ` at ${clock(t)}` : '');
  lines.push(`heart rate: mean ${fixed(hr.meanBpm)} bpm, min ${fixed(hr.minBpm)} bpm${at(hr.minTimeSec)}, ` +
    `max ${fixed(hr.maxBpm)} bpm${at(hr.maxTimeSec)} (8-beat windows)`);
  const hrv = s.hrv;
  if (hrv) {
    lines.push(hrv.sdnnMs == null ? `HRV: n/a (${hrv.nnCount} NN intervals; needs at least 2)`
      : `HRV: SDNN ${fixed(hrv.sdnnMs)} ms, SDANN ${fixed(hrv.sdannMs)} ms, SDNN index ${fixed(hrv.sdnnIndexMs)} ms, ` +
        `RMSSD ${fixed(hrv.rmssdMs)} ms, pNN50 ${fixed(hrv.pnn50Percent)} % (${hrv.nnCount} NN intervals)`);
  }
  const iv = s.intervals;
  if (iv) lines.push(`median beat (${iv.beats} N beats): RR ${fixed(iv.rrMs, 0)} ms, QRS ${fixed(iv.qrsMs, 0)} ms, ` +
    `QT ${fixed(iv.qtMs, 0)} ms, QTc ${fixed(iv.qtcBazettMs, 0)} ms (Bazett), ${fixed(iv.qtcFridericiaMs, 0)} ms (Fridericia)`);
  if (r.model && s.burden) lines.push(`ectopic burden: V ${fixed(s.burden.V, 2)} %, A ${fixed(s.burden.A, 2)} %`);
  if (s.af) {
    lines.push(`AF: ${fixed(s.af.burdenPercent)} % of the time, ${plural(s.af.episodes.length, 'episode')}` +
      (s.af.relabelledA ? ` (${plural(s.af.relabelledA, 'beat')} the model called A counted as N)` : ''));
    for (const e of s.af.episodes.slice(0, 10)) lines.push(`  ${clock(e.startSec)}-${clock(e.endSec)}  AF, ${e.beats} beats at ${fixed(e.meanBpm)} bpm`);
    if (s.af.episodes.length > 10) lines.push(`  ... ${s.af.episodes.length - 10} more`);
  }
  if (s.ventricularFlutter?.length) {
    const sec = s.ventricularFlutter.reduce((t, f) => t + f.endSec - f.startSec, 0);
    lines.push(`ventricular flutter/fibrillation: ${plural(s.ventricularFlutter.length, 'episode')}, ${fixed(sec)} s`);
    for (const f of s.ventricularFlutter.slice(0, 10)) lines.push(`  ${clock(f.startSec)}-${clock(f.endSec)}  flutter`);
  }
  if (s.pauses) {
    const flagged = s.pauses.filter((p) => p.flagged).length;
    const longest = s.pauses.reduce((m, p) => (p.durationSec > (m?.durationSec ?? 0) ? p : m), null);
    lines.push(`pauses: ${s.pauses.length} (${flagged} of at least 3 s)` +
      (longest ? `, longest ${fixed(longest.durationSec, 2)} s at ${clock(longest.startSec)}` : ''));
  }
  const ev = s.events;
  if (r.model && ev) {
    lines.push(`events: ${plural(ev.couplets.length, 'V couplet')}, ${plural(ev.vRuns.length, 'V run')}, ` +
      `${plural(ev.bigeminy.length, 'bigeminy episode')}, ${plural(ev.trigeminy.length, 'trigeminy episode')}` +
      (ev.svRuns ? `, ${plural(ev.svRuns.length, 'A run')}` : ''));
    const show = (list, describe) => {
      for (const e of list.slice(0, 10)) lines.push(`  ${clock(e.startTime)}-${clock(e.endTime)}  ${describe(e)}`);
      if (list.length > 10) lines.push(`  ... ${list.length - 10} more`);
    };
    show(ev.vRuns, (e) => `V run, ${e.beats} beats at ${fixed(e.rateBpm)} bpm`);
    show(ev.bigeminy, (e) => `bigeminy, ${e.cycles} cycles`);
    show(ev.trigeminy, (e) => `trigeminy, ${e.cycles} cycles`);
    show(ev.svRuns ?? [], (e) => `A run, ${e.beats} beats at ${fixed(e.rateBpm)} bpm`);
  }
  const x = r.explanation;
  if (x && x.method === 'gradcam') {
    const peak = x.values.indexOf(Math.max(...x.values));
    lines.push(`explanation: Grad-CAM of beat ${x.beat} (${x.label}) at ${clock(x.sample / r.sampleRate)}: ` +
      `strongest at window sample ${peak} (R peak at ${x.rPeak})`);
  } else if (x && x.method === 'shap') {
    const top = [...x.segments].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, 3)
      .map((s) => `[${s.start}, ${s.end}) ${s.value >= 0 ? '+' : ''}${s.value.toFixed(4)}`).join(', ');
    lines.push(`explanation: SHAP of beat ${x.beat} (${x.label}), p = ${x.outputValue.toFixed(4)} vs baseline ${x.baseValue.toFixed(4)} ` +
      `(${x.baseline}); largest segments ${top}`);
  } else if (x && x.classes) {
    lines.push(`explanation: per-class panels for ${x.classes.map((c) => `${c.label} (${c.beats} beats)`).join(', ')}`);
  }
  const t = r.timing;
  lines.push(`timing: read ${fixed(t.readMs)} ms, detect ${fixed(t.detectMs)} ms, classify ${fixed(t.classifyMs)} ms, total ${fixed(t.totalMs)} ms`);
  return `${lines.join('\n')}\n`;
}
