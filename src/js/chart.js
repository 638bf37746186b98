// ECG strip chart: an overview of the whole recording (min/max envelope, ectopic beat ticks, the current view)
// above a detail view with ECG-paper grid, beat labels coloured by class and reference annotations; shaded
// stretches (unusable signal) lie under the trace in both. Both draw from a min/max pyramid, so a 24-hour
// recording pans and zooms as smoothly as a 30-minute one. Paper mode (chart-paper.js) draws calibrated ECG paper;
// calipers (calipers.js) measure intervals; the drawing helpers are in chart-draw.js.
import { robustRange } from './signal.js';
import { formatTime } from './format.js';
import { drawTrace, denseTicks, drawReference, drawScaleBar, drawFreeGrid, markerPath, pillLayout, chartTheme, fitCanvas } from './chart-draw.js';
import { PX_PER_MM, paperScale, gutterCss, drawPaperGrid, drawCalibration } from './chart-paper.js';
import { Calipers } from './calipers.js';
import { listenPinch } from './chart-pinch.js';

export { minMaxPyramid } from './signal.js';
export { MARKER_SHAPES } from './chart-draw.js';
export { LeadStack } from './chart-leads.js';
export { HrTrend } from './chart-trend.js';
export { PX_PER_MM, PAPER_SPEEDS, PAPER_GAINS } from './chart-paper.js';

// Okabe-Ito hues darkened for white text at >= 4.5:1; A (blue) and V (vermillion) stay apart for deuteranopes.
export const CLASS_COLORS = { N: '#3f4a5a', L: '#00776b', R: '#9b3f95', A: '#0062c4', V: '#c43c00' };
const SHADE = 'rgba(100, 116, 139, 0.18)';   // shaded stretches, over the white paper and the overview
const NOISY = '#9ca3af';                      // beats marked noisy: grey, hollow and dashed
const NICE_STEPS = [0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];

export class StripChart {
  constructor(overview, detail, { onSelect = () => {}, onViewChange = () => {}, onHover = () => {}, onCaliper = () => {} } = {}) {
    this.overview = overview;
    this.onCaliper = onCaliper;   // (measurement or null) when the calipers move or the mode changes
    this.paper = null;
    this.calipers = new Calipers();
    this.detail = detail;
    this.onSelect = onSelect;
    this.onViewChange = onViewChange;
    this.onHover = onHover;   // (beat index or -1, pointer event)
    this.samples = null;
    this.beats = [];
    this.reference = [];
    this.shading = [];
    this.matchOf = new Map();
    this.missed = new Set();
    this.selected = -1;
    this.view = { start: 0, end: 1 };
    this.pending = false;
    this.#listen();
    this.#resizer = new ResizeObserver(() => this.#resize());
    this.#resizer.observe(detail);
    this.#watchDpr();
    this.#resize();
  }

  /** Paper mode: {mmPerSec: 25 | 50, mmPerMv: 5 | 10 | 20} in CSS millimetres, or null for the free zoom. */
  setPaper(paper) {
    this.paper = paper ? paperScale(paper) : null;
    if (this.samples) this.setView(this.view.start, this.view.end); else this.redraw();
  }

  /** The drawn scale in CSS px: {pxPerSec, pxPerMv, mmPerSec, mmPerMv}. */
  calibration() {
    if (this.paper) {
      const { pxPerSec, pxPerMv, mmPerSec, mmPerMv } = this.paper;
      return { pxPerSec, pxPerMv, mmPerSec, mmPerMv };
    }
    const pxPerSec = this.detail.clientWidth / ((this.view.end - this.view.start) / (this.fs ?? 360));
    const [y0, y1] = this.yRange ?? [0, 1];
    const pxPerMv = (this.detail.clientHeight - 42 - (this.reference.length ? 18 : 0)) / (y1 - y0);
    return { pxPerSec, pxPerMv, mmPerSec: pxPerSec / PX_PER_MM, mmPerMv: pxPerMv / PX_PER_MM };
  }

  /** Caliper mode: dragging on the strip measures instead of panning; the keys move the active edge. */
  setCaliperMode(on) {
    this.calipers.active = Boolean(on);
    if (on && !this.calipers.placed && this.samples) {
      const k = this.selected >= 0 ? this.selected : this.beatAt(this.view.start);
      const c = (this.view.start + this.view.end) / 2;
      if (this.beats[k + 1] && this.beats[k + 1].sample <= this.view.end) this.calipers.set(this.beats[k].sample, this.beats[k + 1].sample);
      else this.calipers.set(c - 0.1 * this.fs, c + 0.1 * this.fs);
    }
    this.#caliperChanged();
  }

