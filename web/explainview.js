// Drawing of explanations: a beat window with its Grad-CAM heat and SHAP segment bars, and the per-class panels
// (mean Grad-CAM and mean |SHAP| over the class's average beat).

import { fitCanvas } from '../src/js/chart-draw.js';

const POS = '#dc2626';   // SHAP: pushes towards the explained class
const NEG = '#2563eb';   // SHAP: pushes away from it

function setup(canvas) {
  const fitted = fitCanvas(canvas);
  fitted.ctx.fillStyle = '#fff';
  fitted.ctx.fillRect(0, 0, fitted.W, fitted.H);
  return fitted;
}

/** Heat colour for a value in [0, 1]: transparent → amber → red. */
function heat(v) {
  v = Math.max(0, Math.min(1, v));
  const r = 255;
  const g = Math.round(210 - 170 * v);
  const b = Math.round(60 - 40 * v);
  return `rgba(${r}, ${g}, ${b}, ${(0.08 + 0.62 * v).toFixed(3)})`;
}

function drawLine(ctx, values, x, y, color, width) {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  values.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
  ctx.stroke();
}

function extent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.1;
  return [lo - pad, hi + pad];
}

/** Time axis in ms relative to the R peak (rIndex) at sampleRate, along the bottom edge. */
function timeAxis(ctx, { W, H, dpr }, n, rIndex, sampleRate, x) {
  ctx.fillStyle = '#6b7280';
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  const stepMs = 100;
  const first = Math.ceil((-rIndex / sampleRate) * 1000 / stepMs) * stepMs;
  for (let ms = first; ms <= ((n - 1 - rIndex) / sampleRate) * 1000; ms += stepMs) {
    const i = rIndex + (ms / 1000) * sampleRate;
    ctx.fillText(ms === 0 ? 'R' : `${ms}`, x(i), H - 1);
  }
  ctx.textAlign = 'right';
  ctx.fillText('ms', W - 2 * dpr, H - 12 * dpr);
}

/**
 * Beat window (z-scored samples), Grad-CAM values in [0, 1] as a heat band behind it (its curve dashed), the R peak
 * as a dashed vertical line, and SHAP segments as bars underneath. Any of gradcam / shap may be missing.
 * barScale: the |SHAP| a full bar stands for (default: the largest segment's), so that other bars can share it.
 */
