// More leads under a StripChart: one strip per lead, stacked, on the chart's time axis (its view, zoom and paper
// gutter), so that all leads pan and zoom together. In paper mode every strip is at the paper's speed and gain;
// otherwise each lead is scaled to its own robust range. Strips only show; the chart above takes the pointer.
import { robustRange } from './signal.js';
import { drawTrace, drawFreeGrid, chartTheme, fitCanvas } from './chart-draw.js';
import { drawPaperGrid } from './chart-paper.js';

const STRIP_CSS_HEIGHT = 110;

export class LeadStack {
  /** container: an element to hold the strips; chart: the StripChart whose time axis they share. */
  constructor(container, chart) {
    this.container = container;
    this.chart = chart;
    this.strips = [];
    this.pending = false;
    this.resizer = new ResizeObserver(() => this.redraw());
    this.resizer.observe(container);
  }

  /** leads: [{name, samples, levels}] at the chart's sampling rate; [] removes the strips. */
  setLeads(leads) {
    this.container.replaceChildren();
    this.strips = leads.map((lead) => {
      const canvas = document.createElement('canvas');
      canvas.className = 'lead-strip';
      canvas.dataset.lead = lead.name;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `Lead ${lead.name}, on the same time axis as the strip above`);
      canvas.style.height = `${STRIP_CSS_HEIGHT}px`;
      this.container.append(canvas);
      const stride = Math.max(1, Math.floor(lead.samples.length / 20001));
      const picks = Float32Array.from({ length: Math.ceil(lead.samples.length / stride) }, (_, k) => lead.samples[k * stride]).sort();
      return { ...lead, canvas, yRange: robustRange(lead.samples, lead.levels), baseline: picks[picks.length >> 1] ?? 0 };
    });
    this.container.hidden = !leads.length;
    this.redraw();
  }

  redraw() {
    if (this.pending || !this.strips.length) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      for (const strip of this.strips) this.#draw(strip);
    });
  }

  destroy() {
    this.resizer.disconnect();
    this.container.replaceChildren();
    this.strips = [];
  }

  #draw(strip) {
    const { chart } = this;
    const c = strip.canvas;
    const { ctx, W, H, dpr } = fitCanvas(c);
    const theme = chartTheme(c);
    ctx.fillStyle = theme.paper;
    ctx.fillRect(0, 0, W, H);
    if (!chart.samples) return;
    const { start, end } = chart.view;
    const fs = chart.fs;
    c.dataset.viewStart = String(Math.round(start));
    c.dataset.viewEnd = String(Math.round(end));
    const paper = chart.paper;
    const left = chart.plotLeftCss * dpr;
    const PW = W - left;
    const top = 4 * dpr;
    const bottom = H - 2 * dpr;
    const x = (s) => left + ((s - start) / (end - start)) * PW;
    const [y0, y1] = strip.yRange;
    const yBase = Math.round(top + 0.55 * (bottom - top));
    const y = paper ? (v) => yBase - (v - strip.baseline) * paper.pxPerMv * dpr : (v) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
    if (paper) drawPaperGrid(ctx, { paper, left, W, top, bottom, dpr, start, end, fs, x, yBase, theme });
    else drawFreeGrid(ctx, { start, end, fs, x, y, y0, y1, top, bottom, W, dpr, pxPerSec: PW / ((end - start) / fs), theme });
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, PW, bottom - top);
    ctx.clip();
    ctx.translate(left, 0);
    ctx.strokeStyle = theme.trace;
    ctx.lineWidth = Math.max(1, 1.3 * dpr);
    ctx.lineJoin = 'round';
    drawTrace(ctx, strip.samples, strip.levels, PW, start, end, y);
    ctx.restore();
    ctx.font = `600 ${11 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    const w = ctx.measureText(strip.name).width + 8 * dpr;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.fillRect(left + 2 * dpr, top, w, 15 * dpr);
    ctx.fillStyle = '#374151';
    ctx.fillText(strip.name, left + 6 * dpr, top + 2 * dpr);
  }
}