  get caliperMode() { return this.calipers.active; }

  /** The caliper reading {startSample, endSample, dtMs, bpm, dMv}, or null. */
  caliper() { return this.calipers.measure(this.samples, this.fs); }

  #caliperChanged() {
    this.onCaliper(this.calipers.active ? this.caliper() : null);
    this.redraw();
  }

  /** Left edge of the plot in CSS px: the calibration gutter in paper mode. */
  #leftCss() { return this.paper ? gutterCss(this.paper) : 0; }
  get plotLeftCss() { return this.#leftCss(); }

  /** A page zoom changes devicePixelRatio without resizing the element: redraw at the new density. */
  #watchDpr() {
    const dpr = window.devicePixelRatio || 1;
    const mq = window.matchMedia?.(`(resolution: ${dpr}dppx)`);
    mq?.addEventListener?.('change', () => { this.#resize(); this.#watchDpr(); }, { once: true, signal: this.#abort.signal });
  }

  #abort = new AbortController();
  #resizer = null;

  /** Removes the chart's listeners and observer and blanks both canvases; the chart is unusable afterwards. */
  destroy() {
    this.#abort.abort();
    this.#resizer?.disconnect();
    this.destroyed = true;
    this.samples = null;
    this.beats = [];
    for (const c of [this.overview, this.detail]) c.getContext('2d').clearRect(0, 0, c.width, c.height);
  }

  setSignal({ samples, levels, sampleRate }) {
    this.samples = samples;
    this.levels = levels;
    this.fs = sampleRate;
    this.yRange = robustRange(samples, levels);
    // Paper mode puts the median (about the isoelectric line) on its baseline.
    const stride = Math.max(1, Math.floor(samples.length / 20001));
    const picks = Float32Array.from({ length: Math.ceil(samples.length / stride) }, (_, k) => samples[k * stride]).sort();
    this.baseline = picks.length ? picks[picks.length >> 1] : 0;
    this.beats = [];
    this.shading = [];
    this.selected = -1;
    this.calipers.clear();
    this.calipers.active = false;
    this.setView(0, Math.min(samples.length, 10 * sampleRate));
  }

  /** beats: [{sample, label, noisy?}] sorted; agreement: the result of stats.agreement() or null. */
  setBeats(beats, agreementResult = null) {
    this.beats = beats;
    this.hasAgreement = Boolean(agreementResult);
    this.matchOf = agreementResult?.matchOf ?? new Map();
    this.missed = new Set((agreementResult?.missed ?? []).map((a) => a.sample));
    this.redraw();
  }

  /** Stretches [{start, end, label?}] in samples, shaded under the trace (the label shows when there is room). */
  setShading(stretches) {
    this.shading = [...stretches].sort((a, b) => a.start - b.start);
    this.redraw();
  }

  setReference(annotations) {
    this.reference = [...annotations].sort((a, b) => a.sample - b.sample);
    this.redraw();
  }

  get length() { return this.samples?.length ?? 0; }

  setView(start, end) {
    const n = this.length;
    const minSpan = Math.min(n, Math.max(32, Math.round(0.5 * (this.fs ?? 360))));
    let span = Math.max(minSpan, Math.min(n, end - start));
    if (this.paper) {   // the paper speed fixes the span: the plot's width in seconds
      const plotCss = Math.max(1, this.detail.clientWidth - this.#leftCss());
      span = Math.min(n, (plotCss / this.paper.pxPerSec) * this.fs);
    }
    start = Math.max(0, Math.min(n - span, start));
    this.view = { start, end: start + span };
    this.onViewChange(this.view);
    this.redraw();
  }

  zoom(factor, centerSample = (this.view.start + this.view.end) / 2) {
    if (this.paper) return;   // the paper speed sets the scale
    const { start, end } = this.view;
    const span = (end - start) * factor;
    const t = (centerSample - start) / (end - start);
    this.setView(centerSample - t * span, centerSample - t * span + span);
  }

  pan(fraction) {
    const span = this.view.end - this.view.start;
    this.setView(this.view.start + fraction * span, this.view.end + fraction * span);
  }

  showSeconds(sec) {
    const c = (this.view.start + this.view.end) / 2;
    const span = sec * this.fs;
    this.setView(c - span / 2, c + span / 2);
  }

  /** Centres the view on a sample, keeping the zoom unless the span is larger than maxSpanSec. */
  centerOn(sample, maxSpanSec = 20) {
    let span = this.view.end - this.view.start;
    if (span > maxSpanSec * this.fs) span = maxSpanSec * this.fs;
    this.setView(sample - span / 2, sample + span / 2);
  }

  select(index, { center = true } = {}) {
    if (index < 0 || index >= this.beats.length) return;
    this.selected = index;
    const s = this.beats[index].sample;
    if (center && (s < this.view.start || s > this.view.end)) this.centerOn(s);
    this.redraw();
    this.onSelect(index);
  }

  /** Index of the first beat at or after sample (binary search). */
  beatAt(sample) {
    let lo = 0;
    let hi = this.beats.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.beats[mid].sample < sample) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  nextMatching(direction, predicate) {
    // Without a selection, start from the visible range: its first beat going forward, its last going back.
    const from = this.selected >= 0 ? this.selected
      : direction > 0 ? this.beatAt(this.view.start) - 1 : this.beatAt(this.view.end);
    for (let k = from + direction; k >= 0 && k < this.beats.length; k += direction) {
      if (predicate(this.beats[k])) return k;
    }
    return -1;
  }

  redraw() {
    if (this.pending || this.destroyed) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.#drawDetail();
      this.#drawOverview();
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  #resize() {
    for (const c of [this.overview, this.detail]) fitCanvas(c);
    if (this.paper && this.samples) this.setView(this.view.start, this.view.end); else this.redraw();
  }

  #xToSample(canvas, clientX) {
    const r = canvas.getBoundingClientRect();
    const f = (clientX - r.left) / r.width;
    if (canvas === this.overview) return f * this.length;
    const left = this.#leftCss();
    return this.view.start + ((clientX - r.left - left) / Math.max(1, r.width - left)) * (this.view.end - this.view.start);
  }

  #listen() {
    const d = this.detail;
    const signal = this.#abort.signal;
    let drag = null;
    listenPinch(d, this, signal);   // two fingers zoom; one drags as with the mouse
    d.addEventListener('pointerdown', (e) => {
      if (!this.samples || e.button !== 0) return;
      d.setPointerCapture(e.pointerId);
      drag = { x: e.clientX, start: this.view.start, end: this.view.end, moved: false };
      if (this.calipers.active) {   // grab the edge under the pointer, or start a new caliper there
        const s = Math.round(this.#xToSample(d, e.clientX));
        const near = (q) => q != null && Math.abs(q - s) * d.getBoundingClientRect().width / (this.view.end - this.view.start) <= 6;
        const c = this.calipers;
        drag.edge = near(c.b) ? 'b' : near(c.a) ? 'a' : null;
        if (!drag.edge) { c.set(s, s); drag.edge = 'b'; }
        c.edge = drag.edge === 'b' ? 1 : 0;
        this.#caliperChanged();
      }
    }, { signal });
    d.addEventListener('pointermove', (e) => {
      if (!drag) return this.onHover(this.#beatNear(e.clientX), e);
      if (this.pinching) { drag = null; return; }
      if (drag.edge) {
        this.calipers[drag.edge] = Math.max(0, Math.min(this.length - 1, Math.round(this.#xToSample(d, e.clientX))));
        return this.#caliperChanged();
      }
      const dx = e.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (!drag.moved) return;
      const perPx = (drag.end - drag.start) / d.getBoundingClientRect().width;
      this.setView(drag.start - dx * perPx, drag.end - dx * perPx);
    }, { signal });
    d.addEventListener('pointerup', (e) => {
      if (drag && !drag.moved && !drag.edge) this.#clickBeat(e);
      drag = null;
    }, { signal });
    d.addEventListener('pointercancel', () => { drag = null; }, { signal });
    d.addEventListener('pointerleave', (e) => this.onHover(-1, e), { signal });
    d.addEventListener('wheel', (e) => {
      if (!this.samples) return;
      e.preventDefault();
      const scale = e.deltaMode === 1 ? 16 : 1;
      const rect = d.getBoundingClientRect();
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) {
        const delta = (Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY) * scale;
        this.pan(delta / rect.width);
      } else {
        this.zoom(Math.exp(e.deltaY * scale * 0.0015), this.#xToSample(d, e.clientX));
      }
    }, { passive: false, signal });
    d.addEventListener('keydown', (e) => this.handleKey(e), { signal });

    const o = this.overview;
    let overDrag = false;
    const jump = (e) => {
      const s = this.#xToSample(o, e.clientX);
      const span = this.view.end - this.view.start;
      this.setView(s - span / 2, s + span / 2);
    };
    o.addEventListener('pointerdown', (e) => {
      if (!this.samples || e.button !== 0) return;
      o.setPointerCapture(e.pointerId);
      overDrag = true;
      jump(e);
    }, { signal });
    o.addEventListener('pointermove', (e) => overDrag && jump(e), { signal });
    o.addEventListener('pointerup', () => { overDrag = false; }, { signal });
    o.addEventListener('keydown', (e) => this.handleKey(e), { signal });
  }

  /** Keyboard navigation shared by both canvases; returns true when the key was used. */
  handleKey(e) {
    if (!this.samples || e.altKey || e.ctrlKey || e.metaKey) return false;
    if (this.calipers.key(e, this.length)) {
      e.preventDefault();
      this.#caliperChanged();
      return true;
    }
    const big = e.shiftKey;
    const actions = {
      c: () => this.setCaliperMode(!this.calipers.active),
      ...(this.calipers.active ? { Escape: () => this.setCaliperMode(false) } : {}),
      ArrowLeft: () => this.pan(big ? -1 : -0.2),
      ArrowRight: () => this.pan(big ? 1 : 0.2),
      PageUp: () => this.pan(-1),
      PageDown: () => this.pan(1),
      '+': () => this.zoom(0.5),
      '=': () => this.zoom(0.5),
      '-': () => this.zoom(2),
      _: () => this.zoom(2),
      Home: () => this.setView(0, this.length),
      End: () => this.setView(this.length - (this.view.end - this.view.start), this.length),
      '[': () => this.select(this.nextMatching(-1, () => true)),
      ']': () => this.select(this.nextMatching(1, () => true)),
      p: () => this.select(this.nextMatching(-1, (b) => b.label !== 'N')),
      n: () => this.select(this.nextMatching(1, (b) => b.label !== 'N')),
    };
    const action = actions[e.key];
    if (!action) return false;
    e.preventDefault();
    action();
    return true;
  }

  /** Index of the beat within 14 CSS pixels of clientX in the detail view, or -1. */
  #beatNear(clientX) {
    if (!this.beats.length) return -1;
    const s = this.#xToSample(this.detail, clientX);
    const k = this.beatAt(s);
    const perPx = (this.view.end - this.view.start) / this.detail.getBoundingClientRect().width;
    let best = -1;
    let bestDist = 14 * perPx;
    for (const c of [k - 1, k]) {
      if (c >= 0 && c < this.beats.length && Math.abs(this.beats[c].sample - s) <= bestDist) {
        best = c;
        bestDist = Math.abs(this.beats[c].sample - s);
      }
    }
    return best;
  }

  #clickBeat(e) {
    const best = this.#beatNear(e.clientX);
    if (best >= 0) this.select(best, { center: false });
  }

  #drawDetail() {
    const c = this.detail;
    const ctx = c.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    const W = c.width;
    const H = c.height;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    const theme = chartTheme(c);
    ctx.fillStyle = theme.paper;
    ctx.fillRect(0, 0, W, H);
    if (!this.samples) return;
    const { start, end } = this.view;
    const fs = this.fs;
    const top = 26 * dpr;
    const refRow = this.reference.length ? 18 * dpr : 0;
    const axis = 16 * dpr;
    const plotBottom = H - axis - refRow;
    const [y0, y1] = this.yRange;
    const paper = this.paper;
    const left = this.#leftCss() * dpr;
    const PW = W - left;   // the plot's width
    // Paper: the signal's median on a baseline 60 % down the plot, at the paper gain.
    const yBase = Math.round(top + 0.6 * (plotBottom - top));
    const y = paper ? (v) => yBase - (v - this.baseline) * paper.pxPerMv * dpr
      : (v) => plotBottom - ((v - y0) / (y1 - y0)) * (plotBottom - top);
    const x = (s) => left + ((s - start) / (end - start)) * PW;
    const pxPerSec = PW / ((end - start) / fs);

    if (paper) drawPaperGrid(ctx, { paper, left, W, top, bottom: plotBottom, dpr, start, end, fs, x, yBase, theme });
    else drawFreeGrid(ctx, { start, end, fs, x, y, y0, y1, top, bottom: plotBottom, W, dpr, pxPerSec, theme });
    this.#shade(ctx, x, W, plotBottom, dpr);

    // Time axis with a readable step.
    const step = NICE_STEPS.find((s) => s * pxPerSec >= 90 * dpr) ?? NICE_STEPS[NICE_STEPS.length - 1];
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.fillStyle = '#6b7280';
    ctx.strokeStyle = '#d1d5db';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.beginPath();
    for (let t = Math.ceil(start / fs / step) * step; t * fs <= end; t += step) {
      const gx = Math.round(x(t * fs)) + 0.5;
      ctx.moveTo(gx, H - axis);
      ctx.lineTo(gx, H - axis + 4 * dpr);
      const label = formatTime(t, step < 1);
      const half = ctx.measureText(label).width / 2 + 2 * dpr;
      ctx.fillText(label, Math.max(half, Math.min(W - half, gx)), H - 1);
    }
    ctx.stroke();

    // Selected beat band.
    if (this.selected >= 0 && this.beats[this.selected]) {
      const sx = x(this.beats[this.selected].sample);
      ctx.fillStyle = 'rgba(37, 99, 235, 0.10)';
      ctx.fillRect(sx - Math.max(6 * dpr, 0.3 * fs * W / (end - start)), top - 24 * dpr,
        2 * Math.max(6 * dpr, 0.3 * fs * W / (end - start)), plotBottom - top + 24 * dpr);
    }

    ctx.strokeStyle = theme.trace;
    ctx.lineWidth = Math.max(1, 1.3 * dpr);
    ctx.lineJoin = 'round';
    // The trace stays inside the plot: not over the time labels, the reference row or the gutter.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, PW, plotBottom - top);
    ctx.clip();
    ctx.translate(left, 0);
    drawTrace(ctx, this.samples, this.levels, PW, start, end, y);
    ctx.restore();

    // Beats: label pills when there is room, coloured ticks otherwise.
    const i0 = this.beatAt(start - fs * 0.05);
    const i1 = this.beatAt(end + fs * 0.05);
    const spacing = (i1 - i0) > 0 ? PW / (i1 - i0) : PW;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = `600 ${11 * dpr}px system-ui, sans-serif`;
    // Labelled pills at least 20 px apart, non-N beats first; the others get a small marker without a label.
    const pills = spacing >= 16 * dpr ? pillLayout(this.beats, i0, i1, x, 20 * dpr) : null;
    if (spacing < 3 * dpr) {
      denseTicks(ctx, this.beats, i0, i1, x, W, dpr, CLASS_COLORS);
    } else for (let k = i0; k < i1; k++) {
      const b = this.beats[k];
      const bx = x(b.sample);
      const color = b.noisy ? NOISY : CLASS_COLORS[b.label] ?? '#6b7280';
      const unmatched = this.hasAgreement && !this.matchOf.has(k);
      if (spacing >= 16 * dpr) {
        ctx.strokeStyle = color;
        ctx.globalAlpha = 0.35;
        ctx.setLineDash([3 * dpr, 3 * dpr]);
        ctx.beginPath();
        ctx.moveTo(bx, top - 2 * dpr);
        ctx.lineTo(bx, plotBottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        const tight = !pills.has(k);
        const r = (tight ? 5 : 8) * dpr;
        ctx.beginPath();
        markerPath(ctx, b.label, bx, 12 * dpr, r);
        if (b.noisy) ctx.setLineDash([2 * dpr, 2 * dpr]);
        if (unmatched || b.noisy) {
          ctx.fillStyle = '#fff';
          ctx.fill();
          ctx.lineWidth = 1.5 * dpr;
          ctx.strokeStyle = color;
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = color;
        } else {
          ctx.fillStyle = color;
          ctx.fill();
          ctx.fillStyle = '#fff';
        }
        if (k === this.selected) {
          ctx.lineWidth = 2 * dpr;
          ctx.strokeStyle = '#111827';
          ctx.stroke();
          ctx.fillStyle = unmatched || b.noisy ? color : '#fff';
        }
        if (!tight) ctx.fillText(b.label, bx, 12.5 * dpr);
      } else {
        ctx.fillStyle = color;
        const h = b.label === 'N' ? 6 : 14;
        ctx.fillRect(Math.round(bx), 4 * dpr, Math.max(1, dpr), h * dpr);
      }
    }

    if (this.reference.length) {
      drawReference(ctx, this, { i0, i1, start, end, x, W, ry: plotBottom + refRow / 2, dpr, showText: spacing >= 10 * dpr });
    }
    if (paper) {
      drawCalibration(ctx, { paper, left, bottom: plotBottom, dpr, yBase, trace: theme.trace });
    } else {
      const bar = y(y0 + 1) - y(y0);   // the 1 mV scale bar
      if (Math.abs(bar) < plotBottom - top) drawScaleBar(ctx, top, bar, dpr);
    }
    const m = this.calipers.active ? this.caliper() : null;
    if (m) this.calipers.draw(ctx, { x, top, bottom: plotBottom, dpr, W, reading: Calipers.format(m) });
  }

  /** The shaded stretches from the top to `bottom`, each at least a pixel wide; labels when asked and wide enough. */
  #shade(ctx, x, W, bottom, dpr, labels = true) {
    ctx.font = `${10.5 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    for (const { start, end, label } of this.shading) {
      const x0 = Math.max(0, x(start));
      const x1 = Math.min(W, Math.max(x(end), x0 + 1));
      if (x1 <= 0 || x0 >= W) continue;
      ctx.fillStyle = SHADE;
      ctx.fillRect(Math.floor(x0), 0, Math.max(1, Math.round(x1 - x0)), bottom);
      const lx = Math.max(x0 + 4 * dpr, 50 * dpr);   // right of the 1 mV scale bar
      if (labels && label && x1 - lx > ctx.measureText(label).width + 4 * dpr) {
        ctx.fillStyle = '#475569';
        ctx.fillText(label, lx, 26 * dpr);
      }
    }
  }

  #drawOverview() {
    const c = this.overview;
    const ctx = c.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    const W = c.width;
    const H = c.height;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (!this.samples) {
      ctx.fillStyle = '#f8fafc';
      ctx.fillRect(0, 0, W, H);
      return;
    }
    // The envelope and the beat ticks change only with the data or the size: cache them in a bitmap.
    const key = `${W}x${H}`;
    if (!this.overviewCache || this.overviewCache.key !== key || this.overviewCache.samples !== this.samples ||
        this.overviewCache.beats !== this.beats || this.overviewCache.shading !== this.shading) {
      const off = document.createElement('canvas');
      off.width = W;
      off.height = H;
      this.#paintOverview(off.getContext('2d'), W, H, dpr);
      this.overviewCache = { key, samples: this.samples, beats: this.beats, shading: this.shading, canvas: off };
    }
    ctx.drawImage(this.overviewCache.canvas, 0, 0);
    const n = this.length;
    const vx0 = (this.view.start / n) * W;
    const vx1 = Math.max(vx0 + 2 * dpr, (this.view.end / n) * W);
    ctx.fillStyle = 'rgba(37, 99, 235, 0.12)';
    ctx.fillRect(vx0, 0, vx1 - vx0, H);
    ctx.strokeStyle = '#2563eb';
    ctx.lineWidth = 1.5 * dpr;
    ctx.strokeRect(vx0 + 0.5, 0.5, vx1 - vx0 - 1, H - 1);
  }

  #paintOverview(ctx, W, H, dpr) {
    ctx.fillStyle = '#f8fafc';
    ctx.fillRect(0, 0, W, H);
    const n = this.length;
    this.#shade(ctx, (s) => (s / n) * W, W, H, dpr, false);
    const [y0, y1] = this.yRange;
    const tick = 12 * dpr;
    const y = (v) => H - 2 * dpr - ((Math.max(y0, Math.min(y1, v)) - y0) / (y1 - y0)) * (H - tick - 4 * dpr);
    ctx.strokeStyle = '#94a3b8';
    ctx.lineWidth = 1;
    drawTrace(ctx, this.samples, this.levels, W, 0, n, y);
    // Non-N beats as ticks along the top.
    for (const b of this.beats) {
      if (b.label === 'N') continue;
      ctx.fillStyle = b.noisy ? NOISY : CLASS_COLORS[b.label] ?? '#6b7280';
      ctx.fillRect(Math.floor((b.sample / n) * W), 1 * dpr, Math.max(1, dpr), tick - 3 * dpr);
    }
  }
}
