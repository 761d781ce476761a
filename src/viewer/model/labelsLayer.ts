import { ISignal, Signal } from '@lumino/signaling';
import { brushFootprint, roundHalfEven, strokeCenters } from '../../core/labels/brush';
import {
  applyDiff,
  BoundingBox,
  DiffBuilder,
  diffBytes,
  LabelDiff,
  LabelValue,
  unionBox,
  ValueArray,
  valuesOf
} from '../../core/labels/diff';
import { floodFill, stridesOf } from '../../core/labels/floodFill';
import { DEFAULT_LABEL_COLOR_SEED, labelColor } from '../../core/labels/labelColors';
import { polygonPixels } from '../../core/labels/polygon';
import { copyNDArray, NDArray } from '../../core/ndarray';
import { pasteRegion } from '../../core/slicing';
import { UndoableAction } from './history';
import { Layer, LayerCloneOptions, LayerOptions } from './layerBase';
import {
  checkBrushSize,
  checkContour,
  checkLabelClasses,
  checkMode,
  checkNEditDim,
  checkSeed,
  LabelClass,
  LabelsMode,
  MAX_LABEL_CLASSES,
  toLabelValue,
  validateLabelsArray,
  zeroOf
} from './labelsValidation';

// The dtype, id-range and tool-setting checks live in labelsValidation.ts; re-exported so that
// importers keep using this module.
export { LABEL_DTYPES, LABELS_MODES, MAX_LABEL_CLASSES, MAX_LABEL_CLASS_NAME, validateLabelsArray } from './labelsValidation';
export type { LabelClass, LabelsMode } from './labelsValidation';

export interface LabelsLayerOptions extends LayerOptions {
  /** Default 1. */
  selectedLabel?: LabelValue;
  mode?: LabelsMode;
  /** Brush diameter in pixels of the finest axis; default 10 (napari). */
  brushSize?: number;
  preserveLabels?: boolean;
  contiguous?: boolean;
  nEditDim?: 2 | 3;
  showSelectedLabel?: boolean;
  /** 0: filled labels; t > 0: only contours, t pixels thick inside (napari's `contour`). */
  contour?: number;
  colorSeed?: number;
  /** Names and colours of ids 1..n (ilastik's label list); default none. */
  labelClasses?: readonly LabelClass[];
}

/** Where the data changed, per data axis [start, end): what a renderer re-uploads. */
export interface LabelsDataChange {
  readonly box: BoundingBox;
}

/** The undo step of one paint stroke, fill or polygon. */
export interface LabelsEditAction extends UndoableAction {
  readonly layerId: string;
  readonly diff: LabelDiff;
}

interface ToolState {
  mode: LabelsMode;
  brushSize: number;
  preserveLabels: boolean;
  contiguous: boolean;
  nEditDim: 2 | 3;
  showSelectedLabel: boolean;
  contour: number;
  colorSeed: number;
}

interface Stroke {
  builder: DiffBuilder;
  /** Previous pointer position along the edit axes, for interpolation. */
  last: number[] | null;
  /** Edit axes and slice of `last`; a stroke does not interpolate across slices. */
  lastKey: string;
  painted: boolean;
  erased: boolean;
}

/**
 * napari's Labels layer as plain evented state: an integer array of object ids (0 =
 * background) and every tool as a method that works on data-space points, so tools,
 * scripts and tests drive it the same way without a canvas.
 *
 * Points are nD data coordinates (pixel centres at integers; napari rounds half to even).
 * `displayedAxes` names the axes on screen, in dims order: the last two are the plane that 2D
 * edits act on; with `nEditDim` 3 the third-last (or, when only two are given, the highest
 * axis not displayed) is added, as napari's `dims.order[-n_edit_dimensions:]`. Edits change
 * the array in place, emit `dataChanged` with the dirty box and `changed('data')`, and record
 * one undo step each (a brush stroke, from beginStroke to endStroke, is one step).
 */
/** How many label ids may have their own colour (the shader's uniform array). */
export const MAX_COLOR_OVERRIDES = MAX_LABEL_CLASSES;

