import { ISignal, Signal } from '@lumino/signaling';
import { Range } from '../../core/contrast';
import { NDArray } from '../../core/ndarray';
import { Camera, DataPoint } from './camera';
import { DimRange, Dims } from './dims';
import { UndoHistory } from './history';
import { ImageLayer, Interpolation, takeChannel } from './imageLayer';
import { Blending, Layer, LayerChange, LayerValidationError } from './layerBase';
import { ScaleBar } from './scaleBar';

export interface AddImageOptions {
  id?: string;
  /** One name, or one per channel when `channelAxis` is given. */
  name?: string | string[];
  rgb?: boolean;
  contrastLimits?: Range | Range[];
  colormap?: string | string[];
  gamma?: number | number[];
  opacity?: number | number[];
  blending?: Blending | Blending[];
  visible?: boolean | boolean[];
  interpolation?: Interpolation;
  /** Per spatial axis; with `channelAxis`, with or without an entry for the channel axis. */
  scale?: readonly number[];
  translate?: readonly number[];
  /** Splits the array into one layer per channel along this axis (negative counts from the end). */
  channelAxis?: number;
}

/** Where a raster layer is cut: its integer index per axis and its displayed [row, col] axes. */
export interface LayerSlice {
  step: number[];
  displayed: [number, number];
}

/** A click in a view (napari's mouse event): the world point on every axis, button, modifiers. */
export interface ViewerClick {
  position: number[];
  /** 1 left, 2 right, 3 middle (napari's numbering). */
  button: 1 | 2 | 3;
  modifiers: ('Shift' | 'Control' | 'Alt' | 'Meta')[];
}

/** World bounding box of the displayed axes, for "reset view". */
export interface DisplayedExtent {
  top: number;
  left: number;
  rows: number;
  cols: number;
}

// napari's defaults for split channels: two get magenta/green, more cycle through CYMRGB.
const MAGENTA_GREEN = ['magenta', 'green'];
const CYMRGB = ['cyan', 'yellow', 'magenta', 'red', 'green', 'blue'];

export function defaultChannelColormaps(n: number): string[] {
  const cycle = n === 1 ? ['gray'] : n === 2 ? MAGENTA_GREEN : CYMRGB;
  return Array.from({ length: n }, (_, i) => cycle[i % cycle.length]);
}

let nextLayerNumber = 0;

/** What the dims need from a layer, kept so that no change re-measures every layer. */
interface Measured {
  data: Array<[number, number]>;
  world: Array<[number, number]>;
  scale: number[];
  translate: number[];
}

function measure(layer: Layer): Measured {
  const data = layer.dataExtent; // one scan: the world box follows from it (Layer.worldExtent would scan again)
  const scale = layer.scale;
  const translate = layer.translate;
  const world = data.map(([lo, hi], i): [number, number] => [lo * scale[i] + translate[i], hi * scale[i] + translate[i]]);
  return { data, world, scale, translate };
}

const sameValues = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The viewer's state, as napari's ViewerModel: an ordered layer list (bottom first) of any
 * layer kind, the selection, the dims (which slice), the camera and one undo history shared
 * by all layers. Renderers, tools and the kernel bridge observe and act on this object; none
 * keeps state of its own that belongs here.
 */
export class ViewerModel {
  readonly camera = new Camera();
  readonly scaleBar = new ScaleBar();
  readonly dims = new Dims();
  readonly history = new UndoHistory();
  private readonly _layers: Layer[] = [];
  // Points and shapes compute their extents by scanning every vertex: measured once per change.
  private readonly measured = new Map<Layer, Measured>();
  private _selection = new Set<string>();
  private _active: string | null = null;
  private readonly _layersChanged = new Signal<this, void>(this);
  private readonly _layerChanged = new Signal<this, { layer: Layer; what: LayerChange }>(this);
  private readonly _selectionChanged = new Signal<this, void>(this);
  private readonly _clicked = new Signal<this, ViewerClick>(this);

  get layers(): readonly Layer[] {
    return this._layers;
  }

  /** Emitted when layers are added, removed or reordered. */
  get layersChanged(): ISignal<this, void> {
    return this._layersChanged;
  }

  /** Emitted when any layer's data or display properties change. */
  get layerChanged(): ISignal<this, { layer: Layer; what: LayerChange }> {
    return this._layerChanged;
  }

  get selectionChanged(): ISignal<this, void> {
    return this._selectionChanged;
  }

  /** A click in one of the views (for the kernel's `mouse_click_callbacks`). */
  get clicked(): ISignal<this, ViewerClick> {
    return this._clicked;
  }

  /** What a view calls on a click (a press released without dragging). */
  reportClick(click: ViewerClick): void {
    this._clicked.emit({ position: [...click.position], button: click.button, modifiers: [...click.modifiers] });
  }

