import { NDArray } from './ndarray';

export interface Histogram {
  /** Left edge of the first bin and right edge of the last, in data units. */
  range: [number, number];
  /** Count per bin (equal-width bins). */
  counts: Float64Array;
  /** Values that were NaN or ±Inf, not counted in any bin. */
  nonFinite: number;
}

/**
 * Equal-width histogram of the finite values of an array over `range` (default: their min and
 * max), like numpy.histogram: bins are half-open [a, b) except the last, which includes its
 * right edge; values outside `range` are not counted. For images larger than `maxSamples` a
 * regular stride sample is used, since the histogram is only a guide for contrast limits and
 * must stay cheap to recompute when the slice changes.
 */
export function histogram(
  array: NDArray,
  bins = 128,
  range?: [number, number],
  maxSamples = 1 << 20
): Histogram {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`expected a positive integer number of bins, got ${bins}`);
  }
  const data = array.data;
  const n = data.length;
  const stride = Math.max(1, Math.ceil(n / maxSamples));
  const isBig = data instanceof BigInt64Array || data instanceof BigUint64Array;
  const read = (i: number) => (isBig ? Number(data[i]) : (data[i] as number));
  let [lo, hi] = range ?? [Infinity, -Infinity];
  if (!range) {
    for (let i = 0; i < n; i += stride) {
      const v = read(i);
      if (v - v === 0) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo > hi) [lo, hi] = [0, 1];
    if (lo === hi) hi = lo + 1;
  }
  if (!(hi > lo)) {
    throw new RangeError(`expected a histogram range [low, high] with low < high, got [${lo}, ${hi}]`);
  }
  const counts = new Float64Array(bins);
  const scale = bins / (hi - lo);
  let nonFinite = 0;
  for (let i = 0; i < n; i += stride) {
    const v = read(i);
    if (v - v !== 0) {
      nonFinite++;
      continue;
    }
    if (v < lo || v > hi) continue;
    const bin = v === hi ? bins - 1 : Math.floor((v - lo) * scale);
    counts[bin]++;
  }
  return { range: [lo, hi], counts, nonFinite };
}
