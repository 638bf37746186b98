// Inline SVG for the Holter report (report.js): HR trend, RR tachogram, Poincaré plot and calibrated ECG strips.
// No external resources, no style attributes (presentation attributes only, so a page CSP with style-src 'self' allows it).

export const CLASS_COLORS = { N: '#52606d', L: '#2563eb', R: '#7c3aed', A: '#d97706', V: '#dc2626' };
export const MM_PER_SEC = 25;
export const MM_PER_MV = 10;
export const ROW_SEC = 7.2;         // 180 mm: with the 8 mm calibration pulse it fits A4 less 10 mm margins
const CAL_MM = 8;
const LABEL_BAND_MM = 5;
const RR_MIN = 0.2, RR_MAX = 3;      // the core's valid RR range for heart rate

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** hh:mm:ss (digits > 0 adds decimals to the seconds). */
export function clock(sec, digits = 0) {
  if (!Number.isFinite(sec)) return '—';
  const scale = 10 ** digits;
  const t = Math.round(Math.max(0, sec) * scale);
  const h = Math.floor(t / (3600 * scale));
  const m = Math.floor((t % (3600 * scale)) / (60 * scale));
  const s = (t % (60 * scale)) / scale;
  const ss = digits ? s.toFixed(digits).padStart(3 + digits, '0') : String(s).padStart(2, '0');
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${ss}`;
}

const r1 = (x) => Math.round(x * 10) / 10;
const r2 = (x) => Math.round(x * 100) / 100;

/** RR intervals of consecutive beats: {t (s, at the second beat), rr (s), i (index of the second beat)}. */
export function rrSeries(beats, fs) {
  const out = [];
  for (let i = 1; i < beats.length; i++) out.push({ t: beats[i].sample / fs, rr: (beats[i].sample - beats[i - 1].sample) / fs, i });
  return out;
}

function niceStep(span, target) {
  const raw = span / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600];
const timeStep = (span, target) => TIME_STEPS.find((s) => span / s <= target) ?? 43200;
const timeLabel = (t, step) => (step < 60 ? clock(t) : clock(t).slice(0, 5));

// A plot area with axes, grid and labels; returns the scales and the frame's SVG.
function frame({ w, h, m, x0, x1, y0, y1, xTime = true, xLabel, yLabel, xTicks = 8, yTicks = 5 }) {
  const pw = w - m.l - m.r, ph = h - m.t - m.b;
  const x = (v) => m.l + ((v - x0) / (x1 - x0 || 1)) * pw;
  const y = (v) => m.t + ph - ((v - y0) / (y1 - y0 || 1)) * ph;
  const parts = [`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="#fff" stroke="#9ca3af" stroke-width="0.8"/>`];
  const xs = xTime ? timeStep(x1 - x0, xTicks) : niceStep(x1 - x0, xTicks);
  for (let v = Math.ceil(x0 / xs) * xs; v <= x1 + 1e-9; v += xs) {
    const px = r1(x(v));
    parts.push(`<line x1="${px}" y1="${m.t}" x2="${px}" y2="${m.t + ph}" stroke="#e5e7eb" stroke-width="0.6"/>`,
      `<text x="${px}" y="${m.t + ph + 13}" text-anchor="middle">${xTime ? timeLabel(v, xs) : r2(v)}</text>`);
  }
  const ys = niceStep(y1 - y0, yTicks);
  for (let v = Math.ceil(y0 / ys) * ys; v <= y1 + 1e-9; v += ys) {
    const py = r1(y(v));
    parts.push(`<line x1="${m.l}" y1="${py}" x2="${m.l + pw}" y2="${py}" stroke="#e5e7eb" stroke-width="0.6"/>`,
      `<text x="${m.l - 5}" y="${py + 3.5}" text-anchor="end">${r2(v)}</text>`);
  }
  if (xLabel) parts.push(`<text x="${m.l + pw / 2}" y="${h - 4}" text-anchor="middle" fill="#4b5563">${esc(xLabel)}</text>`);
  if (yLabel) parts.push(`<text x="12" y="${m.t + ph / 2}" text-anchor="middle" fill="#4b5563" transform="rotate(-90 12 ${m.t + ph / 2})">${esc(yLabel)}</text>`);
  return { x, y, pw, ph, left: m.l, svg: parts.join('') };
}

const svgOpen = (w, h, label, cls = 'plot') =>
  `<svg class="${cls}" viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="${esc(label)}" font-family="Helvetica, Arial, sans-serif" font-size="10" fill="#111827">`;

/** Mean heart rate per bin (RR in 0.2–3 s, by the interval's second beat): [{t (bin middle), bpm}]. */
export function hrBins(beats, fs, durationSec, binSec) {
  const n = Math.max(1, Math.ceil(durationSec / binSec));
  const sum = new Float64Array(n), count = new Uint32Array(n);
  for (const { t, rr } of rrSeries(beats, fs)) {
    if (rr < RR_MIN || rr > RR_MAX) continue;
    const k = Math.min(n - 1, Math.floor(t / binSec));
    sum[k] += rr;
    count[k]++;
  }
  return Array.from(count, (c, k) => ({ t: (k + 0.5) * binSec, bpm: c ? (60 * c) / sum[k] : null }));
}

export function hrTrendSvg(result) {
  const { beats, sampleRate: fs, durationSec: dur, summary: s } = result;
  const binSec = dur <= 1200 ? 10 : 60;
  const bins = hrBins(beats, fs, dur, binSec);
  const rates = bins.map((b) => b.bpm).filter((v) => v != null);
  const w = 720, h = 210;
  const lo = Math.max(0, Math.floor((Math.min(...rates, s.heartRate?.minBpm ?? 60) - 10) / 20) * 20);
  const hi = Math.ceil((Math.max(...rates, s.heartRate?.maxBpm ?? 100) + 10) / 20) * 20;
  const f = frame({ w, h, m: { l: 46, r: 12, t: 10, b: 34 }, x0: 0, x1: dur, y0: lo, y1: hi, xLabel: 'time (hh:mm)', yLabel: 'bpm' });
  const bands = (s.af?.episodes ?? []).map((e) => {
    const a = f.x(Math.max(0, e.startSec)), b = f.x(Math.min(dur, e.endSec));
    return b > a ? `<rect x="${r1(a)}" y="10" width="${Math.max(0.6, r1(b - a))}" height="${f.ph}" fill="#fde68a" fill-opacity="0.6"/>` : '';
  }).join('');
  let d = '', pen = false;
  for (const b of bins) {
    if (b.bpm == null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${r1(f.x(b.t))} ${r1(f.y(b.bpm))}`;
    pen = true;
  }
  const mark = (t, bpm, text, dy) => (Number.isFinite(t) && Number.isFinite(bpm)
    ? `<circle cx="${r1(f.x(t))}" cy="${r1(f.y(bpm))}" r="3" fill="none" stroke="#dc2626" stroke-width="1.2"/>` +
      `<text x="${r1(f.x(t))}" y="${r1(f.y(bpm) + dy)}" text-anchor="middle" fill="#dc2626" font-size="9">${text}</text>` : '');
  const hr = s.heartRate ?? {};
  return `${svgOpen(w, h, `Heart rate trend, mean rate per ${binSec} s`)}${f.svg}${bands}` +
    `<path d="${d}" fill="none" stroke="#2563eb" stroke-width="1.2" stroke-linejoin="round"/>` +
    `${mark(hr.maxTimeSec, hr.maxBpm, `max ${r1(hr.maxBpm)}`, -6)}${mark(hr.minTimeSec, hr.minBpm, `min ${r1(hr.minBpm)}`, 13)}</svg>`;
}