export class LabelsLayer extends Layer {
  readonly kind = 'labels';
  private _data: NDArray;
  private _strides: number[];
  private _zero: LabelValue;
  private _selectedLabel: LabelValue;
  private readonly _tool: ToolState;
  private _stroke: Stroke | null = null;
  private readonly _dataChanged = new Signal<this, LabelsDataChange>(this);
  private _labelClasses: LabelClass[];
  private _colorOverrides = new Map<number, readonly [number, number, number, number]>();

  constructor(data: NDArray, options: LabelsLayerOptions) {
    super({ ...options, opacity: options.opacity ?? 0.7 });
    validateLabelsArray(data);
    this._data = data;
    this._strides = stridesOf(data.shape);
    this._zero = zeroOf(data);
    this.checkTransform();
    this._selectedLabel = this.toLabel(options.selectedLabel ?? 1);
    this._tool = {
      mode: checkMode(options.mode ?? 'pan_zoom'),
      brushSize: checkBrushSize(options.brushSize ?? 10),
      preserveLabels: options.preserveLabels ?? false,
      contiguous: options.contiguous ?? true,
      nEditDim: checkNEditDim(options.nEditDim ?? 2),
      showSelectedLabel: options.showSelectedLabel ?? false,
      contour: checkContour(options.contour ?? 0),
      colorSeed: checkSeed(options.colorSeed ?? DEFAULT_LABEL_COLOR_SEED)
    };
    this._labelClasses = checkLabelClasses(options.labelClasses ?? []);
    this._colorOverrides = overridesOf(this._labelClasses);
  }

  get data(): NDArray {
    return this._data;
  }
  get ndim(): number {
    return this._data.shape.length;
  }
  get shape(): number[] {
    return [...this._data.shape];
  }
  get dataExtent(): Array<[number, number]> {
    return this._data.shape.map(n => [0, n]);
  }

  /** Emitted after every edit, undo and redo with the box that changed. */
  get dataChanged(): ISignal<this, LabelsDataChange> {
    return this._dataChanged;
  }

  /** Replaces the array. Undo steps recorded on the old array are forgotten. */
  setData(data: NDArray): void {
    validateLabelsArray(data);
    const old = { data: this._data, strides: this._strides, zero: this._zero };
    this._data = data;
    this._strides = stridesOf(data.shape);
    this._zero = zeroOf(data);
    try {
      this.checkTransform();
    } catch (err) {
      this._data = old.data;
      this._strides = old.strides;
      this._zero = old.zero;
      throw err;
    }
    // The selected id changes type with the dtype (bigint for 64-bit); one that no longer
    // fits (300 after switching to uint8) falls back to napari's default, 1.
    try {
      this._selectedLabel = this.toLabel(this._selectedLabel);
    } catch {
      this._selectedLabel = this.toLabel(1);
    }
    this._stroke = null;
    this.history.forget(action => action.layerId === this.id);
    this.emitData(this.dataExtent);
  }

  // ---- display and tool state -------------------------------------------------------------

  /** bigint for (u)int64 data, number otherwise. */
  get selectedLabel(): LabelValue {
    return this._selectedLabel;
  }
  set selectedLabel(value: LabelValue) {
    const label = this.toLabel(value);
    if (label === this._selectedLabel) return;
    this._selectedLabel = label;
    this._changed.emit('display');
  }

  get mode(): LabelsMode {
    return this._tool.mode;
  }
  set mode(value: LabelsMode) {
    this.setTool('mode', checkMode(value));
  }

  get brushSize(): number {
    return this._tool.brushSize;
  }
  set brushSize(value: number) {
    this.setTool('brushSize', checkBrushSize(value));
  }

  /** napari's preserve_labels: paint only over background, erase only the selected label. */
  get preserveLabels(): boolean {
    return this._tool.preserveLabels;
  }
  set preserveLabels(value: boolean) {
    this.setTool('preserveLabels', value);
  }

  /** Fill only the connected region (true) or every pixel of the clicked value (false). */
  get contiguous(): boolean {
    return this._tool.contiguous;
  }
  set contiguous(value: boolean) {
    this.setTool('contiguous', value);
  }

  /** 2: paint and fill in the displayed plane; 3: in the volume (napari's n_edit_dimensions). */
  get nEditDim(): 2 | 3 {
    return this._tool.nEditDim;
  }
  set nEditDim(value: 2 | 3) {
    this.setTool('nEditDim', checkNEditDim(value));
  }

