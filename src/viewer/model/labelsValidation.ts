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

/** Label ids 1..n that may be named and coloured (the shader's uniform array holds their colours). */
export const MAX_LABEL_CLASSES = 16;
/** Characters of a label class's name. */
export const MAX_LABEL_CLASS_NAME = 64;

/** What label id k + 1 means: a name and the colour it is drawn in ([r, g, b, a] bytes). */
export interface LabelClass {
  readonly name: string;
  readonly color: readonly [number, number, number, number];
}

/** A copy of `classes` when each has a distinct name of 1..64 characters and a byte colour. */
export function checkLabelClasses(classes: readonly LabelClass[]): LabelClass[] {
  if (!Array.isArray(classes) || classes.length > MAX_LABEL_CLASSES) {
    throw new LayerValidationError(`expected at most ${MAX_LABEL_CLASSES} label classes, got ${Array.isArray(classes) ? classes.length : typeof classes}`);
  }
  const seen = new Set<string>();
  return classes.map(({ name, color }, k) => {
    if (typeof name !== 'string' || name.length < 1 || name.length > MAX_LABEL_CLASS_NAME) {
      throw new LayerValidationError(`label class ${k + 1}: expected a name of 1 to ${MAX_LABEL_CLASS_NAME} characters`);
    }
    if (seen.has(name)) throw new LayerValidationError(`label class ${k + 1}: the name ${JSON.stringify(name)} is taken by another class`);
    seen.add(name);
    if (!Array.isArray(color) || color.length !== 4 || color.some(v => !Number.isInteger(v) || v < 0 || v > 255)) {
      throw new LayerValidationError(`label class ${k + 1}: expected [r, g, b, a] bytes, got ${JSON.stringify(color)}`);
    }
    return { name, color: [color[0], color[1], color[2], color[3]] };
  });
}
