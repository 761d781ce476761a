/**
 * One-dimensional Gaussian kernels and the separable passes that apply them, defined as
 * scipy.ndimage defines them, so that each filter has a reference to be tested against:
 *
 * - `gaussianKernel1d(sigma, order, radius)` is scipy.ndimage's `_gaussian_kernel1d`: the
 *   normalised Gaussian on -radius..radius, and for order 1 and 2 the polynomial times it that
 *   differentiating exp(-x²/2σ²) gives (-x/σ², x²/σ⁴ - 1/σ²), not renormalised.
 * - `kernelRadius(sigma, truncate)` = int(truncate·σ + 0.5), scipy's `lw`.
 * - `convolveAxis` is `gaussian_filter1d`'s convolution with such a kernel along one axis of
 *   a C-ordered array, accumulated in float64, stored in float32 (scipy keeps the input dtype).
 *   It reads only inside the array: values within `radius` of the array's ends along that axis
 *   clamp (they are garbage, which is why callers pad first; see ./pad.ts).
 */

export type DerivativeOrder = 0 | 1 | 2;

export function kernelRadius(sigma: number, truncate: number): number {
  return Math.floor(truncate * sigma + 0.5);
}

export function gaussianKernel1d(sigma: number, order: DerivativeOrder, radius: number): Float64Array {
  if (!(sigma > 0)) throw new RangeError(`expected a positive σ, got ${sigma}`);
  const n = 2 * radius + 1;
  const phi = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = i - radius;
    phi[i] = Math.exp((-0.5 / (sigma * sigma)) * x * x);
    sum += phi[i];
  }
  const s2 = sigma * sigma;
  for (let i = 0; i < n; i++) {
    const x = i - radius;
    const g = phi[i] / sum;
    phi[i] = order === 0 ? g : order === 1 ? (-x / s2) * g : (x * x / (s2 * s2) - 1 / s2) * g;
  }
  return phi;
}

/**
 * out = input convolved along `axis` with `kernel` (length 2r+1, centred): out[i] =
 * Σ_j kernel[r + j] · input[i - j]. `shape` is C-ordered; `input` and `out` must differ.
 */
export function convolveAxis(input: Float32Array, shape: readonly number[], axis: number, kernel: Float64Array, out: Float32Array): void {
  const r = (kernel.length - 1) >> 1;
  const n = shape[axis];
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a];
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a];
  // Convolution = correlation with the reversed kernel: w[k] multiplies input[i + k - r].
  const w = Float64Array.from(kernel).reverse();
  if (inner === 1) {
    for (let o = 0; o < outer; o++) convolveLine(input, out, o * n, n, w, r);
    return;
  }
  // A strided axis: accumulate whole rows of `inner` values at a time (contiguous, cache-friendly).
  const acc = new Float64Array(inner);
  const sign = symmetry(w);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < n; i++) {
      const dst = base + i * inner;
      if (sign !== 0 && i >= r && i < n - r) {
        // Interior, folded: w[r]·row(i) + Σ_k w[r+k]·(row(i+k) ± row(i-k)).
        const wc = w[r];
        for (let t = 0; t < inner; t++) acc[t] = wc * input[dst + t];
        for (let k = 1; k <= r; k++) {
          const wk = w[r + k];
          const up = dst + k * inner;
          const down = dst - k * inner;
          if (sign > 0) for (let t = 0; t < inner; t++) acc[t] += wk * (input[up + t] + input[down + t]);
          else for (let t = 0; t < inner; t++) acc[t] += wk * (input[up + t] - input[down + t]);
        }
      } else {
        acc.fill(0);
        for (let k = 0; k < w.length; k++) {
          const wk = w[k];
          if (wk === 0) continue;
          let j = i + k - r;
          j = j < 0 ? 0 : j >= n ? n - 1 : j;
          const src = base + j * inner;
          for (let t = 0; t < inner; t++) acc[t] += wk * input[src + t];
        }
      }
      for (let t = 0; t < inner; t++) out[dst + t] = acc[t];
    }
  }
}

/**
 * One contiguous line: the interior without bounds checks (folding the symmetric or
 * antisymmetric Gaussian kernels, which halves the multiplications), the ends clamped.
 */
function convolveLine(input: Float32Array, out: Float32Array, start: number, n: number, w: Float64Array, r: number): void {
  const m = w.length;
  const lo = Math.min(r, n);
  const hi = Math.max(lo, n - r);
  for (let i = 0; i < lo; i++) out[start + i] = clampedSum(input, start, n, i, w, r);
  const sign = symmetry(w);
  if (sign === 0) {
    for (let i = lo; i < hi; i++) {
      let s = 0;
      const from = start + i - r;
      for (let k = 0; k < m; k++) s += w[k] * input[from + k];
      out[start + i] = s;
    }
  } else {
    const wc = w[r];
    for (let i = lo; i < hi; i++) {
      const c = start + i;
      let s = wc * input[c];
      if (sign > 0) for (let k = 1; k <= r; k++) s += w[r + k] * (input[c + k] + input[c - k]);
      else for (let k = 1; k <= r; k++) s += w[r + k] * (input[c + k] - input[c - k]);
      out[c] = s;
    }
  }
  for (let i = hi; i < n; i++) out[start + i] = clampedSum(input, start, n, i, w, r);
}

/** 1 when w[r+k] = w[r-k], -1 when w[r+k] = -w[r-k] (and w[r] = 0), else 0. */
function symmetry(w: Float64Array): number {
  const r = (w.length - 1) >> 1;
  let sym = true;
  let anti = w[r] === 0;
  for (let k = 1; k <= r; k++) {
    if (w[r + k] !== w[r - k]) sym = false;
    if (w[r + k] !== -w[r - k]) anti = false;
  }
  return sym ? 1 : anti ? -1 : 0;
}

function clampedSum(input: Float32Array, start: number, n: number, i: number, w: Float64Array, r: number): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) {
    let j = i + k - r;
    j = j < 0 ? 0 : j >= n ? n - 1 : j;
    s += w[k] * input[start + j];
  }
  return s;
}
