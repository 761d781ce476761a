import { boxFromCorners, Point2 } from '../../core/geometry/primitives';
import { clickSelect } from './selection';
import { isShapeType, rasterizeShape, shapeHit, shapeIntersectsBox, ShapeType } from '../../core/geometry/shapeGeometry';
import { NDArray } from '../../core/ndarray';
import { UndoableAction } from './history';
import { Layer, LayerCloneOptions, LayerOptions, LayerValidationError } from './layerBase';
import { checkDisplayedAxes, DisplayedAxes, lastTwoAxes, RGBA } from './pointsLayer';
import { Draft, draftVertices, finishedDraftVertices, fixDraftVertex, moveDraftCursor, startDraft } from './shapesDraft';
import {
  checkNdim,
  checkStyle,
  checkVector,
  checkVertex,
  emptyRaster,
  makeShapeRecord,
  sameShape,
  shapePlane,
  ShapeRecord,
  withVertexInserted,
  withVertexMoved,
  withVertexRemoved
} from './shapesValidation';

export type { ShapeType } from '../../core/geometry/shapeGeometry';

/** napari's shapes tools: 'direct' drags vertices, the add_* modes draw. */
export const SHAPES_MODES = [
  'pan_zoom',
  'select',
  'direct',
  'add_rectangle',
  'add_ellipse',
  'add_line',
  'add_path',
  'add_polygon',
  'vertex_insert',
  'vertex_remove'
] as const;
export type ShapesMode = (typeof SHAPES_MODES)[number];

export interface ShapeStyle {
  edgeColor: RGBA;
  /** In data units. */
  edgeWidth: number;
  faceColor: RGBA;
  /** Higher is drawn on top; equal z: the later shape on top. */
  zIndex: number;
}

/** A shape as given and as returned: vertices as rows of nD coordinates. */
export interface ShapeData extends ShapeStyle {
  type: ShapeType;
  vertices: number[][];
}

export type ShapeInput = { type: ShapeType; vertices: readonly (readonly number[])[] } & Partial<ShapeStyle>;

export interface ShapesLayerOptions extends Omit<LayerOptions, 'id' | 'name'> {
  id: string;
  name: string;
  shapes?: readonly ShapeInput[];
  /** Number of axes, 2 to 5; taken from the first shape when there is one. */
  ndim?: number;
  /** Style of newly drawn shapes (napari's current_edge_color, ...). */
  currentStyle?: Partial<ShapeStyle>;
}

/** napari's defaults: black edges 1 wide, white faces. */
export const DEFAULT_SHAPE_STYLE: ShapeStyle = { edgeColor: [0, 0, 0, 1], edgeWidth: 1, faceColor: [1, 1, 1, 1], zIndex: 0 };

/**
 * napari's Shapes layer as plain state: rectangles, ellipses, polygons, lines and paths with
 * nD vertices, styles and z-order, a selection and a mode. Every tool action is a method:
 * drawing (begin / update / add vertex / commit), click and box selection, dragging shapes
 * and vertices, inserting and removing vertices, deleting. Each user gesture is one undo step.
 */
export class ShapesLayer extends Layer {
  readonly kind = 'shapes';
  private readonly _ndim: number;
  private _shapes: ShapeRecord[];
  private _current: ShapeStyle;
  private _selected = new Set<number>();
  private _mode: ShapesMode = 'pan_zoom';
  private _draft: Draft | null = null;
  private _move: { indices: number[]; before: ShapeRecord[] } | null = null;
  private _vertexMove: { index: number; vertex: number; axes: DisplayedAxes; before: ShapeRecord } | null = null;

  constructor(options: ShapesLayerOptions) {
    super(options);
    const shapes = options.shapes ?? [];
    const firstVertex = shapes[0]?.vertices?.[0];
    this._ndim = checkNdim(options.ndim ?? (Array.isArray(firstVertex) ? firstVertex.length : 2));
    this._current = checkStyle({ ...DEFAULT_SHAPE_STYLE, ...options.currentStyle });
    this._shapes = shapes.map((s, i) => this.makeRecord(s, this._current, `shape ${i}`));
    this.checkTransform();
  }

  get ndim(): number {
    return this._ndim;
  }

  get count(): number {
    return this._shapes.length;
  }

