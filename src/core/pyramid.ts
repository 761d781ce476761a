import { TypedArray } from './dtypes';
import { NDArray } from './ndarray';

/**
 * Multiscale images, as napari's `multiscale=True`: a list of arrays, level 0 at full
 * resolution, each next level smaller (or equal) along every axis. Pure functions only; the
 * renderer decides which level and which tiles of it to show.
 */

export class PyramidError extends Error {}

const fmt = (shape: readonly number[]) => `(${shape.join(', ')})`;

/**
 * Checks that `levels` form a pyramid: the same dtype and number of axes, every axis no
 * longer than on the level before, at least one axis shorter (napari sorts levels by size and
 * a repeated level is almost always a mistake), and the colour axis (`channels` > 0, RGB(A))
 * unchanged. Every rejection names the level and what was expected.
 */
export function checkPyramid(levels: readonly NDArray[], channels = 0): void {
  if (levels.length === 0) {
    throw new PyramidError('expected a multiscale image as a list of at least one array, got an empty list');
  }
  const [first] = levels;
  const spatial = first.shape.length - (channels > 0 ? 1 : 0);
  for (let i = 1; i < levels.length; i++) {
    const prev = levels[i - 1].shape;
    const { shape, dtype } = levels[i];
    if (dtype !== first.dtype) {
      throw new PyramidError(`expected every level of a multiscale image to have dtype ${first.dtype}, level ${i} has ${dtype}`);
    }
    if (shape.length !== first.shape.length) {
      throw new PyramidError(`expected every level to have ${first.shape.length} axes like level 0 ${fmt(first.shape)}, level ${i} has shape ${fmt(shape)}`);
    }
    if (channels > 0 && shape[spatial] !== channels) {
      throw new PyramidError(`expected every level to keep the ${channels} colour channels of level 0, level ${i} has shape ${fmt(shape)}`);
    }
    const axes = shape.slice(0, spatial);
    if (axes.some((n, a) => n > prev[a]) || axes.every((n, a) => n === prev[a])) {
      throw new PyramidError(
        `expected each level of a multiscale image to be smaller than the one before (largest first), level ${i} ${fmt(shape)} after ${fmt(prev)}`
      );
    }
  }
}

/**
 * Per spatial axis, how many level-0 pixels one pixel of `shape` spans: level 0's length
 * over the level's (napari's downsample factors; 2 for a 2× pyramid, not always an integer).
 */
export function downsampleFactors(shape0: readonly number[], shape: readonly number[], spatial: number): number[] {
  return Array.from({ length: spatial }, (_, a) => shape0[a] / shape[a]);
}

/**
 * The level to draw: the coarsest whose pixels still cover at most one screen pixel along
 * both displayed axes (so nothing visible is lost), or level 0 when even that is magnified.
 * `factors[level] = [rowFactor, colFactor]`; `screenPerPixel` = screen pixels per level-0
 * pixel along [rows, cols].
 */
export function chooseLevel(factors: readonly (readonly [number, number])[], screenPerPixel: readonly [number, number]): number {
  let best = 0;
  for (let level = 1; level < factors.length; level++) {
    const [fr, fc] = factors[level];
    // A small tolerance keeps the level steady at exact powers of two (floating noise).
    if (fr * screenPerPixel[0] <= 1 + 1e-9 && fc * screenPerPixel[1] <= 1 + 1e-9) best = level;
  }
  return best;
}

/** A 2D plane inside an nD buffer, described by strides (elements), so no copy is needed. */
export interface StridedPlane {
  data: TypedArray;
  offset: number;
  rows: number;
  cols: number;
  rowStride: number;
  colStride: number;
  /** Interleaved channels per pixel (1, or 3|4 for RGB(A)), contiguous in the buffer. */
  channels: number;
}

/** The plane of `array` through `step` spanned by `displayed` = [row axis, col axis], as strides. */
export function stridedPlane(array: NDArray, step: readonly number[], displayed: readonly [number, number], channels = 0): StridedPlane {
  const { shape } = array;
  const spatial = shape.length - (channels > 0 ? 1 : 0);
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a];
  }
  let offset = 0;
  for (let a = 0; a < spatial; a++) {
    if (a === displayed[0] || a === displayed[1]) continue;
    const index = step[a];
    if (!(Number.isInteger(index) && index >= 0 && index < shape[a])) {
      throw new RangeError(`expected index ${index} on axis ${a} within [0, ${shape[a]})`);
    }
    offset += index * strides[a];
  }
  const [r, c] = displayed;
  return { data: array.data, offset, rows: shape[r], cols: shape[c], rowStride: strides[r], colStride: strides[c], channels: Math.max(1, channels) };
}

/**
 * Copies a rows × cols tile out of a strided plane into `out` (row-major, channels
 * interleaved), taking every `step`-th source pixel starting at (row0, col0) plus `step / 2`
 * rounded down, so a virtual 2^k level samples the middle of each block it stands for
 * (nearest-neighbour downsampling, what napari does for 2D images too large for the GPU).
 * Samples past the plane's edge repeat the last sample inside it (the last index ≡ step / 2
 * modulo step), so a lazy source asked for `start:stop:step` gives exactly the same texels. `out` may be a Float32Array for
 * dtypes the GPU has no texture format for (float64, 64-bit integers): values are converted.
 */
export function gatherTile(
  plane: StridedPlane,
  row0: number,
  col0: number,
  rows: number,
  cols: number,
  step: number,
  out: TypedArray
): void {
  const { data, offset, rowStride, colStride, channels } = plane;
  const phase = Math.floor(step / 2);
  const lastRow = lastSample(plane.rows - 1, step);
  const lastCol = lastSample(plane.cols - 1, step);
  const convert = (typeof data[0] === 'bigint') !== (typeof out[0] === 'bigint');
  const src = data as unknown as Float64Array; // same element kind on both sides unless converting
  const dst = out as unknown as Float64Array;
  const colOffsets = new Int32Array(cols);
  for (let c = 0; c < cols; c++) colOffsets[c] = Math.min(lastCol, (col0 + c) * step + phase) * colStride;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const base = offset + Math.min(lastRow, (row0 + r) * step + phase) * rowStride;
    if (channels === 1 && !convert) {
      for (let c = 0; c < cols; c++) dst[o++] = src[base + colOffsets[c]];
    } else {
      for (let c = 0; c < cols; c++) {
        const p = base + colOffsets[c];
        for (let ch = 0; ch < channels; ch++) dst[o++] = convert ? Number(src[p + ch]) : src[p + ch];
      }
    }
  }
}

/** The last index ≤ `last` that sampling every `step` from `step / 2` takes (`last` itself if none). */
export function lastSample(last: number, step: number): number {
  const phase = Math.floor(step / 2);
  return last < phase ? last : phase + Math.floor((last - phase) / step) * step;
}
