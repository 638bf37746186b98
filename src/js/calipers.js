// Calipers of the strip chart: two edges in samples; the reading is Δt (ms), the rate it implies (bpm) and the
// amplitude difference between the trace at the two edges (mV). Dragged with the pointer, or moved with the keys:
// ← → move the active edge one sample (Shift: ten), E switches the edge, M marches the interval out across the
// strip (dashed edges at every multiple, to check a regular rhythm), Escape leaves caliper mode.

export const CALIPER_COLOR = '#0e7490';

export class Calipers {
  constructor() {
    this.active = false;
    this.a = null;     // sample of the first edge
    this.b = null;     // sample of the second edge
    this.edge = 1;     // 0: a, 1: b is moved by the keys
    this.march = false;
  }

  get placed() { return this.a != null && this.b != null; }

  set(a, b) {
    this.a = Math.round(a);
    this.b = Math.round(b);
  }

  clear() { this.a = this.b = null; this.edge = 1; }

  /** {startSample, endSample, dtMs, bpm, dMv} for a signal at fs Hz, or null when not placed. */
  measure(samples, fs) {
    if (!this.placed || !samples) return null;
    const clamp = (s) => Math.max(0, Math.min(samples.length - 1, s));
    const startSample = clamp(Math.min(this.a, this.b));
    const endSample = clamp(Math.max(this.a, this.b));
    const dtMs = ((endSample - startSample) / fs) * 1000;
    return { startSample, endSample, dtMs, bpm: dtMs > 0 ? 60000 / dtMs : null, dMv: samples[endSample] - samples[startSample] };
  }

  /** A one-line reading, e.g. "Δt 814 ms · 73.7 bpm · ΔmV −0.05". */
  static format(m) {
    if (!m) return '';
    const mv = `${m.dMv < 0 ? '−' : ''}${Math.abs(m.dMv).toFixed(2)}`;
    return `Δt ${Math.round(m.dtMs)} ms · ${m.bpm ? `${m.bpm.toFixed(1)} bpm` : '– bpm'} · ΔmV ${mv}`;
  }

  /** Keys of caliper mode; returns true when the key was used. `length` bounds the edges. */
  key(e, length) {
    if (!this.active || !this.placed) return false;
    const step = e.shiftKey ? 10 : 1;
    const move = (d) => {
      const k = this.edge ? 'b' : 'a';
      this[k] = Math.max(0, Math.min(length - 1, this[k] + d));
    };
    if (e.key === 'ArrowLeft') move(-step);
    else if (e.key === 'ArrowRight') move(step);
    else if (e.key === 'e' || e.key === 'E') this.edge = 1 - this.edge;
    else if (e.key === 'm' || e.key === 'M') this.march = !this.march;
    else return false;
    return true;
  }

  /** Draws both edges, the bar between them and the reading; x maps samples to device pixels. */
  draw(ctx, { x, top, bottom, dpr, reading, W }) {
    if (!this.placed) return;
    const xa = x(this.a);
    const xb = x(this.b);
    ctx.save();
    ctx.strokeStyle = CALIPER_COLOR;
    ctx.fillStyle = CALIPER_COLOR;
    for (const [px, k] of [[xa, 0], [xb, 1]]) {
      ctx.lineWidth = (this.active && this.edge === k ? 2.5 : 1.5) * dpr;
      ctx.beginPath();
      ctx.moveTo(Math.round(px) + 0.5, top);
      ctx.lineTo(Math.round(px) + 0.5, bottom);
      ctx.stroke();
    }
    const step = Math.abs(xb - xa);
    if (this.march && step >= 4 * dpr) {   // march-out: the interval repeated both ways across the strip
      ctx.lineWidth = 1.5 * dpr;
      ctx.setLineDash([4 * dpr, 3 * dpr]);
      ctx.beginPath();
      const [lo, hi] = [Math.min(xa, xb), Math.max(xa, xb)];
      for (let px = hi + step; px < W; px += step) { ctx.moveTo(Math.round(px) + 0.5, top); ctx.lineTo(Math.round(px) + 0.5, bottom); }
      for (let px = lo - step; px > 0; px -= step) { ctx.moveTo(Math.round(px) + 0.5, top); ctx.lineTo(Math.round(px) + 0.5, bottom); }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const by = top + 14 * dpr;
    ctx.lineWidth = 1.5 * dpr;
    ctx.beginPath();
    ctx.moveTo(xa, by);
    ctx.lineTo(xb, by);
    ctx.stroke();
    ctx.font = `600 ${11 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = 'bottom';
    const w = ctx.measureText(reading).width;
    const cx = Math.max(4 * dpr, Math.min(W - w - 4 * dpr, (xa + xb) / 2 - w / 2));
    ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
    ctx.fillRect(cx - 3 * dpr, by - 15 * dpr, w + 6 * dpr, 14 * dpr);
    ctx.fillStyle = CALIPER_COLOR;
    ctx.textAlign = 'left';
    ctx.fillText(reading, cx, by - 2 * dpr);
    ctx.restore();
  }
}