  /** The layer with this id; with `type`, only if it is of that class. */
  getLayer(id: string): Layer | undefined;
  getLayer<T extends Layer>(id: string, type: abstract new (...args: never[]) => T): T | undefined;
  getLayer(id: string, type?: abstract new (...args: never[]) => Layer): Layer | undefined {
    const layer = this._layers.find(l => l.id === id);
    return layer && (!type || layer instanceof type) ? layer : undefined;
  }

  /** A layer id no layer of any viewer has been given automatically. */
  newLayerId(): string {
    let id: string;
    do {
      id = `layer-${++nextLayerNumber}`; // skips numbers an explicit id already took
    } while (this.getLayer(id));
    return id;
  }

  /**
   * Adds any layer on top: gives it a unique name, makes it record into this viewer's
   * history, selects it (as napari does) and extends the dims to cover it.
   */
  addLayer<T extends Layer>(layer: T): T {
    this.insertLayer(layer, this._layers.length);
    return layer;
  }

  /** napari's `add_image`: one layer, or one per channel with `channelAxis`. */
  addImage(data: NDArray, options: AddImageOptions & { channelAxis: number }): ImageLayer[];
  addImage(data: NDArray, options?: AddImageOptions & { channelAxis?: undefined }): ImageLayer;
  addImage(data: NDArray, options?: AddImageOptions): ImageLayer | ImageLayer[];
  addImage(data: NDArray, options: AddImageOptions = {}): ImageLayer | ImageLayer[] {
    if (options.id !== undefined && this.getLayer(options.id)) {
      // Before building the layer: its automatic contrast limits scan every pixel.
      throw new LayerValidationError(`a layer with id ${options.id} already exists`);
    }
    if (options.channelAxis === undefined) {
      return this.addLayer(this.makeImage(data, options, 0, 1, options.id));
    }
    const ndim = data.shape.length;
    const axis = options.channelAxis;
    if (!(Number.isInteger(axis) && axis >= -ndim && axis < ndim)) {
      throw new LayerValidationError(`expected channel_axis to be an integer in [${-ndim}, ${ndim}) for shape (${data.shape.join(', ')}), got ${axis}`);
    }
    const channelAxis = axis < 0 ? axis + ndim : axis;
    const n = data.shape[channelAxis];
    const dropChannel = (v?: readonly number[]) => (v && v.length === ndim - (options.rgb ? 1 : 0) ? v.filter((_, a) => a !== channelAxis) : v);
    const perChannel: AddImageOptions = { ...options, scale: dropChannel(options.scale), translate: dropChannel(options.translate) };
    // Every layer is built (and validated) before any is added: all channels or none.
    const layers = Array.from({ length: n }, (_, i) =>
      this.makeImage(takeChannel(data, channelAxis, i), perChannel, i, n, options.id === undefined ? undefined : `${options.id}-${i}`)
    );
    const taken = layers.find(layer => this.getLayer(layer.id));
    if (taken) {
      throw new LayerValidationError(`a layer with id ${taken.id} already exists`);
    }
    layers.forEach(layer => this.addLayer(layer));
    return layers;
  }

  removeLayer(id: string): boolean {
    const index = this._layers.findIndex(l => l.id === id);
    if (index < 0) {
      return false;
    }
    const [layer] = this._layers.splice(index, 1);
    layer.changed.disconnect(this.onLayerChanged, this);
    this.measured.delete(layer);
    this.history.forget(action => action.layerId === id);
    this.syncDims();
    this.dropFromSelection(id, index);
    this._layersChanged.emit();
    layer.dispose();
    return true;
  }

  /** Moves the layer at `fromIndex` so that it ends up at `toIndex` (napari's `move`). */
  moveLayer(fromIndex: number, toIndex: number): void {
    const n = this._layers.length;
    for (const index of [fromIndex, toIndex]) {
      if (!(Number.isInteger(index) && index >= 0 && index < n)) {
        throw new RangeError(`expected a layer index in [0, ${n}), got ${index}`);
      }
    }
    if (fromIndex === toIndex) return;
    const [layer] = this._layers.splice(fromIndex, 1);
    this._layers.splice(toIndex, 0, layer);
    this._layersChanged.emit();
  }

  /** Puts a copy right above the layer, named "<name> copy", and selects it. */
  duplicateLayer(id: string): Layer {
    const index = this._layers.findIndex(l => l.id === id);
    if (index < 0) {
      throw new LayerValidationError(`expected the id of a layer in this viewer, got ${JSON.stringify(id)}`);
    }
    const layer = this._layers[index];
    if (!layer.clone) {
      throw new LayerValidationError(`${layer.kind} layers cannot be duplicated (no clone method)`);
    }
    const copy = layer.clone({ id: this.newLayerId(), name: `${layer.name} copy` });
    this.insertLayer(copy, index + 1);
    return copy;
  }

