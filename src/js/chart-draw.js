// Drawing helpers of the strip chart (chart.js): the trace over a min/max pyramid, dense beat ticks, the reference
// annotation row, the 1 mV scale bar and the per-class marker shapes.
import { rangeMinMax } from './signal.js';

/**
 * Sizes a canvas's backing store to its CSS size at the device pixel ratio (only when it changed, which clears
 * it) and resets the transform: the context, the size in device pixels and the ratio.
 */
export function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const W = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const H = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return { ctx, W, H, dpr };
}

const GRID_MINOR = '#f6dede';
const GRID_MAJOR = '#ecb9b9';

/**
 * The chart's colours from CSS custom properties on its canvas, else the defaults: --av-paper (background),
 * --av-trace, --av-grid-minor and --av-grid-major (free zoom), --av-paper-minor and --av-paper-major (paper mode).
 */
export function chartTheme(canvas) {
  const style = getComputedStyle(canvas);
  const v = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    paper: v('--av-paper', '#fff'), trace: v('--av-trace', '#111827'),
    gridMinor: v('--av-grid-minor', GRID_MINOR), gridMajor: v('--av-grid-major', GRID_MAJOR),
    paperMinor: v('--av-paper-minor', '#f4d3d3'), paperMajor: v('--av-paper-major', '#e59a9a'),
  };
}

/** The free-zoom grid: 40 ms / 0.1 mV minor and 200 ms / 0.5 mV major squares when they are large enough to see. */
export function drawFreeGrid(ctx, { start, end, fs, x, y, y0, y1, top, bottom, W, dpr, pxPerSec, theme }) {
  const grid = (stepSec, stepMv, color) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let t = Math.ceil(start / fs / stepSec) * stepSec; t * fs <= end; t += stepSec) {
      const gx = Math.round(x(t * fs)) + 0.5;
      ctx.moveTo(gx, top);
      ctx.lineTo(gx, bottom);
    }
    for (let v = Math.ceil(y0 / stepMv) * stepMv; v <= y1; v += stepMv) {
      const gy = Math.round(y(v)) + 0.5;
      ctx.moveTo(0, gy);
      ctx.lineTo(W, gy);
    }
    ctx.stroke();
  };
  if (pxPerSec * 0.04 >= 4 * dpr) grid(0.04, 0.1, theme?.gridMinor ?? GRID_MINOR);
  if (pxPerSec * 0.2 >= 5 * dpr) grid(0.2, 0.5, theme?.gridMajor ?? GRID_MAJOR);
}

/** Indices of beats[i0, i1) that get a labelled pill: no two closer than `gap` device px, non-N beats chosen first. */
export function pillLayout(beats, i0, i1, x, gap) {
  const taken = [];
  const full = new Set();
  for (const wanted of [(b) => b.label !== 'N', (b) => b.label === 'N']) {
    for (let k = i0; k < i1; k++) {
      const px = x(beats[k].sample);
      if (wanted(beats[k]) && taken.every((t) => Math.abs(t - px) >= gap)) { full.add(k); taken.push(px); }
    }
  }
  return full;
}

/** One marker shape per class, so that the class reads without colour too. */
export const MARKER_SHAPES = { N: 'circle', L: 'square', R: 'diamond', A: 'triangle', V: 'hexagon' };

