import { UndoableAction } from './history';
import { clickSelect } from './selection';
import { Layer, LayerCloneOptions, LayerOptions, LayerValidationError } from './layerBase';
import { checkRGBA, FaceColor, FaceColorMapper, RGBA } from './pointsColors';
import {
  checkProperties,
  checkPropertyValue,
  copyTable,
  currentPropertiesFor,
  emptyColumns,
  listNames,
  PropertyTable,
  PropertyValue
} from './pointsProperties';

export type { ColorBy, FaceColor, RGBA } from './pointsColors';
export { CATEGORY_COLORS, checkRGBA, MISSING_COLOR } from './pointsColors';
export type { PropertyTable, PropertyValue } from './pointsProperties';

/** The two data axes shown on screen, as (row axis, column axis). */
export type DisplayedAxes = readonly [number, number];

export type PointsMode = 'pan_zoom' | 'add' | 'select';
export const POINTS_MODES: readonly PointsMode[] = ['pan_zoom', 'add', 'select'];

export interface PointsLayerOptions extends Omit<LayerOptions, 'id' | 'name'> {
  id: string;
  name: string;
  /** Points as rows of coordinates; leave out (or empty) for an empty layer of `ndim` axes. */
  data?: readonly (readonly number[])[];
  /** Number of axes, 2 to 5; taken from `data` when it has points. */
  ndim?: number;
  /** Diameter in data units, one for all or one per point. napari's default is 10. */
  size?: number | readonly number[];
  properties?: PropertyTable;
  /** Values a newly added point gets (napari's `current_properties`); default: the last point's. */
  currentProperties?: Record<string, PropertyValue>;
  faceColor?: FaceColor;
  borderColor?: RGBA;
  /** Border width as a fraction of the point size, as napari's default relative border (0.05). */
  borderWidth?: number;
}

/** What a status bar shows for the point under the cursor. */
export interface PointInfo {
  index: number;
  coordinates: number[];
  size: number;
  properties: Record<string, PropertyValue>;
}

/** Rows taken out of (or going back into) the layer, at their indices in the longer array. */
interface PointRows {
  indices: number[];
  coords: Float64Array;
  sizes: Float64Array;
  properties: PropertyTable;
}

export const DEFAULT_POINT_SIZE = 10;

/**
 * napari's Points layer as plain state: N points of D coordinates (row-major N x D), a size
 * and property values per point, colours, a selection and a mode. Every tool action is a
 * method (add, select near / in a box, drag-move, delete, set a property), and every edit is
 * one undoable step on `history`, pushed after it is applied.
 */
export class PointsLayer extends Layer {
  readonly kind = 'points';
  private readonly _ndim: number;
  private _coords: Float64Array;
  private _sizes: Float64Array;
  private _properties: PropertyTable;
  private _current: Record<string, PropertyValue>;
  private _currentSize = DEFAULT_POINT_SIZE;
  private readonly _colors: FaceColorMapper;
  private _borderColor: RGBA;
  private _borderWidth: number;
  private _selected = new Set<number>();
  private _mode: PointsMode = 'pan_zoom';
  /** The selected points and their coordinates when a drag began. */
  private _move: { indices: number[]; before: Float64Array } | null = null;

  constructor(options: PointsLayerOptions) {
    super(options);
    const data = options.data ?? [];
    this._ndim = checkNdim(options.ndim ?? (data.length && Array.isArray(data[0]) ? data[0].length : 2));
    this._coords = this.packPoints(data);
    this._sizes = this.checkSizes(options.size ?? DEFAULT_POINT_SIZE, data.length);
    this._properties = checkProperties(options.properties ?? {}, data.length);
    for (const name of Object.keys(options.currentProperties ?? {})) this.checkPropertyName(name);
    this._current = currentPropertiesFor(this._properties, options.currentProperties ?? {});
    this._colors = new FaceColorMapper(name => this.propertyColumn(name));
    this._colors.setFaceColor(options.faceColor ?? [1, 1, 1, 1], Object.keys(this._properties));
    this._borderColor = checkRGBA(options.borderColor ?? [0.41, 0.41, 0.41, 1], 'border colour');
    this._borderWidth = checkBorderWidth(options.borderWidth ?? 0.05);
    this.checkTransform();
  }

