import { NDArray } from './ndarray';

export type Range = [number, number];

/**
 * Contrast limits that show an image sensibly before the user touches anything.
 *
 * Follows napari's `calc_data_range`: uint8 and bool use their full dtype range; every other
 * dtype uses the minimum and maximum of its finite values. NaN and ±Inf are ignored (a float
 * image with a few Inf pixels must still show its finite content); an image with no finite
 * value gets [0, 1]; a constant image gets [v, v + 1] so that the mapping stays defined.
 */
export function autoContrastLimits(array: NDArray): Range {
  if (array.dtype === 'uint8') {
    return [0, 255];
  }
  if (array.dtype === 'bool') {
    return [0, 1];
  }
  let lo = Infinity;
  let hi = -Infinity;
  const data = array.data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) {
      const v = Number(data[i]);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      // v - v is NaN for NaN and ±Inf, 0 for every finite value: one test, no Number.isFinite call.
      if (v - v === 0) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (lo > hi) {
    return [0, 1];
  }
  if (lo === hi) {
    return [lo, lo + 1];
  }
  return [lo, hi];
}