  get showSelectedLabel(): boolean {
    return this._tool.showSelectedLabel;
  }
  set showSelectedLabel(value: boolean) {
    this.setTool('showSelectedLabel', value);
  }

  get contour(): number {
    return this._tool.contour;
  }
  set contour(value: number) {
    this.setTool('contour', checkContour(value));
  }

  /** Seed of the label colours (see core/labels/labelColors); another seed shuffles them. */
  get colorSeed(): number {
    return this._tool.colorSeed;
  }
  set colorSeed(value: number) {
    this.setTool('colorSeed', checkSeed(value));
  }

  /** [r, g, b, a] bytes of a label id: its override, else the hash with this layer's seed; 0 is transparent. */
  colorOf(label: LabelValue): [number, number, number, number] {
    const own = typeof label === 'number' ? this._colorOverrides.get(label) : undefined;
    return own ? [...own] : labelColor(label, this._tool.colorSeed);
  }

  /**
   * What ids 1..n mean: entry k names label k + 1 and gives its colour (napari's `color` dict
   * for those ids, plus ilastik's label names). Used where ids are classes, e.g. the scribbles
   * of pixel classification. A display field: it travels to the kernel and is saved with the
   * annotations, so the names outlive reloads and kernel restarts.
   */
  get labelClasses(): readonly LabelClass[] {
    return this._labelClasses;
  }
  set labelClasses(classes: readonly LabelClass[]) {
    const checked = checkLabelClasses(classes);
    if (JSON.stringify(checked) === JSON.stringify(this._labelClasses)) return;
    this._labelClasses = checked;
    this._colorOverrides = overridesOf(checked);
    this._changed.emit('display');
  }

  /** The overridden colours (id -> rgba bytes), for the renderer. */
  get colorOverrides(): ReadonlyMap<number, readonly [number, number, number, number]> {
    return this._colorOverrides;
  }

  // ---- reading ----------------------------------------------------------------------------

  /** The id at an integer index (one per axis). */
  valueAt(index: readonly number[]): LabelValue {
    this.checkIndex(index, 'index');
    return valuesOf(this._data.data)[this.flatIndex(index)];
  }

  /** napari's pick mode: selects (and returns) the label under a data-space point. */
  pick(point: readonly number[]): LabelValue {
    const index = this.roundPoint(point);
    this.checkIndex(index, 'point');
    this.selectedLabel = valuesOf(this._data.data)[this.flatIndex(index)];
    return this._selectedLabel;
  }

  /** napari's "new label" (M): selects max(data, 0) + 1, the first id surely unused. */
  newLabel(): LabelValue {
    const values = valuesOf(this._data.data);
    let max = this._zero;
    for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
    const next = typeof max === 'bigint' ? max + 1n : max + 1;
    this.selectedLabel = next; // the setter refuses an id beyond the dtype, e.g. 256 in uint8
    return this._selectedLabel;
  }

  // ---- brush ------------------------------------------------------------------------------

  get strokeActive(): boolean {
    return this._stroke !== null;
  }

  /** Starts a stroke: everything painted until endStroke() is one undo step. */
  beginStroke(): void {
    this.endStroke();
    this._stroke = {
      builder: new DiffBuilder(this._data.data, this._data.data.length),
      last: null,
      lastKey: '',
      painted: false,
      erased: false
    };
  }

  /**
   * Paints the selected label with the brush at `point`, stamping along the way from the
   * previous position of this stroke. Outside a stroke, it is a stroke of its own.
   */
  paintAt(point: readonly number[], displayedAxes: readonly number[]): void {
    this.brushAt(point, displayedAxes, this._selectedLabel);
  }

  /** As paintAt, writing background (0). */
  eraseAt(point: readonly number[], displayedAxes: readonly number[]): void {
    this.brushAt(point, displayedAxes, this._zero);
  }

  /** Ends the stroke and records it as one undo step (null when it changed nothing). */
  endStroke(): LabelsEditAction | null {
    const stroke = this._stroke;
    if (!stroke) return null;
    this._stroke = null;
    const label = stroke.erased && !stroke.painted ? 'Erase' : 'Paint';
    return this.record(label, stroke.builder.build());
  }

