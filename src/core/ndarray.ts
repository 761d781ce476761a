import { bytesPerElement, DType, isDType, TypedArray, typedArrayConstructor } from './dtypes';

/**
 * A dense, C-ordered n-dimensional array: the unit in which pixels travel between kernel,
 * workers and renderer. Kept as a plain record (no methods) so it can be posted to workers.
 */
export interface NDArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

/** Number of elements of an array of this shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((acc, n) => acc * n, 1);
}

/** Raised when bytes, dtype and shape do not describe one valid array. */
export class ArrayFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArrayFormatError';
  }
}

export function validateShape(shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new ArrayFormatError(`expected a non-empty list of axis lengths, got ${JSON.stringify(shape)}`);
  }
  for (const n of shape) {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new ArrayFormatError(
        `expected every axis length to be a positive integer, got shape ${JSON.stringify(shape)}`
      );
    }
  }
  return shape as number[];
}

/**
 * Views `buffer` as an array of `dtype` and `shape` without copying, after checking that the
 * byte count matches exactly (a short or long buffer means a broken transfer, never padding).
 */
export function ndarrayFromBuffer(
  buffer: ArrayBuffer,
  dtype: unknown,
  shape: unknown,
  byteOffset = 0,
  byteLength = buffer.byteLength - byteOffset
): NDArray {
  if (!isDType(dtype)) {
    throw new ArrayFormatError(`unsupported dtype ${JSON.stringify(dtype)}`);
  }
  const dims = validateShape(shape);
  const expected = sizeOf(dims) * bytesPerElement(dtype);
  if (byteLength !== expected) {
    throw new ArrayFormatError(
      `expected ${expected} bytes for ${dtype} ${JSON.stringify(dims)}, got ${byteLength}`
    );
  }
  if (byteOffset < 0 || byteOffset + byteLength > buffer.byteLength) {
    throw new ArrayFormatError(
      `byte range [${byteOffset}, ${byteOffset + byteLength}) lies outside a buffer of ${buffer.byteLength} bytes`
    );
  }
  if (byteOffset % bytesPerElement(dtype) !== 0) {
    // Typed arrays need aligned offsets; copy once rather than fail.
    const copy = buffer.slice(byteOffset, byteOffset + byteLength);
    return ndarrayFromBuffer(copy, dtype, dims);
  }
  const Ctor = typedArrayConstructor(dtype);
  return { dtype, shape: dims, data: new Ctor(buffer, byteOffset, sizeOf(dims)) };
}

/** The array's bytes as one Uint8Array view (no copy). */
export function bytesOf(array: NDArray): Uint8Array {
  return new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
}

/** A deep copy (own buffer, own shape list). */
export function copyNDArray(array: NDArray): NDArray {
  return { dtype: array.dtype, shape: [...array.shape], data: array.data.slice() };
}
