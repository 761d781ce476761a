/**
 * Feature binning for training: each feature's values are cut at (up to) 255 quantile
 * thresholds, so a node's best split is found from per-bin class counts (one pass over its
 * samples) instead of sorting them, the idea of LightGBM and scikit-learn's
 * HistGradientBoosting. Thresholds are midpoints between neighbouring distinct values, as
 * scikit-learn's exact trees place them, and a tree stores them as floats: prediction runs on
 * unbinned features, in the browser and in Python alike.
 */

export const MAX_BINS = 256;

export interface Binned {
  /** (nSamples × nFeatures) bin codes, sample-major. */
  codes: Uint8Array;
  /** thresholds[f][b]: a value goes to bin > b when it is > thresholds[f][b]. */
  thresholds: Float32Array[];
  nSamples: number;
  nFeatures: number;
}

/**
 * `x` is feature-major (nFeatures × nSamples), as feature stacks are stored. Quantiles come
 * from at most `subsample` evenly strided samples (scikit-learn's binner subsamples too).
 */
export function binFeatures(x: Float32Array, nSamples: number, nFeatures: number, subsample = 200_000): Binned {
  if (x.length !== nSamples * nFeatures) throw new RangeError(`expected ${nSamples} × ${nFeatures} values, got ${x.length}`);
  const codes = new Uint8Array(nSamples * nFeatures);
  const thresholds: Float32Array[] = [];
  const stride = Math.max(1, Math.floor(nSamples / subsample));
  for (let f = 0; f < nFeatures; f++) {
    const column = x.subarray(f * nSamples, (f + 1) * nSamples);
    const t = quantileThresholds(column, stride);
    thresholds.push(t);
    for (let i = 0; i < nSamples; i++) codes[i * nFeatures + f] = binOf(t, column[i]);
  }
  return { codes, thresholds, nSamples, nFeatures };
}

function quantileThresholds(column: Float32Array, stride: number): Float32Array {
  const sample: number[] = [];
  for (let i = 0; i < column.length; i += stride) sample.push(column[i]);
  const sorted = Float64Array.from(sample).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  const cuts: number[] = [];
  if (distinct.length <= MAX_BINS) {
    for (let i = 0; i + 1 < distinct.length; i++) cuts.push(midpoint(distinct[i], distinct[i + 1]));
  } else {
    // Quantiles of the sorted sample, each moved to the midpoint between the distinct values
    // it falls between, so no threshold equals a training value.
    for (let b = 1; b < MAX_BINS; b++) {
      const v = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / MAX_BINS))];
      const k = upperIndex(distinct, v);
      if (k > 0 && k < distinct.length) {
        const c = midpoint(distinct[k - 1], distinct[k]);
        if (cuts.length === 0 || c > cuts[cuts.length - 1]) cuts.push(c);
      }
    }
  }
  return Float32Array.from(cuts);
}

/** float32 midpoint strictly between a < b where float32 allows (else b's lower neighbour). */
function midpoint(a: number, b: number): number {
  const m = Math.fround((a + b) / 2);
  return m < b ? m : Math.fround(a);
}

/** First index of `sorted` whose value is > v. */
function upperIndex(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bin of v: the number of thresholds below it (v > t goes right, as a tree's split). */
export function binOf(thresholds: Float32Array, v: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v > thresholds[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
