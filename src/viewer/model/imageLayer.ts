import { autoContrastLimits, Range } from '../../core/contrast';
import { COLORMAP_NAMES, ColormapName, isColormapName } from '../../core/colormaps';
import { DType, typedArrayConstructor, valueRangeOf } from '../../core/dtypes';
import { copyNDArray, NDArray, sizeOf } from '../../core/ndarray';
import { checkPyramid, PyramidError } from '../../core/pyramid';
import { planeOf, stridesOf } from '../../core/slicing';
import { isLazySource, LazyImageSource } from './lazyImage';
import { Layer, LayerCloneOptions, LayerOptions, LayerValidationError } from './layerBase';

// Callers have always imported the error from here; it now lives with the Layer base class.
export { LayerValidationError };

/** Spatial axes an image may have (napari's 2D to 5D: T, C, Z, Y, X), RGB(A) colour not counted. */
export const MAX_IMAGE_DIMS = 5;
/** napari's `guess_rgb`: a last axis of 3|4 is colour only if the two before it are longer than this. */
const RGB_MIN_SIDE = 30;

export type Interpolation = 'nearest' | 'linear';
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'linear'];

export interface ImageLayerOptions extends LayerOptions {
  /** RGB(A) when the last axis is colour; guessed as napari guesses it when left out. */
  rgb?: boolean;
  contrastLimits?: Range;
  /** A name from COLORMAP_NAMES; ignored for RGB(A) images, as in napari. Default 'gray'. */
  colormap?: string;
  /** Display exponent applied after the contrast limits, > 0. Default 1. */
  gamma?: number;
  interpolation?: Interpolation;
}

const fmt = (shape: readonly number[]) => `(${shape.join(', ')})`;

/**
 * napari's `guess_rgb`: a last axis of 3 or 4 is colour when the two axes before it are
 * longer than 30 pixels, so a (10, 64, 4) z-stack stays grayscale but a (512, 512, 3) photo
 * is RGB.
 */
export function guessRgb(shape: readonly number[]): boolean {
  const n = shape.length;
  return n > 2 && (shape[n - 1] === 3 || shape[n - 1] === 4) && shape[n - 3] > RGB_MIN_SIDE && shape[n - 2] > RGB_MIN_SIDE;
}

/**
 * Checks that an array is an image this viewer can show: 2 to 5 spatial axes, none empty,
 * plus a last axis of 3|4 for RGB(A) of uint8 or float. Returns whether it is RGB(A); every
 * rejection says what was expected and what came.
 */
export function validateImageArray(array: NDArray, rgb?: boolean): boolean {
  const { shape } = array;
  if (shape.some(n => !(Number.isSafeInteger(n) && n > 0))) {
    throw new LayerValidationError(`expected every axis to have at least one element, got shape ${fmt(shape)}`);
  }
  if (array.data.length !== sizeOf(shape)) {
    throw new LayerValidationError(`expected ${sizeOf(shape)} elements for shape ${fmt(shape)}, got ${array.data.length}`);
  }
  return validateImageShape(shape, array.dtype, rgb);
}

/** The checks of validateImageArray that need no pixels (a lazy image has only shapes). */
export function validateImageShape(shape: readonly number[], dtype: DType, rgb?: boolean): boolean {
  if (shape.some(n => !(Number.isSafeInteger(n) && n > 0))) {
    throw new LayerValidationError(`expected every axis to have at least one element, got shape ${fmt(shape)}`);
  }
  const isRgb = rgb ?? guessRgb(shape);
  const last = shape[shape.length - 1];
  if (isRgb && !(shape.length >= 3 && (last === 3 || last === 4))) {
    throw new LayerValidationError(`expected an RGB(A) image with a last axis of 3 or 4 after 2 to 5 other axes, got shape ${fmt(shape)}`);
  }
  const spatial = shape.length - (isRgb ? 1 : 0);
  if (spatial < 2 || spatial > MAX_IMAGE_DIMS) {
    throw new LayerValidationError(
      `expected an image with 2 to ${MAX_IMAGE_DIMS} dimensions${isRgb ? ' before its colour axis' : ''}, got ${shape.length} dimensions ${fmt(shape)}`
    );
  }
  if (isRgb && !(dtype === 'uint8' || dtype === 'float32' || dtype === 'float64')) {
    throw new LayerValidationError(`expected an RGB image of uint8 or float in [0, 1], got ${dtype}`);
  }
  return isRgb;
}

