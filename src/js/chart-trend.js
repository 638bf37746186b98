// Heart-rate trend and RR tachogram of a whole recording, for under a StripChart's overview: the RR interval of
// every beat as a dot (top band; long pauses stand out at the top), the mean heart rate per bin as a line (bottom
// band), event ticks along the bottom and the chart's current view; a click or drag moves the chart there.

import { fitCanvas } from './chart-draw.js';

const EVENT_COLORS = { Pause: '#b45309', 'V run': '#c43c00', 'V couplet': '#c43c00', 'V flutter': '#7f1d1d', AF: '#9b3f95', 'A run': '#0062c4' };

export class HrTrend {
  /** canvas: the trend's canvas; chart: the StripChart it steers. */
  constructor(canvas, chart) {
    this.canvas = canvas;
    this.chart = chart;
    this.data = null;
    this.pending = false;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    let dragging = false;
    const jump = (e) => {
      if (!this.data) return;
      const r = canvas.getBoundingClientRect();
      this.chart.centerOn(((e.clientX - r.left) / r.width) * this.data.length, Infinity);
    };
    canvas.addEventListener('pointerdown', (e) => { if (e.button !== 0) return; dragging = true; canvas.setPointerCapture(e.pointerId); jump(e); }, { signal });
    canvas.addEventListener('pointermove', (e) => dragging && jump(e), { signal });
    canvas.addEventListener('pointerup', () => { dragging = false; }, { signal });
    this.resizer = new ResizeObserver(() => this.redraw());
    this.resizer.observe(canvas);
  }

  /** beats [{sample, noisy?}] sorted; events [{startSample, endSample, type}]; length in samples. */
  setData({ beats, events = [], sampleRate, length }) {
    const rr = [];
    for (let k = 1; k < beats.length; k++) {
      if (!beats[k].noisy && !beats[k - 1].noisy) rr.push({ sample: beats[k].sample, ms: ((beats[k].sample - beats[k - 1].sample) / sampleRate) * 1000 });
    }
    const maxMs = rr.reduce((m, r) => Math.max(m, r.ms), 0);
    this.data = { rr, events, sampleRate, length, maxMs };
    this.canvas.dataset.rrMaxMs = maxMs.toFixed(1);
    this.canvas.dataset.rrMaxSample = String(rr.find((r) => r.ms === maxMs)?.sample ?? '');
    this.redraw();
  }

  clear() { this.data = null; this.redraw(); }

  redraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.#draw(); });
  }

  destroy() { this.abort.abort(); this.resizer.disconnect(); }

  #draw() {
    const c = this.canvas;
    const { ctx, W, H, dpr } = fitCanvas(c);
    ctx.fillStyle = '#f8fafc';
    ctx.fillRect(0, 0, W, H);
    const d = this.data;
    if (!d || !d.length) return;
    const x = (s) => (s / d.length) * W;
    const mid = Math.round(H * 0.55);
    const tick = 6 * dpr;
    // RR tachogram: 0 ms at the band's bottom, the longest RR (at least 1.5 s) at its top.
    const top = 4 * dpr;
    const rrMax = Math.max(1500, d.maxMs);
    const yRr = (ms) => mid - 2 * dpr - (ms / rrMax) * (mid - 2 * dpr - top);
    ctx.fillStyle = '#334155';
    for (const r of d.rr) ctx.fillRect(Math.round(x(r.sample)), Math.round(yRr(r.ms)) - dpr, Math.max(1, dpr), Math.max(1, 2 * dpr));
    // Heart rate: mean bpm per bin of at least 10 s (or 2 px), 30 to 180 bpm.
    const bin = Math.max(10 * d.sampleRate, (2 * dpr * d.length) / W);
    const sums = new Map();
    for (const r of d.rr) {
      const k = Math.floor(r.sample / bin);
      const s = sums.get(k) ?? [0, 0];
      s[0] += 60000 / r.ms;
      s[1]++;
      sums.set(k, s);
    }
    const bottom = H - tick - 2 * dpr;
    const yHr = (bpm) => bottom - ((Math.min(180, Math.max(30, bpm)) - 30) / 150) * (bottom - mid - 2 * dpr);
    ctx.strokeStyle = '#0062c4';
    ctx.lineWidth = 1.5 * dpr;
    ctx.beginPath();
    let first = true;
    for (const [k, [sum, n]] of [...sums].sort((a, b) => a[0] - b[0])) {
      const px = x((k + 0.5) * bin);
      if (first) ctx.moveTo(px, yHr(sum / n)); else ctx.lineTo(px, yHr(sum / n));
      first = false;
    }
    ctx.stroke();
    // Events along the bottom, the current view, and the band names.
    for (const e of d.events) {
      ctx.fillStyle = EVENT_COLORS[e.type] ?? '#64748b';
      ctx.fillRect(Math.floor(x(e.startSample)), H - tick, Math.max(dpr, x(e.endSample) - x(e.startSample)), tick);
    }
    const { start, end } = this.chart.view;
    ctx.fillStyle = 'rgba(37, 99, 235, 0.12)';
    ctx.fillRect(x(start), 0, Math.max(2 * dpr, x(end) - x(start)), H);
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#475569';
    ctx.fillText(`RR (0–${(rrMax / 1000).toFixed(1)} s)`, 4 * dpr, top);
    ctx.fillText('HR (30–180 bpm)', 4 * dpr, mid + 2 * dpr);
    ctx.strokeStyle = '#e2e8f0';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, mid + 0.5);
    ctx.lineTo(W, mid + 0.5);
    ctx.stroke();
  }
}
