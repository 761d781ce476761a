import { ISignal, Signal } from '@lumino/signaling';
import { autoContrastLimits, Range } from '../../core/contrast';
import { NDArray } from '../../core/ndarray';

export interface ImageLayerOptions {
  id: string;
  name: string;
  rgb?: boolean;
  contrastLimits?: Range;
}

export class LayerValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerValidationError';
  }
}

/**
 * Decides whether an array is RGB(A) the way napari does (last axis of length 3 or 4 on a 3D
 * array) and rejects what this version cannot show, with a message that says what is expected.
 */
export function validateImageArray(array: NDArray, rgb?: boolean): boolean {
  const { shape, dtype } = array;
  const looksRgb = shape.length === 3 && (shape[2] === 3 || shape[2] === 4);
  const isRgb = rgb ?? looksRgb;
  if (isRgb && !looksRgb) {
    throw new LayerValidationError(
      `expected an RGB(A) image of shape (rows, cols, 3 or 4), got shape (${shape.join(', ')})`
    );
  }
  if (!isRgb && shape.length !== 2) {
    throw new LayerValidationError(
      `expected a 2D image (rows, cols) or RGB(A) (rows, cols, 3|4), got ${shape.length} dimensions (${shape.join(', ')})`
    );
  }
  if (isRgb && !(dtype === 'uint8' || dtype === 'float32' || dtype === 'float64')) {
    throw new LayerValidationError(`expected an RGB image of uint8 or float in [0, 1], got ${dtype}`);
  }
  return isRgb;
}

/** An image layer: pixels plus how to show them. Plain evented state, no rendering. */
export class ImageLayer {
  readonly kind = 'image';
  readonly id: string;
  private _name: string;
  private _data: NDArray;
  private _rgb: boolean;
  private _contrastLimits: Range;
  private _visible = true;
  private readonly _changed = new Signal<this, 'data' | 'display'>(this);

  constructor(data: NDArray, options: ImageLayerOptions) {
    this.id = options.id;
    this._name = options.name;
    this._rgb = validateImageArray(data, options.rgb);
    this._data = data;
    this._contrastLimits = this.defaultContrastLimits(data);
    if (options.contrastLimits) {
      this.contrastLimits = options.contrastLimits; // the setter validates
    }
  }

  /** 'data' when pixels changed (textures must be re-uploaded), 'display' for everything else. */
  get changed(): ISignal<this, 'data' | 'display'> {
    return this._changed;
  }

  get name(): string {
    return this._name;
  }
  set name(value: string) {
    this._name = value;
    this._changed.emit('display');
  }

  get data(): NDArray {
    return this._data;
  }

  get rgb(): boolean {
    return this._rgb;
  }

  /** Rows and columns of the displayed plane. */
  get extent(): { rows: number; cols: number } {
    return { rows: this._data.shape[0], cols: this._data.shape[1] };
  }

  get contrastLimits(): Range {
    return [...this._contrastLimits] as Range;
  }
  set contrastLimits(value: Range) {
    if (!(value[0] < value[1]) || !Number.isFinite(value[0]) || !Number.isFinite(value[1])) {
      throw new LayerValidationError(`expected contrast limits [low, high] with low < high, got [${value}]`);
    }
    this._contrastLimits = [value[0], value[1]];
    this._changed.emit('display');
  }

  get visible(): boolean {
    return this._visible;
  }
  set visible(value: boolean) {
    this._visible = value;
    this._changed.emit('display');
  }

  /** Replaces the pixels; contrast limits are recomputed only if the dtype or RGB-ness changed. */
  setData(data: NDArray, rgb?: boolean): void {
    const isRgb = validateImageArray(data, rgb);
    const dtypeChanged = data.dtype !== this._data.dtype || isRgb !== this._rgb;
    this._data = data;
    this._rgb = isRgb;
    if (dtypeChanged) {
      this._contrastLimits = this.defaultContrastLimits(data);
    }
    this._changed.emit('data');
  }

  /** The value(s) at integer pixel (row, col), or null outside the image. */
  valueAt(row: number, col: number): number[] | null {
    const [rows, cols] = this._data.shape;
    if (row < 0 || col < 0 || row >= rows || col >= cols) {
      return null;
    }
    const channels = this._rgb ? this._data.shape[2] : 1;
    const start = (row * cols + col) * channels;
    const values: number[] = [];
    for (let c = 0; c < channels; c++) {
      values.push(Number(this._data.data[start + c]));
    }
    return values;
  }

  private defaultContrastLimits(data: NDArray): Range {
    // RGB floats are expected in [0, 1] (as in napari); uint8 RGB uses the dtype range.
    if (this._rgb) {
      return data.dtype === 'uint8' ? [0, 255] : [0, 1];
    }
    return autoContrastLimits(data);
  }
}