  private brushAt(point: readonly number[], displayedAxes: readonly number[], label: LabelValue): void {
    // Validate before a stroke opens, so a bad point never leaves one dangling.
    const edit = this.editAxes(displayedAxes, this._tool.nEditDim);
    const slice = this.sliceIndex(point, edit);
    const ownStroke = !this._stroke;
    if (ownStroke) this.beginStroke();
    const stroke = this._stroke!;
    const center = edit.map(a => point[a]);
    // Interpolate only from a position on the same plane/volume with the same edit axes.
    const key = slice.map((s, axis) => (edit.includes(axis) ? '*' : s)).join(',');
    const previous = stroke.lastKey === key ? stroke.last : null;
    const scale = this.scale;
    const footprintOptions = { scale: edit.map(a => scale[a]), shape: edit.map(a => this._data.shape[a]) };
    let box: BoundingBox | null = null;
    for (const c of strokeCenters(previous, center, this._tool.brushSize)) {
      const pixels = brushFootprint(c, this._tool.brushSize, footprintOptions);
      box = unionBox(box, this.writePixels(pixels, edit, slice, label, stroke.builder));
    }
    stroke.last = center;
    stroke.lastKey = key;
    if (label === this._zero) stroke.erased = true;
    else stroke.painted = true;
    if (box) {
      stroke.builder.includeBox(box);
      this.emitData(box);
    }
    if (ownStroke) this.endStroke();
  }

  // ---- fill and polygon -------------------------------------------------------------------

  /**
   * napari's fill: replaces the clicked label by the selected one, in the connected region
   * (or everywhere, `contiguous` false) of the displayed plane (nEditDim 2) or the volume (3).
   * Nothing happens when the clicked pixel already holds the selected label, or holds a label
   * while `preserveLabels` is on. Returns whether anything changed.
   */
  fill(point: readonly number[], displayedAxes: readonly number[]): boolean {
    this.endStroke();
    const index = this.roundPoint(point);
    this.checkIndex(index, 'point');
    const edit = this.editAxes(displayedAxes, this._tool.nEditDim);
    const old = valuesOf(this._data.data)[this.flatIndex(index)];
    if (old === this._selectedLabel || (this._tool.preserveLabels && old !== this._zero)) return false;
    const diff = floodFill(this._data, index, this._selectedLabel, { axes: edit, contiguous: this._tool.contiguous });
    this.record('Fill', diff);
    this.emitData(diff.box!);
    return true;
  }

  /**
   * Paints the polygon with `vertices` ([row, column] along the last two displayedAxes, in
   * data coordinates; skimage.draw.polygon's pixels) in the plane through `slicePoint`, with
   * the selected label and preserveLabels as for the brush. Always 2D, as in napari.
   */
  paintPolygon(
    vertices: ReadonlyArray<readonly [number, number]>,
    slicePoint: readonly number[],
    displayedAxes: readonly number[]
  ): LabelsEditAction | null {
    this.endStroke();
    if (vertices.length < 3) {
      throw new RangeError(`a polygon needs at least 3 vertices, got ${vertices.length}`);
    }
    const plane = this.editAxes(displayedAxes, 2);
    const slice = this.sliceIndex(slicePoint, plane);
    const shape: [number, number] = [this._data.shape[plane[0]], this._data.shape[plane[1]]];
    // editAxes sorts the axes; vertices come in displayed order, which may be transposed.
    const rowAxis = displayedAxes[displayedAxes.length - 2];
    const along = (axis: number) => vertices.map(v => v[axis === rowAxis ? 0 : 1]);
    const pixels = polygonPixels(along(plane[0]), along(plane[1]), shape);
    const builder = new DiffBuilder(this._data.data, this._data.data.length);
    const box = this.writePixels(pixels, plane, slice, this._selectedLabel, builder);
    builder.includeBox(box);
    const action = this.record('Polygon', builder.build());
    if (box) this.emitData(box);
    return action;
  }