export function checkColormap(name: unknown): ColormapName {
  if (!isColormapName(name)) {
    throw new LayerValidationError(`expected a colormap among ${COLORMAP_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
  return name;
}

function checkGamma(gamma: number): number {
  if (!(Number.isFinite(gamma) && gamma > 0)) {
    throw new LayerValidationError(`expected gamma to be a finite number > 0, got ${gamma}`);
  }
  return gamma;
}

function checkInterpolation(value: string): Interpolation {
  if (!(INTERPOLATIONS as readonly string[]).includes(value)) {
    throw new LayerValidationError(`expected interpolation ${INTERPOLATIONS.join(' or ')}, got ${JSON.stringify(value)}`);
  }
  return value as Interpolation;
}

function checkContrastLimits(value: Range): Range {
  if (!(value[0] < value[1]) || !Number.isFinite(value[0]) || !Number.isFinite(value[1])) {
    throw new LayerValidationError(`expected contrast limits [low, high] with low < high, got [${value}]`);
  }
  return [value[0], value[1]];
}

/**
 * Validates an image given as one array or, multiscale, as a list of arrays largest first
 * (napari's `multiscale=True`); returns the levels and whether they are RGB(A).
 */
export function validateImageLevels(data: NDArray | readonly NDArray[], rgb?: boolean): { levels: NDArray[]; rgb: boolean } {
  const levels = Array.isArray(data) ? [...data] : [data as NDArray];
  if (levels.length === 0) {
    throw new LayerValidationError('expected a multiscale image as a list of at least one array, got an empty list');
  }
  const isRgb = validateImageArray(levels[0], rgb);
  levels.slice(1).forEach(level => validateImageArray(level, isRgb));
  try {
    checkPyramid(levels, isRgb ? levels[0].shape[levels[0].shape.length - 1] : 0);
  } catch (err) {
    if (err instanceof PyramidError) throw new LayerValidationError(err.message);
    throw err;
  }
  return { levels, rgb: isRgb };
}

/**
 * An nD image layer (grayscale or RGB(A)): pixels plus how to show them. Plain evented state;
 * renderers ask it for the plane to draw with `slicePlane`. A multiscale image keeps every
 * level (`levels`, full resolution first); `data` is always level 0, which is what values,
 * slicing and the kernel see.
 */
export class ImageLayer extends Layer {
  readonly kind = 'image';
  private _data!: NDArray;
  private _levels!: NDArray[];
  /** Set for a lazy image (pixels served region by region); `_levels` is then empty. */
  private _lazy: LazyImageSource | null = null;
  private _shapes!: readonly (readonly number[])[];
  private _rgb!: boolean;
  private _strides!: number[];
  private _contrastLimits: Range;
  private _colormap: ColormapName;
  private _gamma: number;
  private _interpolation: Interpolation;

  constructor(data: NDArray | readonly NDArray[] | LazyImageSource, options: ImageLayerOptions) {
    super(options);
    this.adopt(data, options.rgb);
    this.checkTransform();
    this._colormap = checkColormap(options.colormap ?? 'gray');
    this._gamma = checkGamma(options.gamma ?? 1);
    this._interpolation = checkInterpolation(options.interpolation ?? 'nearest');
    // Checked last: the automatic limits scan every pixel, wasted if anything else is wrong.
    this._contrastLimits = options.contrastLimits ? checkContrastLimits(options.contrastLimits) : this.defaultContrastLimits();
  }

  /** The pixels at full resolution (level 0 of a multiscale image). A lazy image has none here. */
  get data(): NDArray {
    if (this._lazy) {
      throw new LayerValidationError(`image "${this.name}" is lazy: its pixels stay in the kernel and arrive tile by tile`);
    }
    return this._data;
  }

  /** Every resolution level, full resolution first; one entry unless multiscale; [] when lazy. */
  get levels(): readonly NDArray[] {
    return this._levels;
  }

  /** The source of a lazy image's pixels, or null when they are all in `levels`. */
  get lazy(): LazyImageSource | null {
    return this._lazy;
  }

  /** Every level's array shape (colour axis included), full resolution first. */
  get levelShapes(): readonly (readonly number[])[] {
    return this._shapes;
  }

  get dtype(): DType {
    return this._lazy ? this._lazy.dtype : this._data.dtype;
  }

  /** Colour channels per pixel: 3 or 4 for RGB(A), 1 otherwise. */
  get channels(): number {
    return this._rgb ? this._shapes[0][this.ndim] : 1;
  }

  get multiscale(): boolean {
    return this._shapes.length > 1;
  }

  get rgb(): boolean {
    return this._rgb;
  }

  get ndim(): number {
    return this._shapes[0].length - (this._rgb ? 1 : 0);
  }

  /** Length of each spatial axis (the colour axis of RGB(A) left out). */
  get shape(): number[] {
    return this._shapes[0].slice(0, this.ndim);
  }

  get dataExtent(): Array<[number, number]> {
    return this.shape.map(n => [0, n]);
  }

  get contrastLimits(): Range {
    return [...this._contrastLimits] as Range;
  }
  set contrastLimits(value: Range) {
    this._contrastLimits = checkContrastLimits(value);
    this._changed.emit('display');
  }

  get colormap(): ColormapName {
    return this._colormap;
  }
  set colormap(value: ColormapName) {
    if (checkColormap(value) === this._colormap) return;
    this._colormap = value;
    this._changed.emit('display');
  }

  get gamma(): number {
    return this._gamma;
  }
  set gamma(value: number) {
    if (checkGamma(value) === this._gamma) return;
    this._gamma = value;
    this._changed.emit('display');
  }

  get interpolation(): Interpolation {
    return this._interpolation;
  }
  set interpolation(value: Interpolation) {
    if (checkInterpolation(value) === this._interpolation) return;
    this._interpolation = value;
    this._changed.emit('display');
  }

  /**
   * Replaces the pixels; contrast limits are recomputed only if the dtype or RGB-ness changed.
   * A new number of axes is refused while an explicit scale/translate no longer fits it.
   */
  setData(data: NDArray | readonly NDArray[] | LazyImageSource, rgb?: boolean): void {
    const old = { data: this._data, levels: this._levels, lazy: this._lazy, shapes: this._shapes, rgb: this._rgb, strides: this._strides };
    const oldDtype = this.dtype;
    this.adopt(data, rgb);
    try {
      this.checkTransform();
    } catch (err) {
      Object.assign(this, { _data: old.data, _levels: old.levels, _lazy: old.lazy, _shapes: old.shapes, _rgb: old.rgb, _strides: old.strides });
      throw err;
    }
    if (this.dtype !== oldDtype || this._rgb !== old.rgb) {
      this._contrastLimits = this.defaultContrastLimits();
    }
    this._changed.emit('data');
  }

  /**
   * The 2D plane through `step` (one integer index per spatial axis; the entries of the two
   * displayed axes are ignored) spanned by `displayed` = [row axis, column axis]: shape
   * (rows, cols) or (rows, cols, channels) for RGB(A).
   *
   * When the displayed axes are the last two in order the plane is contiguous and comes back
   * as a view of the layer's buffer (no copy, which matters for large stacks browsed slice by
   * slice); any other pair (transposed, or a non-trailing axis) is gathered into a new array.
   */
  slicePlane(step: readonly number[], displayed: readonly [number, number]): NDArray {
    return planeOf(this.data, step, displayed, this._rgb ? this._data.shape[this.ndim] : 0);
  }


  /**
   * The value(s) at an integer nD index (one entry per spatial axis): one number, or every
   * channel of an RGB(A) pixel. Null outside the image. `valueAt(row, col)` is the 2D form.
   */
  valueAt(row: number, col: number): number[] | null;
  valueAt(index: readonly number[]): number[] | null;
  valueAt(first: number | readonly number[], col?: number): number[] | null {
    const index = typeof first === 'number' ? [first, col as number] : first;
    const ndim = this.ndim;
    if (index.length !== ndim || !index.every(Number.isInteger)) {
      throw new RangeError(`expected ${ndim} integer indices for shape ${fmt(this.shape)}, got [${index.join(', ')}]`);
    }
    if (this._lazy) {
      return index.every((i, a) => i >= 0 && i < this._shapes[0][a]) ? this._lazy.valueAt(index) : null;
    }
    let start = 0;
    for (let a = 0; a < ndim; a++) {
      if (index[a] < 0 || index[a] >= this._data.shape[a]) return null;
      start += index[a] * this._strides[a];
    }
    const channels = this._rgb ? this._data.shape[ndim] : 1;
    const values: number[] = [];
    for (let ch = 0; ch < channels; ch++) values.push(Number(this._data.data[start + ch]));
    return values;
  }

  clone(options: LayerCloneOptions): ImageLayer {
    // A lazy image's copy reads from the same source (its pixels are the kernel's, read-only).
    return new ImageLayer(this._lazy ?? this._levels.map(copyNDArray), {
      ...this.cloneBase(options),
      rgb: this._rgb,
      contrastLimits: this._contrastLimits,
      colormap: this._colormap,
      gamma: this._gamma,
      interpolation: this._interpolation
    });
  }

  /** Takes pixels given as arrays (validated) or as a lazy source (shapes checked as a pyramid). */
  private adopt(data: NDArray | readonly NDArray[] | LazyImageSource, rgb?: boolean): void {
    if (isLazySource(data)) {
      const shapes = data.shapes.map(shape => [...shape]);
      // The pyramid rules read shapes and dtypes only: empty buffers stand in for the pixels.
      const probe = shapes.map(shape => ({ dtype: data.dtype, shape, data: new Uint8Array(0) }));
      const isRgb = validateImageShape(shapes[0], data.dtype, rgb);
      try {
        checkPyramid(probe, isRgb ? shapes[0][shapes[0].length - 1] : 0);
      } catch (err) {
        if (err instanceof PyramidError) throw new LayerValidationError(err.message);
        throw err;
      }
      Object.assign(this, { _lazy: data, _levels: [], _shapes: shapes, _rgb: isRgb, _strides: stridesOf(shapes[0]) });
      return;
    }
    const { levels, rgb: isRgb } = validateImageLevels(data, rgb);
    Object.assign(this, { _lazy: null, _levels: levels, _data: levels[0], _shapes: levels.map(l => l.shape), _rgb: isRgb, _strides: stridesOf(levels[0].shape) });
  }

  private defaultContrastLimits(): Range {
    // RGB floats are expected in [0, 1] (as in napari); uint8 RGB uses the dtype range.
    if (this._rgb) {
      return this.dtype === 'uint8' ? [0, 255] : [0, 1];
    }
    // No pixels to scan: the dtype's range (the kernel sends limits from a sample instead).
    if (this._lazy) return valueRangeOf(this._lazy.dtype);
    // napari takes a multiscale image's limits from its smallest level: a cheap, faithful scan.
    return autoContrastLimits(this._levels[this._levels.length - 1]);
  }
}

/**
 * One channel of `data` along `axis` (napari's `channel_axis` split), that axis removed.
 * Channel planes along axis 0 are contiguous and come back as views; other axes are copied.
 */
export function takeChannel(data: NDArray, axis: number, index: number): NDArray {
  const { shape, dtype } = data;
  const shapeOut = shape.filter((_, a) => a !== axis);
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape[axis];
  if (outer === 1) {
    return { dtype, shape: shapeOut, data: data.data.subarray(index * inner, (index + 1) * inner) };
  }
  const out = new (typedArrayConstructor(dtype))(outer * inner);
  // Same element type on both sides; see slicePlane for why the cast.
  const src = data.data as unknown as Float64Array;
  const dst = out as unknown as Float64Array;
  for (let o = 0; o < outer; o++) {
    const from = (o * n + index) * inner;
    dst.set(src.subarray(from, from + inner), o * inner);
  }
  return { dtype, shape: shapeOut, data: out };
}