/** Adds the class's marker outline (radius r) at (x, y) to the current path. */
export function markerPath(ctx, label, x, y, r) {
  const shape = MARKER_SHAPES[label] ?? 'circle';
  const poly = (n, rot, rr = r) => {
    for (let k = 0; k < n; k++) {
      const a = rot + (2 * Math.PI * k) / n;
      if (k === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a)); else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    ctx.closePath();
  };
  if (shape === 'square') ctx.rect(x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
  else if (shape === 'diamond') poly(4, -Math.PI / 2, r * 1.2);
  else if (shape === 'triangle') poly(3, -Math.PI / 2, r * 1.35);
  else if (shape === 'hexagon') poly(6, 0, r * 1.1);
  else ctx.arc(x, y, r, 0, 2 * Math.PI);
}

/**
 * Draws samples[start, end) across `width` device pixels with the current stroke style: a polyline through the
 * samples when zoomed in, a min/max polyline at moderate zoom, and at large spans one filled min/max bar per
 * pixel column (stroking a long zig-zag path is far slower than filling bars).
 */
export function drawTrace(ctx, samples, levels, width, start, end, y) {
  const perPx = (end - start) / width;
  ctx.beginPath();
  if (perPx <= 1) {
    const i0 = Math.max(0, Math.floor(start));
    const i1 = Math.min(samples.length - 1, Math.ceil(end));
    for (let i = i0; i <= i1; i++) {
      const x = ((i - start) / (end - start)) * width;
      if (i === i0) ctx.moveTo(x, y(samples[i])); else ctx.lineTo(x, y(samples[i]));
    }
    ctx.stroke();
    return;
  }
  if (perPx <= 16) {
    let first = true;
    for (let px = 0; px < width; px++) {
      const [lo, hi] = rangeMinMax(samples, levels, start + px * perPx, start + (px + 1) * perPx + 1);
      if (Number.isNaN(lo)) continue;
      if (first) { ctx.moveTo(px + 0.5, y(hi)); first = false; } else ctx.lineTo(px + 0.5, y(hi));
      ctx.lineTo(px + 0.5, y(lo));
    }
    ctx.stroke();
    return;
  }
  // Each bar also reaches the previous column's range, so that steep edges stay connected.
  const barWidth = Math.max(1, Math.round(ctx.lineWidth));
  let prevLo = NaN;
  let prevHi = NaN;
  for (let px = 0; px < width; px++) {
    const [lo, hi] = rangeMinMax(samples, levels, start + px * perPx, start + (px + 1) * perPx + 1);
    if (Number.isNaN(lo)) continue;
    const top = y(Number.isNaN(prevLo) ? hi : Math.max(hi, prevLo));
    const bottom = y(Number.isNaN(prevHi) ? lo : Math.min(lo, prevHi));
    ctx.rect(px, Math.min(top, bottom), barWidth, Math.max(1, Math.abs(bottom - top)));
    prevLo = lo;
    prevHi = hi;
  }
  const fill = ctx.fillStyle;
  ctx.fillStyle = ctx.strokeStyle;
  ctx.fill();
  ctx.fillStyle = fill;
}

/** Many beats per pixel: one tick per column, coloured by its most notable class (V > A > R > L > N). */
export function denseTicks(ctx, beats, i0, i1, x, W, dpr, colors) {
  const rank = { N: 1, L: 2, R: 3, A: 4, V: 5 };
  const classes = ['', 'N', 'L', 'R', 'A', 'V'];
  const column = new Uint8Array(W + 1);
  for (let k = i0; k < i1; k++) {
    const b = beats[k];
    const c = Math.floor(x(b.sample));
    const r = rank[b.label] ?? 1;
    if (c >= 0 && c <= W && r > column[c]) column[c] = r;
  }
  for (let r = 1; r < classes.length; r++) {
    ctx.beginPath();
    const h = (r === 1 ? 6 : 14) * dpr;
    for (let c = 0; c <= W; c++) if (column[c] === r) ctx.rect(c, 4 * dpr, Math.max(1, dpr), h);
    ctx.fillStyle = colors[classes[r]];
    ctx.fill();
  }
}

/** Reference annotations in a row at ry: symbol under the trace; red when the classes disagree, ringed when missed. */
export function drawReference(ctx, chart, { i0, i1, start, end, x, W, ry, dpr, showText }) {
  const ref = chart.reference;
  let lo = 0;
  let hi = ref.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (ref[m].sample < start) lo = m + 1; else hi = m; }
  const disagree = new Set();
  for (let k = i0; k < i1; k++) {
    const r = chart.matchOf.get(k);
    if (r && ['N', 'L', 'R', 'A', 'V'].includes(r.symbol) && r.symbol !== chart.beats[k].label) disagree.add(r.sample);
  }
  ctx.font = `${10.5 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let k = lo; k < ref.length && ref[k].sample <= end; k++) {
    const a = ref[k];
    const ax = x(a.sample);
    const bad = disagree.has(a.sample);
    const miss = chart.missed.has(a.sample);
    ctx.fillStyle = bad ? '#dc2626' : miss ? '#b45309' : '#6b7280';
    if (showText) {
      if (miss) {
        ctx.strokeStyle = '#b45309';
        ctx.lineWidth = dpr;
        ctx.strokeRect(ax - 6 * dpr, ry - 7 * dpr, 12 * dpr, 14 * dpr);
      }
      ctx.fillText(a.symbol, ax, ry);
    } else if (bad || miss) {
      ctx.fillRect(Math.round(ax), ry - 4 * dpr, Math.max(1, dpr), 8 * dpr);
    }
  }
  ctx.textAlign = 'right';
  const w = ctx.measureText('reference').width + 6 * dpr;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.fillRect(W - w - 2 * dpr, ry - 7 * dpr, w + 2 * dpr, 14 * dpr);
  ctx.fillStyle = '#9ca3af';
  ctx.fillText('reference', W - 4 * dpr, ry);
}

/** The 1 mV scale bar `bar` device pixels tall (negative: upwards) at the top left, labelled without a box that would hide the trace. */
export function drawScaleBar(ctx, top, bar, dpr) {
  const bx = 6 * dpr;
  const by = top + 4 * dpr - bar;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.7)';
  ctx.fillRect(2 * dpr, top + 2 * dpr, 8 * dpr, -bar + 4 * dpr);
  ctx.strokeStyle = '#374151';
  ctx.lineWidth = 2 * dpr;
  ctx.beginPath();
  ctx.moveTo(bx, by);
  ctx.lineTo(bx, by + bar);
  ctx.stroke();
  ctx.fillStyle = '#374151';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillText('1 mV', bx + 4 * dpr, by + bar / 2);
}
