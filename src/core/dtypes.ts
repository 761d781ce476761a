/**
 * Element types that SegLab moves and displays, named as numpy names them so that the kernel
 * and the browser agree on one vocabulary. All are little-endian; `bool` is one byte (0/1).
 */
export type DType =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'float32'
  | 'float64'
  | 'uint64'
  | 'int64';

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  new (length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: Record<DType, TypedArrayConstructor> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
  uint64: BigUint64Array,
  int64: BigInt64Array
};

export const DTYPES = Object.keys(CONSTRUCTORS) as DType[];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CONSTRUCTORS, value);
}

export function typedArrayConstructor(dtype: DType): TypedArrayConstructor {
  return CONSTRUCTORS[dtype];
}

export function bytesPerElement(dtype: DType): number {
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function is64BitInteger(dtype: DType): boolean {
  return dtype === 'uint64' || dtype === 'int64';
}

/**
 * The values a dtype holds, [min, max] as numbers: for image contrast without pixels to scan.
 * Floats give [0, 1] (napari's default for float images); 64-bit integers the safe-integer range.
 */
export function valueRangeOf(dtype: DType): [number, number] {
  const ranges: Partial<Record<DType, [number, number]>> = {
    bool: [0, 1], uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
    uint32: [0, 4294967295], int32: [-2147483648, 2147483647]
  };
  return ranges[dtype] ?? (isFloat(dtype) ? [0, 1] : [0, Number.MAX_SAFE_INTEGER]);
}
