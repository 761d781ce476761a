/// <reference types="node" />
// Small helpers shared by the labels specs (not a spec file itself).
import { DType, TypedArray } from '../../dtypes';
import { NDArray } from '../../ndarray';
import { BoundingBox, LabelDiff } from '../diff';

export const arr = (dtype: DType, shape: number[], data: TypedArray): NDArray => ({ dtype, shape, data });

export const copyOf = (a: NDArray): NDArray => ({ ...a, data: a.data.slice() });

/** The elements of any typed array as a plain array (numbers or bigints). */
export const listOf = (a: TypedArray): Array<number | bigint> => Array.from(a as ArrayLike<number | bigint>);

/** Brute-force box of a diff's flat indices, to check the box an operation reports. */
export function boxOf(diff: LabelDiff, shape: readonly number[]): BoundingBox | null {
  if (diff.indices.length === 0) return null;
  const box: BoundingBox = shape.map(() => [Infinity, -Infinity]);
  for (const flat of diff.indices) {
    let rest = flat;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const c = rest % shape[axis];
      rest = Math.floor(rest / shape[axis]);
      box[axis] = [Math.min(box[axis][0], c), Math.max(box[axis][1], c + 1)];
    }
  }
  return box;
}

/** Whether two arrays hold identical bytes (fast where jest's toEqual walks element by element). */
export function sameBytes(a: NDArray, b: NDArray): boolean {
  const bytes = (x: NDArray) => Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength);
  return a.dtype === b.dtype && Buffer.compare(bytes(a), bytes(b)) === 0;
}