const rrTop = (series) => {
  const max = series.reduce((m, p) => (p.rr <= 6 ? Math.max(m, p.rr) : m), 0);
  return Math.min(6, Math.max(1.5, Math.ceil(max * 2) / 2));
};

export function tachogramSvg(result) {
  const { beats, sampleRate: fs, durationSec: dur, summary: s } = result;
  const series = rrSeries(beats, fs);
  const top = rrTop(series);
  const w = 720, h = 210;
  const f = frame({ w, h, m: { l: 46, r: 12, t: 10, b: 34 }, x0: 0, x1: dur, y0: 0, y1: top, xLabel: 'time (hh:mm)', yLabel: 'RR (s)' });
  // One vertical stroke per plot column from its lowest to its highest RR (keeps 24-hour records small).
  const cols = Math.ceil(f.pw);
  const lo = new Float64Array(cols).fill(Infinity), hi = new Float64Array(cols).fill(-Infinity);
  for (const p of series) {
    const c = Math.max(0, Math.min(cols - 1, Math.floor(((p.t) / (dur || 1)) * cols)));
    const v = Math.min(top, p.rr);
    lo[c] = Math.min(lo[c], v);
    hi[c] = Math.max(hi[c], v);
  }
  let d = '';
  for (let c = 0; c < cols; c++) {
    if (lo[c] === Infinity) continue;
    const y1 = f.y(hi[c]), y0 = Math.max(f.y(lo[c]), y1 + 1);
    d += `M${r1(f.left + c + 0.5)} ${r1(y0)}V${r1(y1)}`;
  }
  const pauses = (s.pauses ?? []).slice(0, 1000).map((p) =>
    `<circle cx="${r1(f.x(p.startSec + p.durationSec))}" cy="${r1(f.y(Math.min(top, p.durationSec)))}" r="2.2" fill="#dc2626"/>`).join('');
  return `${svgOpen(w, h, 'RR tachogram')}${f.svg}<path d="${d}" stroke="#374151" stroke-width="1" fill="none"/>${pauses}</svg>`;
}

