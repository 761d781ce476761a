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