  /** An independent copy (own coordinates, sizes and properties) with another id and name. */
  clone(options: LayerCloneOptions): PointsLayer {
    const data = Array.from({ length: this.count }, (_, i) => this.coordinates(i));
    const copy = new PointsLayer({
      ...this.cloneBase(options),
      data,
      ndim: this._ndim,
      size: Array.from(this._sizes),
      properties: copyTable(this._properties),
      currentProperties: this._current,
      faceColor: this._colors.faceColor,
      borderColor: this._borderColor,
      borderWidth: this._borderWidth
    });
    copy._currentSize = this._currentSize;
    copy._colors.copyStateFrom(this._colors);
    copy._mode = this._mode;
    return copy;
  }

  get ndim(): number {
    return this._ndim;
  }

  /** Number of points. */
  get count(): number {
    return this._sizes.length;
  }

  /** Per axis [min, max + 1): the index range an image covering every point would need; [0, 1) when empty. */
  get dataExtent(): Array<[number, number]> {
    const d = this._ndim;
    const extent: Array<[number, number]> = [];
    for (let a = 0; a < d; a++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = a; i < this._coords.length; i += d) {
        lo = Math.min(lo, this._coords[i]);
        hi = Math.max(hi, this._coords[i]);
      }
      extent.push(this.count ? [lo, hi + 1] : [0, 1]);
    }
    return extent;
  }

  /** A copy of the coordinates, row-major N x ndim. */
  get data(): Float64Array {
    return this._coords.slice();
  }

  coordinates(index: number): number[] {
    this.checkIndex(index);
    return Array.from(this._coords.subarray(index * this._ndim, (index + 1) * this._ndim));
  }

  /** A copy of the diameters. */
  get sizes(): Float64Array {
    return this._sizes.slice();
  }

  /** A copy of the property table. */
  get properties(): PropertyTable {
    return copyTable(this._properties);
  }

  propertiesOf(index: number): Record<string, PropertyValue> {
    this.checkIndex(index);
    const out: Record<string, PropertyValue> = {};
    for (const name of Object.keys(this._properties)) out[name] = this._properties[name][index];
    return out;
  }

  /**
   * Replaces all points from outside (the kernel, a file). Not a user gesture: the undo steps
   * of this layer are forgotten, since they name points that may no longer exist.
   */
  setData(
    data: readonly (readonly number[])[],
    options: { size?: number | readonly number[]; properties?: PropertyTable } = {}
  ): void {
    this.endMove();
    const coords = this.packPoints(data);
    const sizes = this.checkSizes(options.size ?? this._currentSize, data.length);
    const properties = checkProperties(options.properties ?? emptyColumns(this._properties), data.length);
    // Current values carry over for the properties that remain; new ones start from the last point.
    const kept = Object.fromEntries(Object.entries(this._current).filter(([name]) => name in properties));
    const current = currentPropertiesFor(properties, kept);
    this._coords = coords;
    this._sizes = sizes;
    this._properties = properties;
    this._current = current;
    this._selected.clear();
    this.history.forget(action => action.layerId === this.id);
    this._changed.emit('data');
  }

  // ---- display state --------------------------------------------------------------------

  get mode(): PointsMode {
    return this._mode;
  }
  set mode(value: PointsMode) {
    if (!POINTS_MODES.includes(value)) {
      throw new LayerValidationError(`unknown points mode ${JSON.stringify(value)}; expected one of ${POINTS_MODES.join(', ')}`);
    }
    this._mode = value;
    this._changed.emit('display');
  }

  get currentProperties(): Record<string, PropertyValue> {
    return { ...this._current };
  }
  /** Sets the values the next added point gets; names must be existing properties. */
  set currentProperties(values: Record<string, PropertyValue>) {
    for (const [name, value] of Object.entries(values)) {
      this.checkPropertyName(name);
      checkPropertyValue(name, value);
    }
    this._current = { ...this._current, ...values };
    this._changed.emit('display');
  }

  /** Diameter a newly added point gets. */
  get currentSize(): number {
    return this._currentSize;
  }
  set currentSize(value: number) {
    this._currentSize = checkSize(value);
    this._changed.emit('display');
  }

  get faceColor(): FaceColor {
    return this._colors.faceColor;
  }
  set faceColor(value: FaceColor) {
    this._colors.setFaceColor(value, Object.keys(this._properties));
    this._changed.emit('display');
  }

  /** The ramp for continuous colouring: 256 RGBA entries (e.g. viridis from core/colormaps). */
  setContinuousColormap(lut: Uint8Array): void {
    this._colors.setLut(lut);
    this._changed.emit('display');
  }

  /** Face colours as N x 4 floats in [0, 1], for the renderer. */
  faceColors(): Float32Array {
    return this._colors.colors(this.count);
  }

  faceColorOf(index: number): RGBA {
    this.checkIndex(index);
    const c = this.faceColors().subarray(index * 4, index * 4 + 4);
    return [c[0], c[1], c[2], c[3]];
  }

  get borderColor(): RGBA {
    return this._borderColor;
  }
  set borderColor(value: RGBA) {
    this._borderColor = checkRGBA(value, 'border colour');
    this._changed.emit('display');
  }

  get borderWidth(): number {
    return this._borderWidth;
  }
  set borderWidth(value: number) {
    this._borderWidth = checkBorderWidth(value);
    this._changed.emit('display');
  }

  // ---- slicing, hit testing and selection -----------------------------------------------

  /**
   * The points shown on the slice `step` (one integer per axis; the displayed axes' entries
   * are ignored): those whose coordinates on every other axis round to the step, halves up.
   */
  visibleIndices(step: readonly number[], displayedAxes: DisplayedAxes = lastTwoAxes(this._ndim)): number[] {
    this.checkVector(step, 'slice position');
    const axes = checkDisplayedAxes(displayedAxes, this._ndim);
    const hidden = [...Array(this._ndim).keys()].filter(a => !axes.includes(a));
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const base = i * this._ndim;
      if (hidden.every(a => Math.floor(this._coords[base + a] + 0.5) === Math.round(step[a]))) out.push(i);
    }
    return out;
  }

  /**
   * The point under `position` (nD; its non-displayed coordinates give the slice): among the
   * visible points, the nearest whose disc (size / 2) or pick `radius` contains the position;
   * on a tie the later point, which is drawn on top.
   */
  pointAt(position: readonly number[], displayedAxes: DisplayedAxes = lastTwoAxes(this._ndim), radius = 0): number | null {
    const [ar, ac] = checkDisplayedAxes(displayedAxes, this._ndim);
    let best: number | null = null;
    let bestDistance = Infinity;
    for (const i of this.visibleIndices(position, [ar, ac])) {
      const base = i * this._ndim;
      const d = Math.hypot(this._coords[base + ar] - position[ar], this._coords[base + ac] - position[ac]);
      if (d <= Math.max(this._sizes[i] / 2, radius) && d <= bestDistance) {
        best = i;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Index, coordinates, size and properties of the point under the cursor, or null. */
  valueAt(position: readonly number[], displayedAxes?: DisplayedAxes, radius = 0): PointInfo | null {
    const index = this.pointAt(position, displayedAxes, radius);
    if (index === null) return null;
    return { index, coordinates: this.coordinates(index), size: this._sizes[index], properties: this.propertiesOf(index) };
  }

  get selected(): Set<number> {
    return new Set(this._selected);
  }

  /** Selects `indices`, replacing the selection or, with `add`, adding to it. */
  select(indices: Iterable<number>, options: { add?: boolean } = {}): void {
    const chosen = [...indices];
    chosen.forEach(i => this.checkIndex(i));
    if (!options.add) this._selected.clear();
    chosen.forEach(i => this._selected.add(i));
    this._changed.emit('display');
  }

  clearSelection(): void {
    this.select([]);
  }

  /**
   * A click in select mode: selects the point under `position` (with `add`, toggles it, like
   * shift-click in napari); a click on nothing clears the selection unless `add`.
   */
  selectNear(
    position: readonly number[],
    displayedAxes?: DisplayedAxes,
    radius = 0,
    options: { add?: boolean } = {}
  ): number | null {
    const hit = this.pointAt(position, displayedAxes, radius);
    clickSelect(this._selected, hit, options.add ?? false);
    this._changed.emit('display');
    return hit;
  }

  /** A drag-box selection on the slice of `cornerA`: the visible points inside the box (edges included). */
  selectInBox(
    cornerA: readonly number[],
    cornerB: readonly number[],
    displayedAxes?: DisplayedAxes,
    options: { add?: boolean } = {}
  ): number[] {
    this.checkVector(cornerB, 'box corner');
    const [ar, ac] = checkDisplayedAxes(displayedAxes ?? lastTwoAxes(this._ndim), this._ndim);
    const [r0, r1] = [Math.min(cornerA[ar], cornerB[ar]), Math.max(cornerA[ar], cornerB[ar])];
    const [c0, c1] = [Math.min(cornerA[ac], cornerB[ac]), Math.max(cornerA[ac], cornerB[ac])];
    const inside = this.visibleIndices(cornerA, [ar, ac]).filter(i => {
      const r = this._coords[i * this._ndim + ar];
      const c = this._coords[i * this._ndim + ac];
      return r >= r0 && r <= r1 && c >= c0 && c <= c1;
    });
    this.select(inside, options);
    return inside;
  }

  // ---- edits (each one undo step) --------------------------------------------------------

  /**
   * Adds a point with the current size and property values; returns its index. Through a
   * tool, `bounds` (per axis [min, max)) refuses a click outside the image; the model itself
   * accepts points anywhere, as napari does.
   */
  add(coords: readonly number[], options: { bounds?: ReadonlyArray<readonly [number, number]> } = {}): number {
    this.endMove();
    const point = this.checkPoint(coords);
    if (options.bounds) this.checkInBounds(point, options.bounds);
    const properties: PropertyTable = {};
    for (const name of Object.keys(this._properties)) properties[name] = [this._current[name]];
    const rows: PointRows = {
      indices: [this.count],
      coords: Float64Array.from(point),
      sizes: Float64Array.of(this._currentSize),
      properties
    };
    this.insertRows(rows);
    this.push('Add point', rows.coords.byteLength, () => this.removeRows(rows.indices), () => this.insertRows(rows));
    return rows.indices[0];
  }

  /** Deletes the selected points; returns how many. Undo puts them back at their indices, selected. */
  removeSelected(): number {
    this.endMove();
    const indices = [...this._selected].sort((a, b) => a - b);
    if (indices.length === 0) return 0;
    const rows = this.removeRows(indices);
    const label = indices.length === 1 ? 'Delete point' : `Delete ${indices.length} points`;
    const bytes = rows.coords.byteLength + rows.sizes.byteLength;
    this.push(label, bytes, () => this.insertRows(rows, true), () => this.removeRows(indices));
    return indices.length;
  }

  /** Starts dragging the selected points; returns false when nothing is selected. */
  beginMove(): boolean {
    this.endMove();
    const indices = [...this._selected].sort((a, b) => a - b);
    if (indices.length === 0) return false;
    this._move = { indices, before: this.gatherCoords(indices) };
    return true;
  }

  /** Shifts the selected points by `delta` (nD) during a drag; starts the drag if needed. */
  moveSelectedBy(delta: readonly number[]): void {
    const shift = this.checkVector(delta, 'move delta');
    if (!this._move && !this.beginMove()) return;
    for (const i of this._move!.indices) {
      for (let a = 0; a < this._ndim; a++) this._coords[i * this._ndim + a] += shift[a];
    }
    this._changed.emit('data');
  }

  /** Ends a drag: the whole drag becomes one undo step (none if the points did not move). */
  endMove(): void {
    const move = this._move;
    if (!move) return;
    this._move = null;
    const after = this.gatherCoords(move.indices);
    if (after.every((v, k) => v === move.before[k])) return;
    const label = move.indices.length === 1 ? 'Move point' : `Move ${move.indices.length} points`;
    const undo = (): void => this.scatterCoords(move.indices, move.before);
    this.push(label, 2 * after.byteLength, undo, () => this.scatterCoords(move.indices, after));
  }

  /** Moves the selected points by `delta` as one step (a keyboard nudge, or a drag in one go). */
  moveSelected(delta: readonly number[]): void {
    if (!this.beginMove()) return;
    this.moveSelectedBy(delta);
    this.endMove();
  }

  /** Sets property `name` to `value` on `indices` (default: the selection) as one step. */
  setProperty(name: string, value: PropertyValue, indices: Iterable<number> = this._selected): void {
    this.endMove();
    this.checkPropertyName(name);
    checkPropertyValue(name, value);
    const targets = [...indices];
    targets.forEach(i => this.checkIndex(i));
    if (targets.length === 0) return;
    const column = this._properties[name];
    const before = targets.map(i => column[i]);
    const write = (values: (i: number) => PropertyValue): void => {
      targets.forEach((index, k) => (this._properties[name][index] = values(k)));
      this._changed.emit('display');
    };
    write(() => value);
    this.push(`Set ${name}`, 0, () => write(k => before[k]), () => write(() => value));
  }

  /** Sets the diameter of `indices` (default: the selection) as one step. */
  setSize(size: number, indices: Iterable<number> = this._selected): void {
    this.endMove();
    checkSize(size);
    const targets = [...indices];
    targets.forEach(i => this.checkIndex(i));
    if (targets.length === 0) return;
    const before = targets.map(i => this._sizes[i]);
    const write = (values: (k: number) => number): void => {
      targets.forEach((index, k) => (this._sizes[index] = values(k)));
      this._changed.emit('data');
    };
    write(() => size);
    this.push('Set point size', 0, () => write(k => before[k]), () => write(() => size));
  }

  // ---- internals -------------------------------------------------------------------------

  private push(label: string, bytes: number, undo: () => void, redo: () => void): void {
    // Undoing mid-drag would restore coordinates the drag then overwrites at endMove; refusing
    // keeps the step in the history (the viewer's undo reports the error).
    const guard = (apply: () => void) => (): void => {
      if (this._move) throw new Error('finish the drag (endMove) before undo or redo');
      apply();
    };
    const action: UndoableAction = { label, bytes, layerId: this.id, undo: guard(undo), redo: guard(redo) };
    this.history.push(action);
  }

  /** Puts rows back at their indices (the indices they have once inserted). */
  private insertRows(rows: PointRows, selectThem = false): void {
    const d = this._ndim;
    const total = this.count + rows.indices.length;
    const coords = new Float64Array(total * d);
    const sizes = new Float64Array(total);
    const properties = emptyColumns(this._properties);
    const oldToNew: number[] = [];
    let from = 0;
    let k = 0;
    for (let j = 0; j < total; j++) {
      const inserted = k < rows.indices.length && rows.indices[k] === j;
      if (!inserted) oldToNew.push(j);
      const [srcCoords, srcSizes, src] = inserted ? [rows.coords, rows.sizes, k++] : [this._coords, this._sizes, from++];
      coords.set(srcCoords.subarray(src * d, (src + 1) * d), j * d);
      sizes[j] = srcSizes[src];
      const srcProperties = inserted ? rows.properties : this._properties;
      for (const name of Object.keys(properties)) properties[name].push(srcProperties[name][src]);
    }
    // Later points move up: keep the same points selected under their new indices.
    const shifted = [...this._selected].map(i => oldToNew[i]);
    this._coords = coords;
    this._sizes = sizes;
    this._properties = properties;
    this._selected = new Set(selectThem ? rows.indices : shifted);
    this._changed.emit('data');
  }

  /** Takes out the rows at sorted `indices` and returns them. */
  private removeRows(indices: number[]): PointRows {
    const gone = new Set(indices);
    const keep = [...Array(this.count).keys()].filter(i => !gone.has(i));
    const pick = (list: number[]): PointRows => ({
      indices: list,
      coords: this.gatherCoords(list),
      sizes: Float64Array.from(list, i => this._sizes[i]),
      properties: Object.fromEntries(Object.entries(this._properties).map(([name, column]) => [name, list.map(i => column[i])]))
    });
    const removed = pick(indices);
    const kept = pick(keep);
    this._coords = kept.coords;
    this._sizes = kept.sizes;
    this._properties = kept.properties;
    // Selected points that stay keep their selection under their new indices.
    const newIndex = new Map(keep.map((old, i) => [old, i]));
    this._selected = new Set([...this._selected].filter(i => newIndex.has(i)).map(i => newIndex.get(i)!));
    this._changed.emit('data');
    return removed;
  }

  private gatherCoords(indices: number[]): Float64Array {
    const d = this._ndim;
    const out = new Float64Array(indices.length * d);
    indices.forEach((i, k) => out.set(this._coords.subarray(i * d, (i + 1) * d), k * d));
    return out;
  }

  private scatterCoords(indices: number[], values: Float64Array): void {
    const d = this._ndim;
    indices.forEach((i, k) => this._coords.set(values.subarray(k * d, (k + 1) * d), i * d));
    this._changed.emit('data');
  }

  private propertyColumn(name: string): readonly PropertyValue[] | undefined {
    return this._properties[name];
  }

  private packPoints(data: readonly (readonly number[])[]): Float64Array {
    const out = new Float64Array(data.length * this._ndim);
    data.forEach((p, i) => out.set(this.checkPoint(p, i), i * this._ndim));
    return out;
  }

  private checkPoint(p: readonly number[], index?: number): number[] {
    const which = index === undefined ? 'a point' : `point ${index}`;
    if (!Array.isArray(p) && !ArrayBuffer.isView(p)) {
      throw new LayerValidationError(`expected ${which} as a list of ${this._ndim} coordinates, got ${JSON.stringify(p)}`);
    }
    if (p.length !== this._ndim) {
      const got = `${p.length}: [${Array.from(p).join(', ')}]`;
      throw new LayerValidationError(`expected ${which} with ${this._ndim} coordinates (the layer's ndim), got ${got}`);
    }
    if (!Array.from(p).every(v => typeof v === 'number' && Number.isFinite(v))) {
      throw new LayerValidationError(`expected finite coordinates for ${which}, got [${Array.from(p).join(', ')}]`);
    }
    return Array.from(p);
  }

  private checkVector(v: readonly number[], what: string): number[] {
    if (v.length !== this._ndim || !v.every(Number.isFinite)) {
      throw new LayerValidationError(`expected a ${what} of ${this._ndim} finite numbers, got [${v.join(', ')}]`);
    }
    return [...v];
  }

  private checkInBounds(point: number[], bounds: ReadonlyArray<readonly [number, number]>): void {
    if (bounds.length !== this._ndim) {
      throw new LayerValidationError(`expected bounds for ${this._ndim} axes, got ${bounds.length}`);
    }
    if (point.some((v, a) => !(v >= bounds[a][0] && v < bounds[a][1]))) {
      const box = bounds.map(([lo, hi]) => `[${lo}, ${hi})`).join(' x ');
      throw new LayerValidationError(`point [${point.join(', ')}] is outside the image bounds ${box}`);
    }
  }

  private checkSizes(size: number | readonly number[], n: number): Float64Array {
    if (typeof size === 'number') return new Float64Array(n).fill(checkSize(size));
    if (size.length !== n) throw new LayerValidationError(`expected ${n} point sizes (one per point), got ${size.length}`);
    return Float64Array.from(size, checkSize);
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new LayerValidationError(`no point ${index}: the layer has ${this.count} points`);
    }
  }

  private checkPropertyName(name: string): void {
    if (!(name in this._properties)) {
      const known = Object.keys(this._properties);
      throw new LayerValidationError(`unknown property "${name}"; the layer has ${listNames(known)}`);
    }
  }
}

function checkNdim(ndim: number): number {
  if (!Number.isInteger(ndim) || ndim < 2 || ndim > 5) {
    throw new LayerValidationError(`expected points of 2 to 5 dimensions, got ${ndim}`);
  }
  return ndim;
}

function checkSize(size: number): number {
  if (!(typeof size === 'number' && Number.isFinite(size) && size > 0)) {
    throw new LayerValidationError(`expected a positive finite point size, got ${size}`);
  }
  return size;
}

function checkBorderWidth(width: number): number {
  if (!(width >= 0 && width <= 1)) {
    throw new LayerValidationError(`expected a border width in [0, 1] (a fraction of the point size), got ${width}`);
  }
  return width;
}

// ---- axes, shared with the shapes layer ---------------------------------------------------

/** napari shows the last two axes by default. */
export function lastTwoAxes(ndim: number): DisplayedAxes {
  return [ndim - 2, ndim - 1];
}

export function checkDisplayedAxes(axes: DisplayedAxes, ndim: number): DisplayedAxes {
  const ok = axes.length === 2 && axes.every(a => Number.isInteger(a) && a >= 0 && a < ndim) && axes[0] !== axes[1];
  if (!ok) {
    throw new LayerValidationError(`expected two different displayed axes in 0..${ndim - 1}, got [${axes.join(', ')}]`);
  }
  return [axes[0], axes[1]];
}
