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

/** What a duplicate needs that the original must not share. */
export interface LayerCloneOptions {
  id: string;
  name: string;
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
    // The lengths can only be checked against ndim once the subclass holds its data: see
    // checkTransform(), which subclass constructors and ViewerModel.addLayer call.
    this._scale = options.scale ? checkScale(options.scale, options.scale.length) : null;
    this._translate = options.translate ? checkTranslate(options.translate, options.translate.length) : null;
  }

  /**
   * A copy with its own id and name and its own data (napari's "duplicate layer" deep-copies
   * too), so editing one never changes the other. Optional: kinds that cannot be duplicated
   * leave it out and the viewer says so.
   */
  clone?(options: LayerCloneOptions): Layer;

  /** Throws if an explicit scale or translate does not have one value per axis. */
  checkTransform(): void {
    if (this._scale) checkScale(this._scale, this.ndim);
    if (this._translate) checkTranslate(this._translate, this.ndim);
  }

  /** Number of data axes (for RGB images, without the colour axis). */
  abstract get ndim(): number;

  /** Data-space bounding box: for each axis [min, max) in data coordinates. */
  abstract get dataExtent(): Array<[number, number]>;

  /** The options every kind's `clone` passes on: identity from `options`, look from this layer. */
  protected cloneBase(options: LayerCloneOptions): LayerOptions {
    return { ...options, visible: this.visible, opacity: this.opacity, blending: this.blending, scale: this.scale, translate: this.translate };
  }

  get changed(): ISignal<this, LayerChange> {
    return this._changed;
  }

  get name(): string {
    return this._name;
  }
  set name(value: string) {
    if (checkName(value) === this._name) return;
    this._name = value;
    this._changed.emit('display');
  }

  get visible(): boolean {
    return this._visible;
  }
  set visible(value: boolean) {
    if (value === this._visible) return;
    this._visible = value;
    this._changed.emit('display');
  }

  get opacity(): number {
    return this._opacity;
  }
  set opacity(value: number) {
    if (checkOpacity(value) === this._opacity) return;
    this._opacity = value;
    this._changed.emit('display');
  }

  get blending(): Blending {
    return this._blending;
  }
  set blending(value: Blending) {
    if (checkBlending(value) === this._blending) return;
    this._blending = value;
    this._changed.emit('display');
  }

  get scale(): number[] {
    return this._scale ? [...this._scale] : new Array(this.ndim).fill(1);
  }
  set scale(value: readonly number[]) {
    this._scale = checkScale(value, this.ndim);
    this._changed.emit('display');
  }

  get translate(): number[] {
    return this._translate ? [...this._translate] : new Array(this.ndim).fill(0);
  }
  set translate(value: readonly number[]) {
    this._translate = checkTranslate(value, this.ndim);
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

function checkScale(value: readonly number[], ndim: number): number[] {
  if (value.length !== ndim || !value.every(v => Number.isFinite(v) && v > 0)) {
    throw new LayerValidationError(`expected ${ndim} positive finite scale values (one per axis), got [${value.join(', ')}]`);
  }
  return [...value];
}

function checkTranslate(value: readonly number[], ndim: number): number[] {
  if (value.length !== ndim || !value.every(Number.isFinite)) {
    throw new LayerValidationError(`expected ${ndim} finite translate values (one per axis), got [${value.join(', ')}]`);
  }
  return [...value];
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
