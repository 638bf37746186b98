// The CLI's --format text: a readable summary of an analyze() result (counts, heart rate, burden, events).

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
  lines.push(`beats: ${s.beatCount} (${r.beatSource === 'reference' ? 'reference annotations' : 'detected'})`);
  if (r.model) {
    const counts = Object.entries(s.counts).map(([c, n]) => `${c} ${n}`).join('   ');
    lines.push(`  ${counts}`);
  }
  const hr = s.heartRate;
  lines.push(`heart rate: mean ${fixed(hr.meanBpm)} bpm, min ${fixed(hr.minBpm)} bpm, max ${fixed(hr.maxBpm)} bpm (8-beat windows)`);
  if (r.model && s.burden) lines.push(`ectopic burden: V ${fixed(s.burden.V, 2)} %, A ${fixed(s.burden.A, 2)} %`);
  const ev = s.events;
  if (r.model && ev) {
    lines.push(`events: ${plural(ev.couplets.length, 'V couplet')}, ${plural(ev.vRuns.length, 'V run')}, ` +
      `${plural(ev.bigeminy.length, 'bigeminy episode')}, ${plural(ev.trigeminy.length, 'trigeminy episode')}`);
    const show = (list, describe) => {
      for (const e of list.slice(0, 10)) lines.push(`  ${clock(e.startTime)}-${clock(e.endTime)}  ${describe(e)}`);
      if (list.length > 10) lines.push(`  ... ${list.length - 10} more`);
    };
    show(ev.vRuns, (e) => `V run, ${e.beats} beats at ${fixed(e.rateBpm)} bpm`);
    show(ev.bigeminy, (e) => `bigeminy, ${e.cycles} cycles`);
    show(ev.trigeminy, (e) => `trigeminy, ${e.cycles} cycles`);
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