  /** Per axis [min, max + 1) over all vertices (the index range an image covering them needs); [0, 1) when empty. */
  get dataExtent(): Array<[number, number]> {
    return [...Array(this._ndim).keys()].map(a => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const { vertices } of this._shapes) {
        for (let i = a; i < vertices.length; i += this._ndim) {
          lo = Math.min(lo, vertices[i]);
          hi = Math.max(hi, vertices[i]);
        }
      }
      return this.count ? [lo, hi + 1] : [0, 1];
    });
  }

  shape(index: number): ShapeData {
    const { type, vertices, ...style } = this._shapes[this.checkIndex(index)];
    const rows = [];
    for (let i = 0; i < vertices.length; i += this._ndim) rows.push(Array.from(vertices.subarray(i, i + this._ndim)));
    return { type, vertices: rows, ...style };
  }

  get shapes(): ShapeData[] {
    return this._shapes.map((_, i) => this.shape(i));
  }

  /** Indices from bottom to top: by z-index, then by index. Rendering and toLabels paint in this order. */
  drawOrder(): number[] {
    return [...this._shapes.keys()].sort((a, b) => this._shapes[a].zIndex - this._shapes[b].zIndex || a - b);
  }

  /** The shape's vertices on the two displayed axes, as (row, col) pairs. */
  displayedVertices(index: number, axes: DisplayedAxes = lastTwoAxes(this._ndim)): Point2[] {
    return this.planeOf(this._shapes[this.checkIndex(index)], checkDisplayedAxes(axes, this._ndim));
  }

  /** Replaces all shapes from outside (kernel, file); this layer's undo steps are forgotten. */
  setData(shapes: readonly ShapeInput[]): void {
    this.finishGestures();
    this._draft = null;
    this._shapes = shapes.map((s, i) => this.makeRecord(s, this._current, `shape ${i}`));
    this._selected.clear();
    this.history.forget(action => action.layerId === this.id);
    this._changed.emit('data');
  }

  clone(options: LayerCloneOptions): ShapesLayer {
    const copy = new ShapesLayer({
      ...this.cloneBase(options),
      ndim: this._ndim, shapes: this.shapes, currentStyle: this._current
    });
    copy._mode = this._mode;
    return copy;
  }

  // ---- display state ----------------------------------------------------------------------

  get mode(): ShapesMode {
    return this._mode;
  }
  /** Switching tools finishes a shape being drawn, as napari does. */
  set mode(value: ShapesMode) {
    if (!SHAPES_MODES.includes(value)) {
      throw new LayerValidationError(`unknown shapes mode ${JSON.stringify(value)}; expected one of ${SHAPES_MODES.join(', ')}`);
    }
    this.commitDraft();
    this._mode = value;
    this._changed.emit('display');
  }

  get currentStyle(): ShapeStyle {
    return { ...this._current };
  }
  set currentStyle(style: Partial<ShapeStyle>) {
    this._current = checkStyle({ ...this._current, ...style });
    this._changed.emit('display');
  }

  // ---- slicing, hit testing, selection ----------------------------------------------------

  /**
   * Shapes shown on slice `step`: on every hidden axis, the step lies between the rounded
   * lowest and highest coordinate of the shape's vertices (a single value for shapes drawn
   * on one slice).
   */
  visibleIndices(step: readonly number[], axes: DisplayedAxes = lastTwoAxes(this._ndim)): number[] {
    this.checkVector(step, 'slice position');
    const [ar, ac] = checkDisplayedAxes(axes, this._ndim);
    const hidden = [...Array(this._ndim).keys()].filter(a => a !== ar && a !== ac);
    return [...this._shapes.keys()].filter(i => {
      const v = this._shapes[i].vertices;
      return hidden.every(a => {
        let lo = Infinity;
        let hi = -Infinity;
        for (let k = a; k < v.length; k += this._ndim) {
          lo = Math.min(lo, v[k]);
          hi = Math.max(hi, v[k]);
        }
        const s = Math.round(step[a]);
        return Math.floor(lo + 0.5) <= s && s <= Math.floor(hi + 0.5);
      });
    });
  }

  /**
   * The topmost visible shape under `position`: inside the face of a closed shape, or within
   * max(`tolerance`, edge width / 2) of an edge (the only way to hit a line or path).
   */
  shapeAt(position: readonly number[], axes: DisplayedAxes = lastTwoAxes(this._ndim), tolerance = 0): number | null {
    const plane = checkDisplayedAxes(axes, this._ndim);
    const visible = new Set(this.visibleIndices(position, plane));
    const p: Point2 = [position[plane[0]], position[plane[1]]];
    const topFirst = this.drawOrder().reverse();
    for (const i of topFirst) {
      const s = this._shapes[i];
      if (visible.has(i) && shapeHit(s.type, this.planeOf(s, plane), p, Math.max(tolerance, s.edgeWidth / 2))) return i;
    }
    return null;
  }

  /** For the status bar, as napari's shapes value: the shape under the cursor and its type. */
  valueAt(position: readonly number[], axes?: DisplayedAxes, tolerance = 0): { index: number; type: ShapeType } | null {
    const index = this.shapeAt(position, axes, tolerance);
    return index === null ? null : { index, type: this._shapes[index].type };
  }

  get selected(): Set<number> {
    return new Set(this._selected);
  }

  select(indices: Iterable<number>, options: { add?: boolean } = {}): void {
    const chosen = [...indices].map(i => this.checkIndex(i));
    if (!options.add) this._selected.clear();
    chosen.forEach(i => this._selected.add(i));
    this._changed.emit('display');
  }

  clearSelection(): void {
    this.select([]);
  }

  /** A click in select mode: the shape under the cursor (with `add`, toggled); nothing hit clears unless `add`. */
  selectNear(position: readonly number[], axes?: DisplayedAxes, tolerance = 0, options: { add?: boolean } = {}): number | null {
    const hit = this.shapeAt(position, axes, tolerance);
    clickSelect(this._selected, hit, options.add ?? false);
    this._changed.emit('display');
    return hit;
  }

  /** Box selection on the slice of `cornerA`: every visible shape whose face or outline touches the box. */
  selectInBox(
    cornerA: readonly number[],
    cornerB: readonly number[],
    axes?: DisplayedAxes,
    options: { add?: boolean } = {}
  ): number[] {
    this.checkVector(cornerB, 'box corner');
    const plane = checkDisplayedAxes(axes ?? lastTwoAxes(this._ndim), this._ndim);
    const box = boxFromCorners([cornerA[plane[0]], cornerA[plane[1]]], [cornerB[plane[0]], cornerB[plane[1]]]);
    const hits = this.visibleIndices(cornerA, plane).filter(i =>
      shapeIntersectsBox(this._shapes[i].type, this.planeOf(this._shapes[i], plane), box)
    );
    this.select(hits, options);
    return hits;
  }

  /** The vertex of a selected shape within `tolerance` of `position` (what the direct tool grabs), nearest first. */
  vertexAt(position: readonly number[], axes?: DisplayedAxes, tolerance = 0): { shape: number; vertex: number } | null {
    const plane = checkDisplayedAxes(axes ?? lastTwoAxes(this._ndim), this._ndim);
    const visible = new Set(this.visibleIndices(position, plane));
    let best: { shape: number; vertex: number } | null = null;
    let bestDistance = tolerance;
    for (const shape of [...this._selected].filter(i => visible.has(i))) {
      this.planeOf(this._shapes[shape], plane).forEach(([r, c], vertex) => {
        const d = Math.hypot(r - position[plane[0]], c - position[plane[1]]);
        if (d <= bestDistance) [best, bestDistance] = [{ shape, vertex }, d];
      });
    }
    return best;
  }

  // ---- drawing ------------------------------------------------------------------------------

  /** The shape being drawn, for the renderer to show; null when none. */
  get draft(): { type: ShapeType; vertices: number[][] } | null {
    if (!this._draft) return null;
    return { type: this._draft.type, vertices: draftVertices(this._draft).map(v => [...v]) };
  }

  beginRectangle(p: readonly number[], axes?: DisplayedAxes): void {
    this.beginDraft('rectangle', p, axes);
  }
  beginEllipse(p: readonly number[], axes?: DisplayedAxes): void {
    this.beginDraft('ellipse', p, axes);
  }
  beginLine(p: readonly number[], axes?: DisplayedAxes): void {
    this.beginDraft('line', p, axes);
  }
  beginPolygon(p: readonly number[], axes?: DisplayedAxes): void {
    this.beginDraft('polygon', p, axes);
  }
  beginPath(p: readonly number[], axes?: DisplayedAxes): void {
    this.beginDraft('path', p, axes);
  }

  /** Moves what follows the cursor: the opposite corner, the line's end, or the next polygon/path vertex. */
  updateDraft(p: readonly number[]): void {
    moveDraftCursor(this.requireDraft(), p, this._ndim);
    this._changed.emit('display');
  }

  /** A click while drawing a polygon or path: fixes the vertex at `p` and starts the next one there. */
  addDraftVertex(p: readonly number[]): void {
    fixDraftVertex(this.requireDraft(), p, this._ndim);
    this._changed.emit('display');
  }

  /**
   * Finishes the draft (mouse up, double-click or Enter) as one undo step and returns the new
   * shape's index. The vertex following the cursor is dropped for polygons and paths, and
   * repeated vertices (a double-click clicks twice) merged; a draft too small to be a shape
   * (no area, no length, too few vertices) is discarded and null returned.
   */
  commitDraft(): number | null {
    const d = this._draft;
    if (!d) return null;
    this._draft = null;
    this._changed.emit('display');
    const vertices = finishedDraftVertices(d);
    return vertices === null ? null : this.addShape(d.type, vertices);
  }

  cancelDraft(): void {
    if (!this._draft) return;
    this._draft = null;
    this._changed.emit('display');
  }

  // ---- edits (each one undo step) -----------------------------------------------------------

  /**
   * Adds a shape with the current style overridden by `style`; returns its index. Rectangles
   * and ellipses take 4 corners or 2 opposite corners (expanded on `axes`).
   */
  addShape(
    type: ShapeType,
    vertices: readonly (readonly number[])[],
    style: Partial<ShapeStyle> = {},
    axes?: DisplayedAxes
  ): number {
    this.finishGestures();
    const what = `the new ${isShapeType(type) ? type : 'shape'}`;
    const record = this.makeRecord({ type, vertices, ...style }, this._current, what, axes);
    const indices = [this.count];
    this.insertShapes(indices, [record]);
    const bytes = record.vertices.byteLength;
    this.push(`Add ${type}`, bytes, () => this.removeShapes(indices), () => this.insertShapes(indices, [record]));
    return indices[0];
  }

  /** Deletes the selected shapes; returns how many. Undo restores them at their indices, selected. */
  removeSelected(): number {
    this.finishGestures();
    const indices = [...this._selected].sort((a, b) => a - b);
    if (indices.length === 0) return 0;
    const records = this.removeShapes(indices);
    const bytes = records.reduce((n, r) => n + r.vertices.byteLength, 0);
    const label = indices.length === 1 ? 'Delete shape' : `Delete ${indices.length} shapes`;
    this.push(label, bytes, () => this.insertShapes(indices, records, true), () => this.removeShapes(indices));
    return indices.length;
  }

  /** Starts dragging the selected shapes; false when nothing is selected. */
  beginMove(): boolean {
    this.finishGestures();
    const indices = [...this._selected].sort((a, b) => a - b);
    if (indices.length === 0) return false;
    this._move = { indices, before: indices.map(i => this._shapes[i]) };
    return true;
  }

  /** Shifts the selected shapes by `delta` (nD) during a drag; starts the drag if needed. */
  moveSelectedBy(delta: readonly number[]): void {
    const shift = this.checkVector(delta, 'move delta');
    if (!this._move && !this.beginMove()) return;
    for (const i of this._move!.indices) {
      const s = this._shapes[i];
      this._shapes[i] = { ...s, vertices: s.vertices.map((v, k) => v + shift[k % this._ndim]) };
    }
    this._changed.emit('data');
  }

  /** Ends a drag as one undo step (none when the shapes are back where they started). */
  endMove(): void {
    const move = this._move;
    if (!move) return;
    this._move = null;
    const label = move.indices.length === 1 ? 'Move shape' : `Move ${move.indices.length} shapes`;
    this.recordReplacement(label, move.indices, move.before);
  }

  moveSelected(delta: readonly number[]): void {
    if (!this.beginMove()) return;
    this.moveSelectedBy(delta);
    this.endMove();
  }

  /** Grabs vertex `vertex` of shape `index` (direct tool). */
  beginVertexMove(index: number, vertex: number, axes?: DisplayedAxes): void {
    this.finishGestures();
    const before = this._shapes[this.checkIndex(index)];
    this.checkVertex(index, vertex);
    this._vertexMove = { index, vertex, axes: checkDisplayedAxes(axes ?? lastTwoAxes(this._ndim), this._ndim), before };
  }

  /**
   * Drags the grabbed vertex to `to` on the displayed plane. A rectangle or ellipse stays one:
   * the opposite corner holds and the sides keep their directions.
   */
  moveVertexTo(to: readonly number[]): void {
    const g = this._vertexMove;
    if (!g) throw new Error('beginVertexMove() before moveVertexTo()');
    const target = this.checkVector(to, 'vertex position');
    this._shapes[g.index] = withVertexMoved(g.before, g.vertex, g.axes, target, this._ndim);
    this._changed.emit('data');
  }

  endVertexMove(): void {
    const g = this._vertexMove;
    if (!g) return;
    this._vertexMove = null;
    this.recordReplacement('Move vertex', [g.index], [g.before]);
  }

  /** Moves one vertex in one step. */
  moveVertex(index: number, vertex: number, to: readonly number[], axes?: DisplayedAxes): void {
    this.beginVertexMove(index, vertex, axes);
    this.moveVertexTo(to);
    this.endVertexMove();
  }

  /**
   * Inserts a vertex at `position` into the segment of shape `index` nearest to it (napari's
   * vertex_insert); returns the new vertex's index. A rectangle becomes a polygon and a line a
   * path, as in napari; an ellipse cannot take vertices.
   */
  insertVertex(index: number, position: readonly number[], axes?: DisplayedAxes): number {
    this.finishGestures();
    const before = this._shapes[this.checkIndex(index)];
    const p = this.checkVector(position, 'vertex position');
    const { record, at } = withVertexInserted(before, index, p, this._ndim, axes);
    this._shapes[index] = record;
    this._changed.emit('data');
    this.recordReplacement('Insert vertex', [index], [before]);
    return at;
  }

  /** Removes vertex `vertex` of shape `index` if the type's minimum allows it (a rectangle becomes a polygon). */
  removeVertex(index: number, vertex: number): void {
    this.finishGestures();
    const before = this._shapes[this.checkIndex(index)];
    this.checkVertex(index, vertex);
    this._shapes[index] = withVertexRemoved(before, index, vertex, this._ndim);
    this._changed.emit('data');
    this.recordReplacement('Remove vertex', [index], [before]);
  }

  /** Sets style fields on `indices` (default: the selection) as one step. */
  setStyle(style: Partial<ShapeStyle>, indices: Iterable<number> = this._selected): void {
    this.finishGestures();
    const targets = [...indices].map(i => this.checkIndex(i));
    if (targets.length === 0) return;
    const before = targets.map(i => this._shapes[i]);
    before.forEach((s, k) => (this._shapes[targets[k]] = { ...s, ...checkStyle({ ...s, ...style }) }));
    this._changed.emit('data');
    this.recordReplacement('Set shape style', targets, before);
  }

  /** napari's move_to_front / move_to_back: z-index above (below) every other shape. */
  bringToFront(indices: Iterable<number> = this._selected): void {
    this.setStyle({ zIndex: this._shapes.reduce((z, s) => Math.max(z, s.zIndex), 0) + 1 }, indices);
  }
  sendToBack(indices: Iterable<number> = this._selected): void {
    this.setStyle({ zIndex: this._shapes.reduce((z, s) => Math.min(z, s.zIndex), 0) - 1 }, indices);
  }

  // ---- rasterisation ------------------------------------------------------------------------

  /** Boolean mask of shape `index` on the displayed axes (closed shapes filled, lines one pixel wide). */
  toMask(index: number, maskShape: readonly [number, number], axes?: DisplayedAxes): NDArray {
    const plane = checkDisplayedAxes(axes ?? lastTwoAxes(this._ndim), this._ndim);
    const s = this._shapes[this.checkIndex(index)];
    const mask = emptyRaster(maskShape, Uint8Array);
    rasterizeShape({ shape: maskShape, data: mask }, s.type, this.planeOf(s, plane));
    return { dtype: 'bool', shape: [...maskShape], data: mask };
  }

  /** One mask per shape, stacked: bool (count, rows, cols), as napari's to_masks. */
  toMasks(maskShape: readonly [number, number], axes?: DisplayedAxes): NDArray {
    const [rows, cols] = maskShape;
    const out = new Uint8Array(this.count * rows * cols);
    this._shapes.forEach((_, i) => out.set(this.toMask(i, maskShape, axes).data as Uint8Array, i * rows * cols));
    return { dtype: 'bool', shape: [this.count, rows, cols], data: out };
  }

  /**
   * A label image (int32) with shape i painted as i + 1 in draw order, so shapes on top win
   * where they overlap (napari's to_labels). With `step`, only the shapes on that slice.
   */
  toLabels(maskShape: readonly [number, number], options: { axes?: DisplayedAxes; step?: readonly number[] } = {}): NDArray {
    const plane = checkDisplayedAxes(options.axes ?? lastTwoAxes(this._ndim), this._ndim);
    const data = emptyRaster(maskShape, Int32Array);
    const onSlice = options.step ? new Set(this.visibleIndices(options.step, plane)) : null;
    for (const i of this.drawOrder()) {
      if (onSlice && !onSlice.has(i)) continue;
      rasterizeShape({ shape: maskShape, data }, this._shapes[i].type, this.planeOf(this._shapes[i], plane), i + 1);
    }
    return { dtype: 'int32', shape: [...maskShape], data };
  }

  // ---- internals ------------------------------------------------------------------------------

  private beginDraft(type: ShapeType, p: readonly number[], axes?: DisplayedAxes): void {
    this.finishGestures();
    // The tool answers a new press with a new draft: whatever was being drawn is dropped.
    this._draft = startDraft(type, p, this._ndim, axes);
    this._changed.emit('display');
  }

  private requireDraft(): Draft {
    if (!this._draft) throw new Error('no shape is being drawn: call a begin method (beginRectangle, beginPolygon, ...) first');
    return this._draft;
  }

  private planeOf(s: ShapeRecord, axes: DisplayedAxes): Point2[] {
    return shapePlane(s, axes, this._ndim);
  }

  /** Ends any drag in progress (committing it), so the next edit starts from a settled state. */
  private finishGestures(): void {
    this.endMove();
    this.endVertexMove();
  }

  private recordReplacement(label: string, indices: number[], before: ShapeRecord[]): void {
    const after = indices.map(i => this._shapes[i]);
    if (after.every((s, k) => sameShape(s, before[k]))) return;
    const write = (records: ShapeRecord[]) => (): void => {
      indices.forEach((i, k) => (this._shapes[i] = records[k]));
      this._changed.emit('data');
    };
    const bytes = after.reduce((n, s) => n + s.vertices.byteLength, 0) * 2;
    this.push(label, bytes, write(before), write(after));
  }

  private push(label: string, bytes: number, undo: () => void, redo: () => void): void {
    // Undo mid-drag would be overwritten when the drag ends; refusing keeps the step for later.
    const guard = (apply: () => void) => (): void => {
      if (this._move || this._vertexMove) throw new Error('finish the drag (endMove / endVertexMove) before undo or redo');
      apply();
    };
    const action: UndoableAction = { label, bytes, layerId: this.id, undo: guard(undo), redo: guard(redo) };
    this.history.push(action);
  }

  private insertShapes(indices: number[], records: ShapeRecord[], selectThem = false): void {
    const next: ShapeRecord[] = [];
    const oldToNew: number[] = [];
    let from = 0;
    let k = 0;
    for (let j = 0; j < this._shapes.length + records.length; j++) {
      if (k < indices.length && indices[k] === j) next.push(records[k++]);
      else {
        oldToNew.push(j);
        next.push(this._shapes[from++]);
      }
    }
    this._shapes = next;
    this._selected = new Set(selectThem ? indices : [...this._selected].map(i => oldToNew[i]));
    this._changed.emit('data');
  }

  private removeShapes(indices: number[]): ShapeRecord[] {
    const gone = new Set(indices);
    const removed = indices.map(i => this._shapes[i]);
    const newIndex = new Map<number, number>();
    this._shapes = this._shapes.filter((_, i) => {
      if (gone.has(i)) return false;
      newIndex.set(i, newIndex.size);
      return true;
    });
    this._selected = new Set([...this._selected].filter(i => newIndex.has(i)).map(i => newIndex.get(i)!));
    this._changed.emit('data');
    return removed;
  }

  private makeRecord(input: ShapeInput, defaults: ShapeStyle, what: string, axes?: DisplayedAxes): ShapeRecord {
    return makeShapeRecord(input, defaults, what, this._ndim, axes);
  }

  private checkVector(v: readonly number[], what: string): number[] {
    return checkVector(v, this._ndim, what);
  }

  private checkIndex(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new LayerValidationError(`no shape ${index}: the layer has ${this.count} shapes`);
    }
    return index;
  }

  private checkVertex(index: number, vertex: number): void {
    checkVertex(this._shapes[index], index, vertex, this._ndim);
  }
}
