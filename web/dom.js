// Small DOM helpers of the demo page, and the probability meters of the beat panel.
import { CLASS_COLORS } from '../src/js/chart.js';
import { CLASSES } from './stats.js';

export const CLASS_NAMES = {
  N: 'Normal', L: 'Left bundle branch block', R: 'Right bundle branch block', A: 'Atrial premature', V: 'Premature ventricular',
};

export const $ = (id) => document.getElementById(id);
export const num = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
export function formatSpan(sec) {
  if (sec < 60) return `${sec.toFixed(sec < 10 ? 1 : 0)} s`;
  if (sec < 3600) return `${(sec / 60).toFixed(1)} min`;
  return `${(sec / 3600).toFixed(1)} h`;
}
/** "360 Hz", "512 Hz", "128.5 Hz": a rate as people write it, not 360.0000026669136. */
export function formatRate(fs) {
  return `${Math.abs(fs - Math.round(fs)) < 0.005 ? Math.round(fs) : Number(fs.toFixed(2))} Hz`;
}
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
// Colours go through the CSSOM: the page's CSP allows no inline style attributes.
export function chip(c) {
  const e = el('span', 'chip', c);
  e.style.setProperty('--c', CLASS_COLORS[c] ?? '#6b7280');
  return e;
}

/** Fills a <dl> with [term, value, title?] rows. */
export function dl(list, rows) {
  list.replaceChildren(...rows.flatMap(([k, v, title]) => {
    const dt = el('dt', '', k);
    if (title) dt.title = title;
    return [dt, el('dd', '', v)];
  }));
}

/** The beat's class probabilities as labelled meters. */
export function renderProbabilities(box, beat) {
  box.replaceChildren();
  for (const c of CLASSES) {
    const p = Number(beat.probabilities?.[c] ?? 0);
    const row = el('div', 'prob' + (c === beat.label ? ' top' : ''));
    const bar = el('span', 'bar');
    bar.setAttribute('role', 'meter');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '1');
    bar.setAttribute('aria-valuenow', p.toFixed(4));
    bar.setAttribute('aria-label', `P(${c})`);
    const fill = el('span');
    fill.style.width = `${(100 * p).toFixed(2)}%`;
    fill.style.background = CLASS_COLORS[c];
    bar.append(fill);
    row.append(chip(c), bar, el('span', 'pval', p.toFixed(4)));
    box.append(row);
  }
}
