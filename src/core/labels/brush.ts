/**
 * The labels brush: which pixels one stamp covers, and where to stamp along a stroke.
 *
 * Footprint rule: a pixel belongs to the stamp when its centre lies strictly inside the
 * ellipse (disc, or ball in 3D) of radius `diameter / 2` around the sub-pixel centre, i.e.
 * sum_i ((x_i - c_i) / r_i)^2 < 1. In 2D this is skimage.draw.disk(center, diameter / 2)
 * (skimage.draw.ellipse when the axes have different scales), reproduced operation by
 * operation so the pixel sets are identical. napari's own brush rounds the centre and uses
 * radius floor(size / 2) + 0.5; this rule keeps the sub-pixel centre instead, so a stroke
 * follows the pointer without jumping by whole pixels.
 *
 * Anisotropic layers (napari's layer `scale`): the brush is round in world space, as
 * napari's `sphere_indices` makes it: the radius along axis i is (diameter / 2) *
 * min(scale) / scale_i, so `diameter` counts pixels of the finest axis.
 */

export interface FootprintOptions {
  /** Physical size of one pixel per axis; default 1 for every axis. */
  readonly scale?: readonly number[];
  /** Clip to [0, shape_i) per axis, as skimage's `shape` argument does. */
  readonly shape?: readonly number[];
}

/**
 * Pixels of one stamp centred on `center` (any number of axes, usually 2 or 3), as one
 * Int32Array of coordinates per axis in C order (first axis slowest), like skimage's
 * (rr, cc). Throws on a diameter below 1 or non-finite input.
 */
export function brushFootprint(center: readonly number[], diameter: number, options: FootprintOptions = {}): Int32Array[] {
  const ndim = center.length;
  if (!(diameter >= 1) || !Number.isFinite(diameter)) {
    throw new RangeError(`brush size must be a finite number >= 1, got ${diameter}`);
  }
  if (ndim < 1 || !center.every(Number.isFinite)) {
    throw new RangeError(`brush centre must be finite coordinates, got [${center.join(', ')}]`);
  }
  const scale = options.scale ?? new Array<number>(ndim).fill(1);
  if (scale.length !== ndim || !scale.every(s => Number.isFinite(s) && s !== 0)) {
    throw new RangeError(`expected ${ndim} finite non-zero scale values, got [${scale.join(', ')}]`);
  }
  const finest = Math.min(...scale.map(Math.abs));
  const radii = scale.map(s => ((diameter / 2) * finest) / Math.abs(s));
  // Bounding box as skimage computes it: ceil(c - r) .. floor(c + r), clipped to the shape.
  const upperLeft = center.map((c, i) => Math.ceil(c - radii[i]));
  const lowerRight = center.map((c, i) => Math.floor(c + radii[i]));
  if (options.shape) {
    const shape = options.shape;
    for (let i = 0; i < ndim; i++) {
      upperLeft[i] = Math.max(upperLeft[i], 0);
      lowerRight[i] = Math.min(lowerRight[i], shape[i] - 1);
    }
  }
  const extent = upperLeft.map((ul, i) => lowerRight[i] - ul + 1);
  if (extent.some(n => n <= 0)) return center.map(() => new Int32Array(0));
  // skimage measures from the centre shifted into the box: (i_local - (c - ul)) / r, and sums
  // the squared terms axis by axis; the outer axes' partial sum is reused along the last axis.
  const shifted = center.map((c, i) => c - upperLeft[i]);
  const total = extent.reduce((a, n) => a * n, 1);
  const coords = center.map(() => new Int32Array(total));
  const last = ndim - 1;
  const lastExtent = extent[last];
  const lastShift = shifted[last];
  const lastRadius = radii[last];
  const lastOrigin = upperLeft[last];
  const local = new Array<number>(ndim).fill(0);
  let count = 0;
  for (let outer = 0; outer < total / lastExtent; outer++) {
    let partial = 0;
    for (let i = 0; i < last; i++) {
      const t = (local[i] - shifted[i]) / radii[i];
      partial += t * t;
    }
    if (partial < 1) {
      for (let x = 0; x < lastExtent; x++) {
        const t = (x - lastShift) / lastRadius;
        if (partial + t * t < 1) {
          for (let i = 0; i < last; i++) coords[i][count] = upperLeft[i] + local[i];
          coords[last][count++] = lastOrigin + x;
        }
      }
    }
    // Advance the outer index, second-to-last axis fastest.
    for (let i = last - 1; i >= 0; i--) {
      if (++local[i] < extent[i]) break;
      local[i] = 0;
    }
  }
  // Views, not copies: the caller reads them once and drops them.
  return coords.map(c => c.subarray(0, count));
}

/**
 * Centres to stamp when the pointer moves from `previous` to `current` during a stroke, as
 * napari's `interpolate_coordinates`: round(max_i |current_i - previous_i| / diameter * 4)
 * steps of linear interpolation, i.e. stamps at most a quarter brush apart, so a fast stroke
 * leaves no gaps. `previous` was stamped already and is not repeated; with no previous
 * position (stroke start) the result is just `current`. One deliberate difference: for a
 * move under an eighth of the brush (0 steps) napari re-stamps the old point; this stamps
 * the new one, so slow strokes still follow the pointer.
 */
export function strokeCenters(previous: readonly number[] | null, current: readonly number[], diameter: number): number[][] {
  if (!previous) return [[...current]];
  if (previous.length !== current.length) {
    throw new RangeError(`stroke positions must have the same length, got ${previous.length} and ${current.length}`);
  }
  const longest = Math.max(...current.map((c, i) => Math.abs(c - previous[i])));
  const steps = roundHalfEven((longest / diameter) * 4);
  if (steps === 0) return [[...current]];
  const centers: number[][] = [];
  for (let k = 1; k <= steps; k++) {
    // numpy.linspace: start + k * (delta / steps), with the last point exactly `current`.
    centers.push(k === steps ? [...current] : previous.map((p, i) => p + k * ((current[i] - p) / steps)));
  }
  return centers;
}

/** Python's and numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // `+ 0` turns Math.round's -0 into 0.
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0;
}
