import { ISignal, Signal } from '@lumino/signaling';
import { UndoHistory } from './history';

export type LayerKind = 'image' | 'labels' | 'points' | 'shapes';
/** napari's blending modes that make sense in 2D. */
export type Blending = 'translucent' | 'additive' | 'opaque';
export const BLENDINGS: readonly Blending[] = ['translucent', 'additive', 'opaque'];
/** 'data': pixels/coordinates changed (renderers re-upload); 'display': anything else. */
export type LayerChange = 'data' | 'display';

export class LayerValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerValidationError';
  }
}

export interface LayerOptions {
  id: string;
  name: string;
  visible?: boolean;
  opacity?: number;
  blending?: Blending;
  /** Physical size of one data step per axis (napari's `scale`), default 1. */
  scale?: readonly number[];
  /** Physical offset per axis (napari's `translate`), default 0. */
  translate?: readonly number[];
}

/**
 * What every layer has, as in napari's `Layer`: identity, name, visibility, opacity, blending,
 * and the data-to-world transform `world = data * scale + translate` per axis. Subclasses hold
 * their data and the operations tools perform on it; nothing here renders.
 */
export abstract class Layer {
  abstract readonly kind: LayerKind;
  readonly id: string;
  /** Set by the viewer when the layer is added, so edits land in the viewer's undo history. */
  history: UndoHistory = new UndoHistory();
  private _name: string;
  private _visible: boolean;
  private _opacity: number;
  private _blending: Blending;
  private _scale: number[] | null;
  private _translate: number[] | null;
  protected readonly _changed = new Signal<this, LayerChange>(this);

  protected constructor(options: LayerOptions) {
    this.id = options.id;
    this._name = checkName(options.name);
    this._visible = options.visible ?? true;
    this._opacity = checkOpacity(options.opacity ?? 1);
    this._blending = checkBlending(options.blending ?? 'translucent');
    this._scale = options.scale ? [...options.scale] : null;
    this._translate = options.translate ? [...options.translate] : null;
  }

  /** Number of data axes (for RGB images, without the colour axis). */
  abstract get ndim(): number;

  /** Data-space bounding box: for each axis [min, max) in data coordinates. */
  abstract get dataExtent(): Array<[number, number]>;

  get changed(): ISignal<this, LayerChange> {
    return this._changed;
  }

  get name(): string {
    return this._name;
  }
  set name(value: string) {
    this._name = checkName(value);
    this._changed.emit('display');
  }

  get visible(): boolean {
    return this._visible;
  }
  set visible(value: boolean) {
    this._visible = value;
    this._changed.emit('display');
  }

  get opacity(): number {
    return this._opacity;
  }
  set opacity(value: number) {
    this._opacity = checkOpacity(value);
    this._changed.emit('display');
  }

  get blending(): Blending {
    return this._blending;
  }
  set blending(value: Blending) {
    this._blending = checkBlending(value);
    this._changed.emit('display');
  }

  get scale(): number[] {
    return this._scale ? [...this._scale] : new Array(this.ndim).fill(1);
  }
  set scale(value: readonly number[]) {
    if (value.length !== this.ndim || !value.every(v => Number.isFinite(v) && v > 0)) {
      throw new LayerValidationError(`expected ${this.ndim} positive finite scale values, got [${value.join(', ')}]`);
    }
    this._scale = [...value];
    this._changed.emit('display');
  }

  get translate(): number[] {
    return this._translate ? [...this._translate] : new Array(this.ndim).fill(0);
  }
  set translate(value: readonly number[]) {
    if (value.length !== this.ndim || !value.every(Number.isFinite)) {
      throw new LayerValidationError(`expected ${this.ndim} finite translate values, got [${value.join(', ')}]`);
    }
    this._translate = [...value];
    this._changed.emit('display');
  }

  /** World (physical) bounding box per axis. */
  get worldExtent(): Array<[number, number]> {
    const scale = this.scale;
    const translate = this.translate;
    return this.dataExtent.map(([lo, hi], i) => [lo * scale[i] + translate[i], hi * scale[i] + translate[i]]);
  }

  worldToData(world: readonly number[]): number[] {
    const scale = this.scale;
    const translate = this.translate;
    return world.map((w, i) => (w - translate[i]) / scale[i]);
  }

  dataToWorld(data: readonly number[]): number[] {
    const scale = this.scale;
    const translate = this.translate;
    return data.map((d, i) => d * scale[i] + translate[i]);
  }

  /** Called by the viewer when the layer is removed. */
  dispose(): void {
    Signal.clearData(this);
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new LayerValidationError(`expected a non-empty layer name, got ${JSON.stringify(name)}`);
  }
  return name;
}

function checkOpacity(value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new LayerValidationError(`expected opacity in [0, 1], got ${value}`);
  }
  return value;
}

function checkBlending(value: string): Blending {
  if (!(BLENDINGS as readonly string[]).includes(value)) {
    throw new LayerValidationError(`expected blending ${BLENDINGS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as Blending;
}