export function drawBeatExplanation(canvas, { window, gradcam, shap, barScale, rIndex, sampleRate = 360, color = '#111827' }) {
  const g = setup(canvas);
  const { ctx, W, H, dpr } = g;
  const n = window.length;
  const axisH = 14 * dpr;
  const shapH = shap ? Math.round((H - axisH) * 0.34) : 0;
  const sigBottom = H - axisH - shapH - (shap ? 6 * dpr : 0);
  const x = (i) => (i / (n - 1)) * W;
  const [lo, hi] = extent(window);
  const y = (v) => sigBottom - ((v - lo) / (hi - lo)) * (sigBottom - 4 * dpr);

  if (gradcam) {
    // One gradient stop per sample gives a smooth heat band without column seams.
    const grad = ctx.createLinearGradient(0, 0, W, 0);
    for (let i = 0; i < n; i++) grad.addColorStop(i / (n - 1), heat(gradcam[i]));
    ctx.fillStyle = grad;
    ctx.fillRect(0, 0, W, sigBottom);
    // The Grad-CAM curve itself, dashed and thin, on the same band.
    ctx.setLineDash([5 * dpr, 4 * dpr]);
    drawLine(ctx, Array.from(gradcam), x, (v) => sigBottom - v * (sigBottom - 6 * dpr), 'rgba(154, 52, 18, 0.55)', 1.2 * dpr);
    ctx.setLineDash([]);
    ctx.fillStyle = 'rgba(154, 52, 18, 0.8)';
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText('Grad-CAM', W - 4 * dpr, 3 * dpr);
    // Legend: the dashed curve is the Grad-CAM map itself.
    const lx = W - 8 * dpr - ctx.measureText('Grad-CAM').width;
    ctx.setLineDash([5 * dpr, 4 * dpr]);
    drawLine(ctx, [0, 0], (i) => lx - 20 * dpr + i * 16 * dpr, () => 9 * dpr, 'rgba(154, 52, 18, 0.8)', 1.2 * dpr);
    ctx.setLineDash([]);
  }
  if (rIndex !== undefined) {
    ctx.strokeStyle = '#9ca3af';
    ctx.setLineDash([4 * dpr, 4 * dpr]);
    ctx.beginPath();
    ctx.moveTo(x(rIndex), 0);
    ctx.lineTo(x(rIndex), H - axisH);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#6b7280';
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('R peak', x(rIndex) + 3 * dpr, 3 * dpr);
  }
  drawLine(ctx, Array.from(window), x, y, color, 2 * dpr);

  if (shap) {
    const top = sigBottom + 6 * dpr;
    const mid = top + shapH / 2;
    const maxAbs = barScale ?? Math.max(1e-9, ...shap.map((s) => Math.abs(s.value)));
    ctx.strokeStyle = '#d1d5db';
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(0, mid);
    ctx.lineTo(W, mid);
    ctx.stroke();
    ctx.font = `${9.5 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    for (const s of shap) {
      const x0 = x(s.start) + dpr;
      const x1 = x(Math.min(n - 1, s.end)) - dpr;
      const h = (s.value / maxAbs) * (shapH / 2 - 2 * dpr);
      ctx.fillStyle = s.value >= 0 ? POS : NEG;
      ctx.globalAlpha = 0.85;
      ctx.fillRect(x0, h >= 0 ? mid - h : mid, x1 - x0, Math.abs(h));
      ctx.globalAlpha = 1;
      ctx.strokeStyle = '#eef0f3';
      ctx.beginPath();
      ctx.moveTo(x(s.start), top);
      ctx.lineTo(x(s.start), top + shapH);
      ctx.stroke();
    }
    ctx.fillStyle = '#6b7280';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('SHAP', 3 * dpr, top + 1);
    const scale = `±${maxAbs.toPrecision(2)}`;
    const sw = ctx.measureText(scale).width + 6 * dpr;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(W - sw - dpr, top, sw, 13 * dpr);
    ctx.fillStyle = '#6b7280';
    ctx.textAlign = 'right';
    ctx.fillText(scale, W - 3 * dpr, top + 1);
  }
  if (rIndex !== undefined) timeAxis(ctx, g, n, rIndex, sampleRate, x);
}

/** Mean Grad-CAM over a class's average beat. */
export function drawClassGradcam(canvas, { averageBeat, gradcam, rIndex, sampleRate, color }) {
  drawBeatExplanation(canvas, { window: averageBeat ?? new Float32Array(gradcam.length), gradcam, rIndex, sampleRate, color });
}

/** Mean |SHAP| per segment as bars from the bottom, with the class's average beat drawn over them. */
export function drawClassShap(canvas, { averageBeat, shap, rIndex, sampleRate, color }) {
  const g = setup(canvas);
  const { ctx, W, H, dpr } = g;
  const n = averageBeat?.length ?? Math.max(...shap.map((s) => s.end));
  const axisH = 14 * dpr;
  const bottom = H - axisH;
  const x = (i) => (i / (n - 1)) * W;
  const maxV = Math.max(1e-9, ...shap.map((s) => s.value));
  for (const s of shap) {
    const h = (s.value / maxV) * (bottom - 8 * dpr);
    ctx.fillStyle = 'rgba(220, 38, 38, 0.22)';
    ctx.fillRect(x(s.start) + dpr, bottom - h, x(Math.min(n - 1, s.end)) - x(s.start) - 2 * dpr, h);
    ctx.fillStyle = 'rgba(153, 27, 27, 0.9)';
    ctx.fillRect(x(s.start) + dpr, bottom - h, x(Math.min(n - 1, s.end)) - x(s.start) - 2 * dpr, 2 * dpr);
  }
  ctx.fillStyle = '#6b7280';
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(`max ${maxV.toPrecision(2)}`, W - 3 * dpr, 3 * dpr);
  if (averageBeat) {
    const [lo, hi] = extent(averageBeat);
    drawLine(ctx, Array.from(averageBeat), x, (v) => bottom - ((v - lo) / (hi - lo)) * (bottom - 4 * dpr), color, 2 * dpr);
  }
  if (rIndex !== undefined) timeAxis(ctx, g, n, rIndex, sampleRate, x);
}