export function poincareSvg(result) {
  const series = rrSeries(result.beats, result.sampleRate);
  const top = rrTop(series);
  const w = 300, h = 300;
  const f = frame({ w, h, m: { l: 46, r: 12, t: 10, b: 34 }, x0: 0, x1: top, y0: 0, y1: top, xTime: false,
    xLabel: 'RRₙ (s)', yLabel: 'RRₙ₊₁ (s)', xTicks: 5 });
  // Pairs quantised to 2-unit cells, each drawn once.
  const cells = new Set();
  for (let k = 1; k < series.length; k++) {
    const a = series[k - 1].rr, b = series[k].rr;
    if (a > top || b > top) continue;
    cells.add(`${Math.floor(f.x(a) / 2) * 2},${Math.floor(f.y(b) / 2) * 2}`);
  }
  let d = '';
  for (const c of cells) { const [x, y] = c.split(','); d += `M${x} ${y}h2v2h-2z`; }
  return `${svgOpen(w, h, 'Poincaré plot of successive RR intervals')}${f.svg}` +
    `<line x1="${f.x(0)}" y1="${f.y(0)}" x2="${f.x(top)}" y2="${f.y(top)}" stroke="#9ca3af" stroke-dasharray="3 3"/>` +
    `<path d="${d}" fill="#2563eb" fill-opacity="0.7"/></svg>`;
}

// ---- ECG strips ----------------------------------------------------------------------------------------------

/** Grid lines every 1 mm and every 5 mm over w × h mm. */
function paperGrid(w, h) {
  let minor = '', major = '';
  for (let x = 0; x <= w + 1e-9; x++) (x % 5 ? (minor += `M${x} 0V${h}`) : (major += `M${x} 0V${h}`));
  for (let y = 0; y <= h + 1e-9; y++) (y % 5 ? (minor += `M0 ${y}H${w}`) : (major += `M0 ${y}H${w}`));
  return `<path d="${minor}" stroke="#f4c7c7" stroke-width="0.08" fill="none"/><path d="${major}" stroke="#e58f8f" stroke-width="0.2" fill="none"/>`;
}

