/** Checks for LabelsLayer: integer dtypes and their id ranges, array shape, tool settings, label ids. */
import { DType } from '../../core/dtypes';
import { LabelValue } from '../../core/labels/diff';
import { NDArray } from '../../core/ndarray';
import { LayerValidationError } from './layerBase';

/** napari's Labels modes. */
export type LabelsMode = 'pan_zoom' | 'paint' | 'erase' | 'fill' | 'pick' | 'polygon';
export const LABELS_MODES: readonly LabelsMode[] = ['pan_zoom', 'paint', 'erase', 'fill', 'pick', 'polygon'];

/** Smallest and largest id each integer dtype holds, as bigints (exact for 64-bit). */
const LABEL_RANGES: Partial<Record<DType, [bigint, bigint]>> = {
  uint8: [0n, 255n],
  int8: [-128n, 127n],
  uint16: [0n, 65535n],
  int16: [-32768n, 32767n],
  uint32: [0n, 4294967295n],
  int32: [-2147483648n, 2147483647n],
  uint64: [0n, 2n ** 64n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n]
};
export const LABEL_DTYPES = Object.keys(LABEL_RANGES) as DType[];

/** Throws a LayerValidationError unless `data` can be a labels layer. */
export function validateLabelsArray(data: NDArray): void {
  if (!Object.prototype.hasOwnProperty.call(LABEL_RANGES, data.dtype)) {
    throw new LayerValidationError(
      `labels must be an integer array (${LABEL_DTYPES.join(', ')}), got ${data.dtype}; ` +
        'convert whole-number floats with .astype(np.int32)' +
        (data.dtype === 'bool' ? ' and masks with .astype(np.uint8)' : '')
    );
  }
  const { shape } = data;
  if (shape.length < 2 || shape.length > 5) {
    throw new LayerValidationError(`labels must have 2 to 5 dimensions, got shape (${shape.join(', ')})`);
  }
  if (shape.some(n => !Number.isInteger(n) || n <= 0)) {
    throw new LayerValidationError(`labels need at least one pixel along every axis, got shape (${shape.join(', ')})`);
  }
  const size = shape.reduce((a, n) => a * n, 1);
  if (data.data.length !== size) {
    throw new LayerValidationError(`shape (${shape.join(', ')}) needs ${size} elements, the buffer holds ${data.data.length}`);
  }
}

/** The background id (0) as the element type of `data`'s dtype: bigint for (u)int64. */
export function zeroOf(data: NDArray): LabelValue {
  return data.dtype === 'uint64' || data.dtype === 'int64' ? 0n : 0;
}

/**
 * `value` as the element type of `dtype` (that of `zero`), or a LayerValidationError saying why
 * it cannot be. `dtype` must be one of LABEL_DTYPES (validateLabelsArray has checked it).
 */
export function toLabelValue(value: LabelValue, dtype: DType, zero: LabelValue): LabelValue {
  const [min, max] = LABEL_RANGES[dtype]!;
  const isInteger = typeof value === 'bigint' || Number.isSafeInteger(value);
  if (!isInteger) {
    throw new LayerValidationError(`label ids are integers (a bigint beyond 2^53); got ${String(value)}`);
  }
  const big = BigInt(value);
  if (big < min || big > max) {
    throw new LayerValidationError(`label ${big} does not fit this layer's ${dtype} data (${min} to ${max})`);
  }
  return typeof zero === 'bigint' ? big : Number(big);
}

export function checkMode(value: string): LabelsMode {
  if (!(LABELS_MODES as readonly string[]).includes(value)) {
    throw new LayerValidationError(`expected a labels mode (${LABELS_MODES.join(', ')}), got ${JSON.stringify(value)}`);
  }
  return value as LabelsMode;
}

export function checkBrushSize(value: number): number {
  if (!(Number.isFinite(value) && value >= 1)) {
    throw new LayerValidationError(`brush size must be a finite number >= 1 (pixels), got ${value}`);
  }
  return value;
}

export function checkNEditDim(value: number): 2 | 3 {
  if (value !== 2 && value !== 3) {
    throw new LayerValidationError(`nEditDim must be 2 (the displayed plane) or 3 (the volume), got ${value}`);
  }
  return value;
}

export function checkContour(value: number): number {
  if (!(Number.isInteger(value) && value >= 0)) {
    throw new LayerValidationError(`contour must be 0 (filled) or a whole number of pixels, got ${value}`);
  }
  return value;
}

export function checkSeed(value: number): number {
  if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
    throw new LayerValidationError(`colour seed must be an integer in [0, 2^32), got ${value}`);
  }
  return value;
}
