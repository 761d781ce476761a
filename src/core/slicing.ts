import { typedArrayConstructor } from './dtypes';
import { NDArray } from './ndarray';

/** Element strides of a C-ordered array of this shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = stride;
    stride *= shape[a];
  }
  return strides;
}

/**
 * The 2D plane of `array` spanned by the `displayed` axes (rows, cols) at `step` on the other
 * axes, as napari slices a layer for display. `channels` > 0 means the array has one more,
 * trailing colour axis of that length that every pixel carries along (RGB images).
 *
 * Zero-copy (a subarray view) when the displayed axes are the last two data axes in order,
 * which is the common case and what keeps slicing a large volume cheap; a copy otherwise.
 */
export function planeOf(array: NDArray, step: readonly number[], displayed: readonly [number, number], channels = 0): NDArray {
  const shape = array.shape;
  const ndim = shape.length - (channels > 0 ? 1 : 0);
  const [r, c] = displayed;
  if (step.length !== ndim) {
    throw new RangeError(`expected a step of ${ndim} indices for shape (${shape.join(', ')}), got [${step.join(', ')}]`);
  }
  if (!(Number.isInteger(r) && Number.isInteger(c) && r !== c && r >= 0 && c >= 0 && r < ndim && c < ndim)) {
    throw new RangeError(`expected two different displayed axes in [0, ${ndim}), got [${r}, ${c}]`);
  }
  const strides = stridesOf(shape);
  let offset = 0;
  for (let a = 0; a < ndim; a++) {
    if (a === r || a === c) continue;
    if (!(Number.isInteger(step[a]) && step[a] >= 0 && step[a] < shape[a])) {
      throw new RangeError(`expected step[${a}] to be an integer in [0, ${shape[a]}), got ${step[a]}`);
    }
    offset += step[a] * strides[a];
  }
  const perPixel = Math.max(1, channels);
  const rows = shape[r];
  const cols = shape[c];
  const outShape = channels > 0 ? [rows, cols, channels] : [rows, cols];
  const { dtype, data } = array;
  if (r === ndim - 2 && c === ndim - 1) {
    return { dtype, shape: outShape, data: data.subarray(offset, offset + rows * cols * perPixel) };
  }
  const out = new (typedArrayConstructor(dtype))(rows * cols * perPixel);
  // Element-wise copy between arrays of the same type; typed as number only because
  // TypeScript cannot express "same element type" across the TypedArray union (bigint too).
  const src = data as unknown as { [i: number]: number };
  const dst = out as unknown as { [i: number]: number };
  const rowStride = strides[r];
  const colStride = strides[c];
  let k = 0;
  for (let i = 0; i < rows; i++) {
    let at = offset + i * rowStride;
    for (let j = 0; j < cols; j++, at += colStride) {
      for (let ch = 0; ch < perPixel; ch++) dst[k++] = src[at + ch];
    }
  }
  return { dtype, shape: outShape, data: out };
}

/**
 * The box [start, stop) of a C-order array as a new C-order array (e.g. the part of a labels
 * layer an edit touched, to send instead of the whole layer): one contiguous copy per run
 * along the last axis.
 */
export function copyRegion(array: NDArray, start: readonly number[], stop: readonly number[]): NDArray {
  const { shape } = array;
  if (start.length !== shape.length || stop.length !== shape.length || shape.some((n, a) => !(start[a] >= 0 && start[a] < stop[a] && stop[a] <= n))) {
    throw new RangeError(`expected a box inside shape (${shape.join(', ')}), got [${start.join(', ')}] to [${stop.join(', ')}]`);
  }
  const outShape = stop.map((b, a) => b - start[a]);
  const strides = stridesOf(shape);
  const out = new (typedArrayConstructor(array.dtype))(outShape.reduce((x, y) => x * y, 1));
  const last = shape.length - 1;
  const run = outShape[last];
  // Same element type on both sides: the cast only lets set() accept it.
  const src = array.data as unknown as Float64Array;
  const dst = out as unknown as Float64Array;
  const index = [...start];
  for (let o = 0; o < out.length; o += run) {
    let offset = 0;
    for (let a = 0; a < last; a++) offset += index[a] * strides[a];
    offset += start[last];
    dst.set(src.subarray(offset, offset + run), o);
    for (let a = last - 1; a >= 0; a--) {
      if (++index[a] < stop[a]) break;
      index[a] = start[a];
    }
  }
  return { dtype: array.dtype, shape: outShape, data: out };
}

/** Writes `region` (a C-order array) into the box of `array` that starts at `start`: copyRegion's inverse. */
export function pasteRegion(array: NDArray, start: readonly number[], region: NDArray): void {
  const { shape } = array;
  if (region.dtype !== array.dtype) throw new TypeError(`expected ${array.dtype} pixels, got ${region.dtype}`);
  const size = region.shape;
  if (start.length !== shape.length || size.length !== shape.length || shape.some((n, a) => !(start[a] >= 0 && size[a] >= 1 && start[a] + size[a] <= n))) {
    throw new RangeError(`expected a box inside shape (${shape.join(', ')}), got [${start.join(', ')}] + (${size.join(', ')})`);
  }
  const strides = stridesOf(shape);
  const last = shape.length - 1;
  const run = size[last];
  const src = region.data as unknown as Float64Array;
  const dst = array.data as unknown as Float64Array;
  const index = [...start];
  for (let o = 0; o < src.length; o += run) {
    let offset = start[last];
    for (let a = 0; a < last; a++) offset += index[a] * strides[a];
    dst.set(src.subarray(o, o + run), offset);
    for (let a = last - 1; a >= 0; a--) {
      if (++index[a] < start[a] + size[a]) break;
      index[a] = start[a];
    }
  }
}