/**
 * A calibrated strip of samples[t0, t1) (s) in rows of ROW_SEC: 25 mm/s, 10 mm/mV, 1 mm / 5 mm grid and a 1 mV
 * calibration pulse before each row. beats: result.beats; marks: [{startSec, endSec, text}] to highlight;
 * afEpisodes: shaded as an AF bar.
 */
export function ecgStrip({ samples, fs, beats, t0, t1, marks = [], afEpisodes = [], lines = [] }) {
  const n = samples.length;
  const i0 = Math.max(0, Math.ceil(t0 * fs)), i1 = Math.min(n, Math.floor(t1 * fs));
  if (i1 - i0 < 2) return '';
  // Baseline: 1.5 s moving mean (prefix sums over the strip plus half a window each side).
  const half = Math.round(0.75 * fs);
  const a = Math.max(0, i0 - half), b = Math.min(n, i1 + half);
  const prefix = new Float64Array(b - a + 1);
  for (let i = a; i < b; i++) prefix[i - a + 1] = prefix[i - a] + (Number.isFinite(samples[i]) ? samples[i] : 0);
  const value = (i) => {
    const lo = Math.max(a, i - half), hi = Math.min(b, i + half + 1);
    return (Number.isFinite(samples[i]) ? samples[i] : 0) - (prefix[hi - a] - prefix[lo - a]) / (hi - lo);
  };
  let vmin = Infinity, vmax = -Infinity;
  for (let i = i0; i < i1; i++) { const v = value(i); vmin = Math.min(vmin, v); vmax = Math.max(vmax, v); }
  const traceMm = Math.min(40, Math.max(20, Math.ceil(((vmax - vmin) * MM_PER_MV + 4) / 5) * 5));
  const H = LABEL_BAND_MM + traceMm;
  // 0 mV: the trace centred when it fits, else its top 1 mm below the label band (the rest is clipped).
  const range = (vmax - vmin) * MM_PER_MV;
  const yZero = LABEL_BAND_MM + (range <= traceMm - 2 ? (traceMm - range) / 2 + vmax * MM_PER_MV
    : Math.min(traceMm - 3, Math.max(3, 1 + vmax * MM_PER_MV)));
  const rows = [];
  for (let r0 = t0; r0 < t1 - 1e-6; r0 += ROW_SEC) {
    const r1s = Math.min(t1, r0 + ROW_SEC);
    rows.push(stripRow({ samples, fs, value, beats, r0, r1: r1s, H, yZero, marks, afEpisodes, lines, i0, i1 }));
  }
  return rows.join('');
}

