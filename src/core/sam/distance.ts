/**
 * The image operations micro-sam's `_compute_points_from_mask` uses, on (H, W) row-major
 * planes, reproduced to the last bit where the reference is exact:
 *
 * - `distanceTransformEdt`: scipy.ndimage.distance_transform_edt (exact Euclidean distance of
 *   every non-zero pixel to the nearest zero pixel), by Felzenszwalb & Huttenlocher's lower
 *   envelope of parabolas, separably on squared distances (integers, so exact in doubles);
 *   the square root of the same integer is the same double scipy returns.
 * - `gaussianSigma1`: skimage.filters.gaussian(sigma=1) = scipy.ndimage.gaussian_filter with
 *   truncate 4, mode 'nearest': axis 0 then axis 1, with scipy's kernel and its summation
 *   order for symmetric kernels, so the result is bit-identical (peak detection compares
 *   floats for equality, so ulps matter).
 * - `peakLocalMax`: skimage.feature.peak_local_max(exclude_border=False, min_distance=d) with
 *   its defaults: maximum filter over a (2d+1)² window (mode 'nearest'), no peaks in a
 *   constant image, peaks strictly above the image minimum, sorted by value (stable, in C
 *   order), then greedily spaced (Chebyshev distance >= d to every accepted peak).
 * - `outerBoundaries`: skimage.segmentation.find_boundaries(mode='outer') of a binary mask:
 *   the background pixels with a 4-connected foreground neighbour.
 */

/** Squared EDT along one line: `f` holds 0 (a zero pixel) or Infinity, the result goes to `d`. */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    d.fill(Infinity, 0, n);
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = q - v[k];
    d[q] = dq * dq + f[v[k]];
  }
}

/**
 * Euclidean distance of each non-zero pixel to the nearest zero pixel (0 on zero pixels).
 * Without any zero pixel every distance is Infinity (scipy returns distances to an arbitrary
 * point outside the image there; callers avoid that case).
 */
export function distanceTransformEdt(mask: ArrayLike<number>, height: number, width: number): Float64Array {
  const n = Math.max(height, width);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const sq = new Float64Array(height * width);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = mask[y * width + x] ? Infinity : 0;
    edt1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) sq[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = sq[row + x];
    edt1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) sq[row + x] = Math.sqrt(d[x]);
  }
  return sq;
}

// scipy's _gaussian_kernel1d(sigma=1, order=0, radius=4): exp(-x²/2) / its numpy sum, as
// doubles (copied from scipy's output rather than recomputed: Math.exp need not round as numpy's
// exp does). Index 0 is the outermost tap, 4 the centre.
const GAUSS1 = [0.00013383062461474175, 0.0044318616200312655, 0.05399112742070441, 0.24197144565660073, 0.39894346935609776];
const RADIUS = 4;

/** scipy's correlate1d for a symmetric kernel, mode 'nearest', on one line (`line` has RADIUS of padding each side). */
function gaussLine(line: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const c = i + RADIUS;
    let acc = line[c] * GAUSS1[RADIUS];
    for (let j = -RADIUS; j < 0; j++) acc += (line[c + j] + line[c - j]) * GAUSS1[RADIUS + j];
    out[i] = acc;
  }
}

/** skimage.filters.gaussian(image, sigma=1) of a float plane (see the module comment). */
export function gaussianSigma1(image: ArrayLike<number>, height: number, width: number): Float64Array {
  const tmp = new Float64Array(height * width);
  const out = new Float64Array(height * width);
  const line = new Float64Array(Math.max(height, width) + 2 * RADIUS);
  const res = new Float64Array(Math.max(height, width));
  for (let x = 0; x < width; x++) {
    for (let y = -RADIUS; y < height + RADIUS; y++) line[y + RADIUS] = image[Math.min(Math.max(y, 0), height - 1) * width + x];
    gaussLine(line, height, res);
    for (let y = 0; y < height; y++) tmp[y * width + x] = res[y];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = -RADIUS; x < width + RADIUS; x++) line[x + RADIUS] = tmp[row + Math.min(Math.max(x, 0), width - 1)];
    gaussLine(line, width, res);
    out.set(res.subarray(0, width), row);
  }
  return out;
}

/** Maximum over the (2r+1)² window clipped to the plane (= scipy's maximum_filter, mode 'nearest'). */
function maximumFilter(image: ArrayLike<number>, height: number, width: number, r: number): Float64Array {
  const tmp = new Float64Array(height * width);
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = -Infinity;
      for (let k = Math.max(x - r, 0); k <= Math.min(x + r, width - 1); k++) m = Math.max(m, image[y * width + k]);
      tmp[y * width + x] = m;
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let m = -Infinity;
      for (let k = Math.max(y - r, 0); k <= Math.min(y + r, height - 1); k++) m = Math.max(m, tmp[k * width + x]);
      out[y * width + x] = m;
    }
  }
  return out;
}

/** skimage's peak_local_max(image, min_distance, exclude_border=False): [row, column] pairs, highest first. */
export function peakLocalMax(image: ArrayLike<number>, height: number, width: number, minDistance: number): Array<[number, number]> {
  const n = height * width;
  if (n === 0) return [];
  let lo = Infinity;
  for (let i = 0; i < n; i++) lo = Math.min(lo, image[i]);
  const candidates: number[] = [];
  if (n === 1) {
    // footprint or image of size 1: every pixel above the threshold
  } else {
    const max = maximumFilter(image, height, width, minDistance);
    let trivial = true;
    for (let i = 0; i < n; i++) {
      if (image[i] === max[i]) candidates.push(i);
      else trivial = false;
    }
    if (trivial) return [];
  }
  const peaks = candidates.filter(i => image[i] > lo);
  // Stable sort by value, highest first (numpy argsort(-v, kind='stable')).
  peaks.sort((a, b) => image[b] - image[a] || a - b);
  const accepted: Array<[number, number]> = [];
  for (const i of peaks) {
    const y = Math.floor(i / width);
    const x = i - y * width;
    if (accepted.every(([ay, ax]) => Math.max(Math.abs(ay - y), Math.abs(ax - x)) >= minDistance)) accepted.push([y, x]);
  }
  return accepted;
}

/** find_boundaries(mask, mode='outer') of a binary mask: background pixels touching the mask (4-connected). */
export function outerBoundaries(mask: ArrayLike<number>, height: number, width: number): Uint8Array {
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask[i]) continue;
      if ((x > 0 && mask[i - 1]) || (x < width - 1 && mask[i + 1]) || (y > 0 && mask[i - width]) || (y < height - 1 && mask[i + width])) out[i] = 1;
    }
  }
  return out;
}