  /** Ids of the selected layers. */
  get selection(): ReadonlySet<string> {
    return new Set(this._selection);
  }

  /** The id of the layer tools act on (the last one selected), or null. */
  get active(): string | null {
    return this._active;
  }

  get activeLayer(): Layer | undefined {
    return this._active === null ? undefined : this.getLayer(this._active);
  }

  /** Selects a layer and makes it active; `add` keeps the others selected (Ctrl+click). */
  select(id: string, options: { add?: boolean } = {}): void {
    if (!this.getLayer(id)) {
      throw new LayerValidationError(`expected the id of a layer in this viewer, got ${JSON.stringify(id)}`);
    }
    const selection = options.add ? new Set(this._selection) : new Set<string>();
    selection.add(id);
    this.setSelection(selection, id);
  }

  /** Removes a layer from the selection; the active role passes to the topmost selected one. */
  deselect(id: string): void {
    if (!this._selection.has(id)) return;
    const selection = new Set(this._selection);
    selection.delete(id);
    this.setSelection(selection, this._active === id ? this.topmostOf(selection) : this._active);
  }

  selectAll(): void {
    const all = new Set(this._layers.map(l => l.id));
    this.setSelection(all, this._active ?? this.topmostOf(all));
  }

  clearSelection(): void {
    this.setSelection(new Set(), null);
  }

  /** World bounding box of the displayed axes over all layers, used to reset the view. */
  get extent(): DisplayedExtent | null {
    return this.extentIn(this.dims);
  }

  /** The same box for the axes another plane view (`dims` linked to this one's) displays. */
  extentIn(dims: Dims): DisplayedExtent | null {
    if (this._layers.length === 0) {
      return null;
    }
    const range = dims.range;
    const [row, col] = dims.displayed;
    return { top: range[row][0], left: range[col][0], rows: range[row][1] - range[row][0], cols: range[col][1] - range[col][0] };
  }

  /**
   * Where the dims cut a raster layer: its integer index on every sliced axis (0 on the
   * displayed ones) and its displayed axes. Null when the layer has nothing to show: the
   * current slice lies outside it, or a displayed world axis is one the layer lacks.
   * O(ndim): no pixel is touched. `dims`: another plane of the same world (an orthogonal
   * view's dims, linked to these), by default the viewer's own.
   */
  sliceOf(layer: Layer, dims: Dims = this.dims): LayerSlice | null {
    const offset = dims.ndim - layer.ndim;
    const [row, col] = dims.displayed.map(axis => axis - offset);
    if (offset < 0 || row < 0 || col < 0) return null;
    const data = layer.worldToData(dims.point.slice(offset));
    const extent = this.measuredOf(layer).data;
    const step = new Array<number>(layer.ndim).fill(0);
    for (let a = 0; a < layer.ndim; a++) {
      if (a === row || a === col) continue;
      const index = Math.floor(data[a]);
      if (!(index >= extent[a][0] && index < extent[a][1])) return null;
      step[a] = index;
    }
    return { step, displayed: [row, col] };
  }

  /**
   * The layer's integer index under a world point of the displayed plane (what the camera
   * gives for the cursor) at the current slice, or null outside the layer; `dims` as in sliceOf.
   */
  layerIndexAt(layer: Layer, world: DataPoint, dims: Dims = this.dims): number[] | null {
    const slice = this.sliceOf(layer, dims);
    if (!slice) return null;
    const [row, col] = slice.displayed;
    const { scale, translate, data: extent } = this.measuredOf(layer);
    const index = slice.step;
    index[row] = Math.floor((world.row - translate[row]) / scale[row]);
    index[col] = Math.floor((world.col - translate[col]) / scale[col]);
    const inside = [row, col].every(a => index[a] >= extent[a][0] && index[a] < extent[a][1]);
    return inside ? index : null;
  }

  private makeImage(data: NDArray, options: AddImageOptions, channel: number, channels: number, id = this.newLayerId()): ImageLayer {
    const split = options.channelAxis !== undefined;
    const pick = <T>(value: T | T[] | undefined, isList: (v: T | T[]) => v is T[], what: string): T | undefined => {
      if (value === undefined || !isList(value)) return value;
      if (value.length !== channels) {
        throw new LayerValidationError(`expected ${channels} ${what} values (one per channel), got ${value.length}`);
      }
      return value[channel];
    };
    const isArray = <T>(v: T | T[]): v is T[] => Array.isArray(v);
    const isRangeList = (v: Range | Range[]): v is Range[] => Array.isArray(v[0]);
    return new ImageLayer(data, {
      id,
      name: pick(options.name, isArray, 'name') ?? 'Image',
      rgb: options.rgb,
      contrastLimits: pick(options.contrastLimits, isRangeList, 'contrast limits'),
      colormap: pick(options.colormap, isArray, 'colormap') ?? (split ? defaultChannelColormaps(channels)[channel] : undefined),
      gamma: pick(options.gamma, isArray, 'gamma'),
      opacity: pick(options.opacity, isArray, 'opacity'),
      blending: pick(options.blending, isArray, 'blending') ?? (split ? 'additive' : undefined),
      visible: pick(options.visible, isArray, 'visible'),
      interpolation: options.interpolation,
      scale: options.scale,
      translate: options.translate
    });
  }