function stripRow({ samples, fs, value, beats, r0, r1: rEnd, H, yZero, marks, afEpisodes, lines, i0, i1 }) {
  const sec = rEnd - r0;
  const W = r2(sec * MM_PER_SEC);
  const x = (t) => r2((t - r0) * MM_PER_SEC);
  const y = (v) => r2(Math.max(0.2, Math.min(H - 0.2, yZero - v * MM_PER_MV)));
  const j0 = Math.max(i0, Math.ceil(r0 * fs)), j1 = Math.min(i1, Math.ceil(rEnd * fs));
  // Samples at most every 0.1 mm (min and max of each 0.1 mm column above that density).
  const perCol = fs / (MM_PER_SEC * 10);
  const pts = [];
  if (perCol <= 2) {
    for (let i = j0; i < j1; i++) pts.push(`${x(i / fs)},${y(value(i))}`);
  } else {
    for (let c0 = j0; c0 < j1; c0 += perCol) {
      let lo = Infinity, hi = -Infinity, ilo = 0, ihi = 0;
      for (let i = Math.floor(c0); i < Math.min(j1, Math.floor(c0 + perCol)); i++) {
        const v = value(i);
        if (v < lo) { lo = v; ilo = i; }
        if (v > hi) { hi = v; ihi = i; }
      }
      if (lo === Infinity) continue;
      const [p, q] = ilo < ihi ? [ilo, ihi] : [ihi, ilo];
      pts.push(`${x(p / fs)},${y(value(p))}`, `${x(q / fs)},${y(value(q))}`);
    }
  }
  const parts = [];
  for (const m of marks) {
    const a = Math.max(r0, m.startSec), b = Math.min(rEnd, m.endSec);
    if (b > a) parts.push(`<rect x="${x(a)}" y="${LABEL_BAND_MM}" width="${r2((b - a) * MM_PER_SEC)}" height="${H - LABEL_BAND_MM}" fill="#2563eb" fill-opacity="0.09"/>`);
  }
  for (const e of afEpisodes) {
    const a = Math.max(r0, e.startSec), b = Math.min(rEnd, e.endSec);
    if (b > a) parts.push(`<rect x="${x(a)}" y="0.2" width="${r2((b - a) * MM_PER_SEC)}" height="1.9" fill="#f59e0b"/>` +
      `<text x="${r2(x(a) + 0.5)}" y="1.7" font-size="1.7" font-weight="bold" fill="#fff">AF</text>`);
  }
  for (const l of lines) {
    if (l.t >= r0 && l.t <= rEnd) parts.push(`<line x1="${x(l.t)}" y1="${LABEL_BAND_MM}" x2="${x(l.t)}" y2="${H}" stroke="#b45309" stroke-width="0.25" stroke-dasharray="1 0.6"/>` +
      `<text x="${r2(x(l.t) + 0.6)}" y="${H - 1}" font-size="2.2" fill="#b45309">${esc(l.text)}</text>`);
  }
  const labels = [];
  for (const bt of beats) {
    const t = bt.sample / fs;
    if (t < r0 || t >= rEnd) continue;
    const c = CLASS_COLORS[bt.label] ?? '#6b7280';
    labels.push(`<text x="${x(t)}" y="4.2" font-size="2.6" text-anchor="middle" fill="${c}" data-sample="${bt.sample}">${esc(bt.label ?? '•')}</text>`);
  }
  for (const m of marks) {
    if (m.text && m.startSec >= r0 && m.startSec < rEnd) {
      const xm = Math.min(x(Math.min(rEnd, m.endSec)), W) / 2 + x(m.startSec) / 2;
      parts.push(`<text x="${r2(xm)}" y="${LABEL_BAND_MM + 3}" font-size="2.6" text-anchor="middle" fill="#1d4ed8">${esc(m.text)}</text>`);
    }
  }
  const calBase = r2(Math.max(LABEL_BAND_MM + MM_PER_MV + 1, Math.min(H - 1, yZero)));
  const cal = `<svg class="ecg-cal" width="${CAL_MM}mm" height="${H}mm" viewBox="0 0 ${CAL_MM} ${H}" aria-label="1 mV calibration pulse">` +
    `${paperGrid(CAL_MM, H)}<path data-mv="1" d="M0 ${calBase}H1.5V${r2(calBase - MM_PER_MV)}H${1.5 + 0.2 * MM_PER_SEC}V${calBase}H${CAL_MM}" ` +
    `fill="none" stroke="#000" stroke-width="0.3"/></svg>`;
  return `<div class="strip-row"><div class="strip-time">${clock(r0, 1)} – ${clock(rEnd, 1)}</div><div class="strip-line">${cal}` +
    `<svg class="ecg-strip" width="${W}mm" height="${H}mm" viewBox="0 0 ${W} ${H}" data-start-sec="${r2(r0 * 1000) / 1000}" ` +
    `data-seconds="${r2(sec * 1000) / 1000}" role="img" aria-label="ECG ${clock(r0)} to ${clock(rEnd)}" font-family="Helvetica, Arial, sans-serif">` +
    `${paperGrid(W, H)}${parts.join('')}<polyline points="${pts.join(' ')}" fill="none" stroke="#000" stroke-width="0.25" stroke-linejoin="round"/>` +
    `${labels.join('')}</svg></div></div>`;
}