  /**
   * Writes `label` wherever `mask` (a box of the layer's shape at `start`, any nonzero value
   * selects a pixel) is set, over what is there (micro-sam's commit overwrites), as one undo
   * step named `undoLabel`. Returns the step, or null when nothing changed.
   */
  paintMask(start: readonly number[], mask: NDArray, label: LabelValue, undoLabel = 'Paint mask'): LabelsEditAction | null {
    this.endStroke();
    const shape = this._data.shape;
    if (start.length !== shape.length || mask.shape.length !== shape.length) {
      throw new RangeError(`expected a ${shape.length}D mask and start, got ${mask.shape.length}D and ${start.length}D`);
    }
    if (start.some((s, a) => !Number.isInteger(s) || s < 0 || s + mask.shape[a] > shape[a])) {
      throw new RangeError(`a mask of shape (${mask.shape.join(', ')}) at (${start.join(', ')}) does not fit in (${shape.join(', ')})`);
    }
    const value = this.toLabel(label);
    const data: ValueArray = valuesOf(this._data.data);
    const src = mask.data as ArrayLike<number>;
    const strides = this._strides;
    const builder = new DiffBuilder(this._data.data, this._data.data.length);
    const lo = shape.map(() => Infinity);
    const hi = shape.map(() => -Infinity);
    const index = new Array<number>(shape.length).fill(0);
    for (let k = 0; k < src.length; k++) {
      if (src[k]) {
        let flat = 0;
        for (let a = 0; a < shape.length; a++) flat += (start[a] + index[a]) * strides[a];
        if (data[flat] !== value) {
          builder.record(flat, data[flat], value);
          data[flat] = value;
          for (let a = 0; a < shape.length; a++) {
            lo[a] = Math.min(lo[a], start[a] + index[a]);
            hi[a] = Math.max(hi[a], start[a] + index[a] + 1);
          }
        }
      }
      for (let a = shape.length - 1; a >= 0 && ++index[a] === mask.shape[a]; a--) index[a] = 0;
    }
    if (builder.size === 0) return null;
    const box: BoundingBox = lo.map((l, a) => [l, hi[a]]);
    builder.includeBox(box);
    const action = this.record(undoLabel, builder.build());
    this.emitData(box);
    return action;
  }

  /** The largest label in the layer (0 when empty): micro-sam gives a committed object max + 1. */
  maxLabel(): LabelValue {
    const data = this._data.data as ArrayLike<number | bigint>;
    let max: number | bigint = this._zero;
    for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
    return max;
  }

  clone(options: LayerCloneOptions): LabelsLayer {
    return new LabelsLayer(copyNDArray(this._data), {
      ...this.cloneBase(options),
      selectedLabel: this._selectedLabel,
      ...this._tool,
      labelClasses: this._labelClasses
    });
  }

  /**
   * Writes a box of pixels made elsewhere (another tab's edit, forwarded by the kernel) at
   * `start`. Not an edit of this view: no undo step. A stroke in progress keeps painting over it.
   */
  writeRegion(start: readonly number[], region: NDArray): void {
    pasteRegion(this._data, start, region);
    this.emitData(start.map((s, a) => [s, s + region.shape[a]]));
  }

  // ---- internals --------------------------------------------------------------------------

  /**
   * Writes `label` at the pixels given as one coordinate array per edit axis (the other axes
   * at `slice`), honouring preserveLabels, recording each real change. Returns the box of
   * the pixels that changed, or null.
   */
  private writePixels(
    pixels: Int32Array[],
    edit: number[],
    slice: number[],
    label: LabelValue,
    builder: DiffBuilder
  ): BoundingBox | null {
    const data: ValueArray = valuesOf(this._data.data);
    const strides = this._strides;
    const base = slice.reduce((acc, s, axis) => acc + (edit.includes(axis) ? 0 : s * strides[axis]), 0);
    const editStrides = edit.map(a => strides[a]);
    const lo = edit.map(() => Infinity);
    const hi = edit.map(() => -Infinity);
    const zero = this._zero;
    const erasing = label === zero;
    const keep = this._tool.preserveLabels ? (erasing ? this._selectedLabel : zero) : null;
    const count = pixels[0].length;
    let changed = 0;
    for (let k = 0; k < count; k++) {
      let index = base;
      for (let i = 0; i < edit.length; i++) index += pixels[i][k] * editStrides[i];
      const current = data[index];
      if (current === label || (keep !== null && current !== keep)) continue;
      builder.record(index, current, label);
      data[index] = label;
      changed++;
      for (let i = 0; i < edit.length; i++) {
        const c = pixels[i][k];
        if (c < lo[i]) lo[i] = c;
        if (c > hi[i]) hi[i] = c;
      }
    }
    if (changed === 0) return null;
    const box: BoundingBox = slice.map(s => [s, s + 1]);
    edit.forEach((axis, i) => (box[axis] = [lo[i], hi[i] + 1]));
    return box;
  }

