// Signal helpers of the strip chart (and of pages that feed it): a min/max pyramid, so that any zoom level of a
// 24-hour recording is drawn from at most a few buckets per pixel.

export const PYRAMID_FACTOR = 8;

/** Levels of [min, max] per bucket, bucket sizes 8, 64, 512, … samples, until a level has < 2048 buckets. */
export function minMaxPyramid(samples) {
  const levels = [];
  let srcMin = samples;
  let srcMax = samples;
  let size = 1;
  while (srcMin.length > 2048 || levels.length === 0) {
    const n = Math.ceil(srcMin.length / PYRAMID_FACTOR);
    const min = new Float32Array(n);
    const max = new Float32Array(n);
    for (let b = 0; b < n; b++) {
      const start = b * PYRAMID_FACTOR;
      const end = Math.min(start + PYRAMID_FACTOR, srcMin.length);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < end; i++) {
        if (srcMin[i] < lo) lo = srcMin[i];
        if (srcMax[i] > hi) hi = srcMax[i];
      }
      min[b] = lo;
      max[b] = hi;
    }
    size *= PYRAMID_FACTOR;
    levels.push({ size, min, max });
    srcMin = min;
    srcMax = max;
    if (n <= 1) break;
  }
  return levels;
}

/**
 * Min and max of samples[start, end) using the coarsest pyramid level that fits; falls back to the raw samples.
 * Returns [min, max] (NaN, NaN when the range is empty).
 */
export function rangeMinMax(samples, levels, start, end) {
  start = Math.max(0, Math.floor(start));
  end = Math.min(samples.length, Math.ceil(end));
  if (end <= start) return [NaN, NaN];
  let lo = Infinity;
  let hi = -Infinity;
  let level = null;
  for (const l of levels) if (l.size * 2 <= end - start) level = l;
  if (!level) {
    for (let i = start; i < end; i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  }
  // Raw head and tail, whole buckets in between.
  const b0 = Math.ceil(start / level.size);
  const b1 = Math.floor(end / level.size);
  const head = rangeMinMax(samples, levels, start, b0 * level.size);
  const tail = rangeMinMax(samples, levels, b1 * level.size, end);
  for (let b = b0; b < b1; b++) {
    if (level.min[b] < lo) lo = level.min[b];
    if (level.max[b] > hi) hi = level.max[b];
  }
  for (const [a, c] of [head, tail]) {
    if (a < lo) lo = a;
    if (c > hi) hi = c;
  }
  return [lo, hi];
}

/** Robust amplitude range of a lead, from the coarsest detailed level: [low, high] percentiles of bucket extremes. */
export function robustRange(samples, levels) {
  const l = levels.find((x) => x.min.length <= 200000) ?? levels[levels.length - 1];
  const lo = Float32Array.from(l.min).filter(Number.isFinite).sort();
  const hi = Float32Array.from(l.max).filter(Number.isFinite).sort();
  if (!lo.length) return [-1, 1];
  const q = (a, p) => a[Math.min(a.length - 1, Math.max(0, Math.round(p * (a.length - 1))))];
  let low = q(lo, 0.01);
  let high = q(hi, 0.99);
  if (!(high > low)) { low -= 1; high += 1; }
  const pad = (high - low) * 0.08;
  return [low - pad, high + pad];
}
