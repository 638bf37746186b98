// Paper mode of the strip chart: ECG paper in true CSS millimetres (1 mm = 96 / 25.4 CSS px), at 25 or 50 mm/s and
// 5, 10 or 20 mm/mV, with 1 mm and 5 mm squares anchored to the time origin and the baseline, the 1 mV calibration
// pulse in a left gutter and the speed and gain written on the strip.

export const PX_PER_MM = 96 / 25.4;
export const PAPER_SPEEDS = Object.freeze([25, 50]);
export const PAPER_GAINS = Object.freeze([5, 10, 20]);
export const PAPER_MINOR = '#f4d3d3';
export const PAPER_MAJOR = '#e59a9a';

/** Checks a paper setting ({mmPerSec, mmPerMv}) and returns it with its CSS pixel scales. */
export function paperScale({ mmPerSec = 25, mmPerMv = 10 } = {}) {
  if (!PAPER_SPEEDS.includes(mmPerSec)) throw new RangeError(`paper speed must be one of ${PAPER_SPEEDS.join(', ')} mm/s`);
  if (!PAPER_GAINS.includes(mmPerMv)) throw new RangeError(`paper gain must be one of ${PAPER_GAINS.join(', ')} mm/mV`);
  return { mmPerSec, mmPerMv, pxPerSec: mmPerSec * PX_PER_MM, pxPerMv: mmPerMv * PX_PER_MM };
}

/** Width of the left gutter that holds the calibration pulse, in CSS px: the 0.2 s pulse plus 2 mm each side. */
export function gutterCss(paper) { return (0.2 * paper.mmPerSec + 4) * PX_PER_MM; }

/**
 * Draws the paper in device pixels: `left` the plot's left edge (the gutter's right edge), `x(sample)` and `yBase`
 * (the 0 mV line) the plot's mapping. Lines at every millimetre of time since the start of the recording and of
 * amplitude from the baseline; every fifth darker.
 */
export function drawPaperGrid(ctx, { paper, left, W, top, bottom, dpr, start, end, fs, x, yBase, theme }) {
  const mm = PX_PER_MM * dpr;
  const secPerMm = 1 / paper.mmPerSec;
  for (const major of [false, true]) {
    ctx.strokeStyle = major ? theme?.paperMajor ?? PAPER_MAJOR : theme?.paperMinor ?? PAPER_MINOR;
    ctx.lineWidth = 1;
    ctx.beginPath();
    const every = major ? 5 : 1;
    const k0 = Math.ceil(start / fs / secPerMm / every) * every;
    for (let k = k0; k * secPerMm * fs <= end; k += every) {
      const gx = Math.round(x(k * secPerMm * fs)) + 0.5;
      if (gx < left) continue;
      ctx.moveTo(gx, top);
      ctx.lineTo(gx, bottom);
    }
    const kTop = Math.floor((yBase - top) / mm / every) * every;
    for (let k = -kTop; yBase + k * mm <= bottom; k += every) {
      const gy = Math.round(yBase + k * mm) + 0.5;
      if (gy < top) continue;
      ctx.moveTo(left, gy);
      ctx.lineTo(W, gy);
    }
    ctx.stroke();
  }
}

/** The 1 mV calibration pulse on the baseline in the gutter, and the speed and gain at the plot's bottom left. */
export function drawCalibration(ctx, { paper, left, bottom, dpr, yBase, trace = '#111827' }) {
  const mm = PX_PER_MM * dpr;
  const x0 = 2 * mm;
  const x1 = x0 + 0.2 * paper.mmPerSec * mm;
  const h = paper.mmPerMv * mm;
  ctx.strokeStyle = trace;
  ctx.lineWidth = Math.max(1, 1.3 * dpr);
  ctx.beginPath();
  ctx.moveTo(0, yBase);
  ctx.lineTo(x0, yBase);
  ctx.lineTo(x0, yBase - h);
  ctx.lineTo(x1, yBase - h);
  ctx.lineTo(x1, yBase);
  ctx.lineTo(left, yBase);
  ctx.stroke();
  const text = `${paper.mmPerSec} mm/s · ${paper.mmPerMv} mm/mV`;
  ctx.font = `600 ${10.5 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  const w = ctx.measureText(text).width + 8 * dpr;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.fillRect(left + 2 * dpr, bottom - 16 * dpr, w, 15 * dpr);
  ctx.fillStyle = '#7f1d1d';
  ctx.fillText(text, left + 6 * dpr, bottom - 3 * dpr);
}