  private record(label: string, diff: LabelDiff): LabelsEditAction | null {
    if (diff.indices.length === 0) return null;
    const target = this._data;
    const action: LabelsEditAction = {
      label,
      layerId: this.id,
      bytes: diffBytes(diff),
      diff,
      undo: () => this.replay(target, diff, 'undo'),
      redo: () => this.replay(target, diff, 'redo')
    };
    this.history.push(action);
    return action;
  }

  private replay(target: NDArray, diff: LabelDiff, direction: 'undo' | 'redo'): void {
    // Refusing (the history keeps a step whose undo throws) is safer than interleaving: a
    // stroke's recorded `before` values would no longer match the data.
    if (this._stroke) {
      throw new Error('finish the brush stroke (endStroke) before undo or redo');
    }
    if (target !== this._data) {
      throw new Error(`layer "${this.name}" has new data; this step belongs to the old array`);
    }
    applyDiff(target.data, diff, direction);
    if (diff.box) this.emitData(diff.box);
  }

  private emitData(box: BoundingBox): void {
    this._dataChanged.emit({ box });
    this._changed.emit('data');
  }

  private setTool<K extends keyof ToolState>(key: K, value: ToolState[K]): void {
    if (this._tool[key] === value) return;
    this._tool[key] = value;
    this._changed.emit('display');
  }

  /**
   * The axes an edit acts on, ascending: the last `n` of `displayedAxes` (dims order), topped
   * up with the highest non-displayed axes when fewer are given. Never more than ndim.
   */
  private editAxes(displayedAxes: readonly number[], n: number): number[] {
    const ndim = this.ndim;
    const valid =
      displayedAxes.length >= 2 &&
      new Set(displayedAxes).size === displayedAxes.length &&
      displayedAxes.every(a => Number.isInteger(a) && a >= 0 && a < ndim);
    if (!valid) {
      throw new RangeError(`displayedAxes must be at least 2 distinct axes of a ${ndim}D layer, got [${displayedAxes.join(', ')}]`);
    }
    const count = Math.min(n, ndim);
    const axes = displayedAxes.slice(-count);
    for (let a = ndim - 1; a >= 0 && axes.length < count; a--) if (!axes.includes(a)) axes.unshift(a);
    return axes.sort((a, b) => a - b);
  }

  /** The rounded index of `point`, whose non-edit coordinates must lie inside the data. */
  private sliceIndex(point: readonly number[], edit: number[]): number[] {
    const index = this.roundPoint(point);
    const outside = index.some((s, axis) => !edit.includes(axis) && (s < 0 || s >= this._data.shape[axis]));
    if (outside) {
      throw new RangeError(`point [${point.join(', ')}] lies on no slice of shape [${this._data.shape.join(', ')}]`);
    }
    return index;
  }

  private roundPoint(point: readonly number[]): number[] {
    if (point.length !== this.ndim || !point.every(Number.isFinite)) {
      throw new RangeError(`expected ${this.ndim} finite data coordinates, got [${point.join(', ')}]`);
    }
    return point.map(roundHalfEven);
  }

  private checkIndex(index: readonly number[], what: string): void {
    const shape = this._data.shape;
    const inside = index.length === shape.length && index.every((s, i) => Number.isInteger(s) && s >= 0 && s < shape[i]);
    if (!inside) {
      throw new RangeError(`${what} [${index.join(', ')}] lies outside the data (shape [${shape.join(', ')}])`);
    }
  }

  private flatIndex(index: readonly number[]): number {
    let flat = 0;
    for (let i = 0; i < index.length; i++) flat += index[i] * this._strides[i];
    return flat;
  }

  /** `value` as this dtype's element type, or a LayerValidationError saying why it cannot be. */
  private toLabel(value: LabelValue): LabelValue {
    return toLabelValue(value, this._data.dtype, this._zero);
  }
}

function overridesOf(classes: readonly LabelClass[]): Map<number, readonly [number, number, number, number]> {
  return new Map(classes.map((c, k) => [k + 1, c.color]));
}