  private insertLayer(layer: Layer, index: number): void {
    if (this.getLayer(layer.id)) {
      throw new LayerValidationError(`a layer with id ${layer.id} already exists`);
    }
    layer.checkTransform();
    layer.name = this.uniqueName(layer.name);
    layer.history = this.history;
    layer.changed.connect(this.onLayerChanged, this);
    this.measured.set(layer, measure(layer));
    this._layers.splice(index, 0, layer);
    this.syncDims();
    if (this._layers.length === 1) {
      this.dims.centerSteps(); // napari opens a stack at its middle slice
    }
    this.setSelection(new Set([layer.id]), layer.id);
    this._layersChanged.emit();
  }

  private onLayerChanged(layer: Layer, what: LayerChange): void {
    // Only data, scale and translate move a layer's extent; an opacity drag costs O(ndim).
    const known = this.measured.get(layer);
    if (!known || what === 'data' || !sameValues(known.scale, layer.scale) || !sameValues(known.translate, layer.translate)) {
      this.measured.set(layer, measure(layer));
      this.syncDims();
    }
    this._layerChanged.emit({ layer, what });
  }

  private measuredOf(layer: Layer): Measured {
    // A layer not (or no longer) in this viewer is measured on the spot.
    return this.measured.get(layer) ?? measure(layer);
  }

  /**
   * Dims cover every layer: ndim is the largest layer ndim (layers with fewer axes align to
   * the last ones, as napari broadcasts), each axis spans the union of the world extents and
   * steps by the finest scale on it.
   */
  private syncDims(): void {
    const ndim = Math.max(2, ...this._layers.map(l => l.ndim));
    const lo = new Array<number>(ndim).fill(Infinity);
    const hi = new Array<number>(ndim).fill(-Infinity);
    const step = new Array<number>(ndim).fill(Infinity);
    for (const layer of this._layers) {
      const offset = ndim - layer.ndim;
      const { scale, world } = this.measuredOf(layer);
      world.forEach(([a, b], i) => {
        lo[offset + i] = Math.min(lo[offset + i], a, b);
        hi[offset + i] = Math.max(hi[offset + i], a, b);
        step[offset + i] = Math.min(step[offset + i], Math.abs(scale[i]));
      });
    }
    const ranges: DimRange[] = lo.map((min, axis) => {
      if (!Number.isFinite(min)) return [0, 1, 1];
      // A flat extent (e.g. points all on one plane) still needs one slice to show.
      return [min, Math.max(hi[axis], min + step[axis]), step[axis]];
    });
    this.dims.setRange(ranges);
  }

  private setSelection(selection: Set<string>, active: string | null): void {
    const same = selection.size === this._selection.size && [...selection].every(id => this._selection.has(id));
    if (same && active === this._active) return;
    this._selection = selection;
    this._active = active;
    this._selectionChanged.emit();
  }

  // napari: when the active layer goes and nothing else is selected, the one below it is.
  private dropFromSelection(id: string, removedIndex: number): void {
    const selection = new Set(this._selection);
    const wasSelected = selection.delete(id);
    if (this._active !== id && !wasSelected) return;
    if (selection.size === 0 && this._layers.length > 0) {
      const neighbour = this._layers[Math.max(0, removedIndex - 1)].id;
      this.setSelection(new Set([neighbour]), neighbour);
    } else {
      this.setSelection(selection, this._active === id ? this.topmostOf(selection) : this._active);
    }
  }

  private topmostOf(ids: ReadonlySet<string>): string | null {
    for (let i = this._layers.length - 1; i >= 0; i--) {
      if (ids.has(this._layers[i].id)) return this._layers[i].id;
    }
    return null;
  }

  // napari's naming: a taken name gets " [1]", " [2]", ...
  private uniqueName(base: string): string {
    const taken = new Set(this._layers.map(l => l.name));
    if (!taken.has(base)) {
      return base;
    }
    for (let i = 1; ; i++) {
      const candidate = `${base} [${i}]`;
      if (!taken.has(candidate)) {
        return candidate;
      }
    }
  }
}
