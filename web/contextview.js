// The context players of a beat's SHAP explanation (context models): one diverging bar per player on the scale of
// the segment bars, with the beat's feature values in readable units and the baseline's beside them.

const POS = '#dc2626';   // as the segment bars: raises the explained class's probability
const NEG = '#2563eb';
const ms = (sec) => `${Math.round(sec * 1000)} ms`;
const times = (v) => `×${Math.exp(v).toFixed(2)}`;
// A log ratio ln(a / b) as "n % more|less" of a over b.
const relative = (v, more, less) => {
  const p = Math.round((Math.exp(v) - 1) * 100);
  return `${Math.abs(p)} % ${p >= 0 ? more : less}`;
};

// Feature names of src/dsp/beat_context.h → text of one value.
const FEATURES = {
  logPreLocal: (v) => (Math.round((Math.exp(v) - 1) * 100) === 0 ? 'came on time' : `came ${relative(v, 'late', 'early')}`),
  preRrSec: (v) => `RR ${ms(v)}`,
  logPostPre: (v) => `next RR / RR ${times(v)}`,
  postRrSec: (v) => `next RR ${ms(v)}`,
  logPostLocal: (v) => `next RR ${relative(v, 'longer', 'shorter')} than the local mean`,
  localRrSec: (v) => `local mean RR ${ms(v)}`,
  logPreLong: (v) => `RR ${relative(v, 'longer', 'shorter')} than the 5-min mean`,
  logLocalLong: (v) => `local RR ${relative(v, 'longer', 'shorter')} than the 5-min mean`,
  templateCorrQrs: (v) => `QRS correlation with the template ${v.toFixed(2)}`,
  templateDiffQrs: (v) => `QRS differs from the template by ${v.toFixed(2)} × its RMS`,
  templateCorrWindow: (v) => `window correlation with the template ${v.toFixed(2)}`,
  qrsWidthSec: (v) => `QRS ${ms(v)} wide`,
  logWidthRatio: (v) => `width ${times(v)} the template's`,
  logAmplitudeRatio: (v) => `amplitude ${times(v)} that of recent beats`,
};
const ORDER = Object.keys(FEATURES);   // the most telling first

export const describeFeature = (name, v) => (FEATURES[name] ? FEATURES[name](v) : `${name} ${Number(v).toPrecision(3)}`);

/** The `count` most telling of a player's features, for the beat (values) or the baseline. */
export function describePlayer(player, values, count = 2) {
  const rank = (name) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return player.features.map((name, k) => ({ name, v: values[k] }))
    .sort((a, b) => rank(a.name) - rank(b.name)).slice(0, count)
    .map(({ name, v }) => describeFeature(name, v)).join(' · ');
}

function span(className, text) {
  const e = document.createElement('span');
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Fills `box` with one row per player (none: hidden). scale: the |SHAP| the full half-bar stands for. */
export function renderContextPlayers(box, players, scale) {
  box.replaceChildren();
  box.hidden = !players?.length;
  if (box.hidden) return;
  const head = document.createElement('div');
  head.className = 'ctx-head muted';
  head.textContent = 'SHAP of the context features (same scale as the segment bars), beat vs baseline:';
  box.append(head);
  for (const p of players) {
    const row = document.createElement('div');
    row.className = 'ctx-player';
    row.dataset.player = p.name;
    row.title = p.features.map((f, k) => `${f}: ${Number(p.beatValues[k]).toPrecision(4)} (baseline ${Number(p.baselineValues[k]).toPrecision(4)})`).join('\n');
    const bar = span('ctx-bar');
    bar.setAttribute('role', 'img');
    bar.setAttribute('aria-label', `SHAP ${p.value.toPrecision(3)}`);
    const fill = span('ctx-fill');
    const half = Math.min(50, (50 * Math.abs(p.value)) / Math.max(scale, 1e-12));
    fill.style.width = `${half.toFixed(2)}%`;
    fill.style.left = `${(p.value >= 0 ? 50 : 50 - half).toFixed(2)}%`;
    fill.style.background = p.value >= 0 ? POS : NEG;
    bar.append(fill);
    const desc = span('ctx-desc', describePlayer(p, p.beatValues));
    desc.append(span('muted', ` (baseline: ${describePlayer(p, p.baselineValues, 1)})`));
    row.append(span('ctx-name', p.name), bar, span('ctx-value', `${p.value >= 0 ? '+' : '−'}${Math.abs(p.value).toPrecision(2)}`), desc);
    box.append(row);
  }
}
