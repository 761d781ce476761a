/** Checks and record-building for the shapes layer: input validation, styles, and the vertex edits' geometry. */
import { nearestSegment } from '../../core/geometry/distance';
import { Point2, rectangleCorners, resizeRectangleCorner } from '../../core/geometry/primitives';
import { isClosedShape, isShapeType, SHAPE_TYPES, ShapeType, VERTEX_COUNTS } from '../../core/geometry/shapeGeometry';
import { LayerValidationError } from './layerBase';
import { checkRGBA } from './pointsColors';
import { checkDisplayedAxes, DisplayedAxes, lastTwoAxes } from './pointsLayer';
import type { ShapeInput, ShapeStyle } from './shapesLayer';

/** Stored shapes are immutable: an edit swaps in a new record, so undo can keep the old one. */
export interface ShapeRecord extends ShapeStyle {
  readonly type: ShapeType;
  readonly vertices: Float64Array;
}

/** The shape's vertices on the displayed axes `[ar, ac]`, as (row, col) pairs. */
export function shapePlane(s: ShapeRecord, [ar, ac]: DisplayedAxes, ndim: number): Point2[] {
  const out: Point2[] = [];
  for (let i = 0; i < s.vertices.length; i += ndim) out.push([s.vertices[i + ar], s.vertices[i + ac]]);
  return out;
}

/** The 4 corners of the box with opposite corners `a` and `b` on `axes`; hidden coordinates from `a`. */
export function expandCorners(a: readonly number[], b: readonly number[], axes: DisplayedAxes): number[][] {
  return rectangleCorners([a[axes[0]], a[axes[1]]], [b[axes[0]], b[axes[1]]]).map(([r, c]) => {
    const v = [...a];
    [v[axes[0]], v[axes[1]]] = [r, c];
    return v;
  });
}

export function makeShapeRecord(
  input: ShapeInput,
  defaults: ShapeStyle,
  what: string,
  ndim: number,
  axes?: DisplayedAxes
): ShapeRecord {
  const { type, vertices } = input;
  if (!isShapeType(type)) {
    const valid = SHAPE_TYPES.join(', ');
    throw new LayerValidationError(`unknown shape type ${JSON.stringify(type)} for ${what}; expected one of ${valid}`);
  }
  if (!Array.isArray(vertices)) {
    throw new LayerValidationError(`expected the vertices of ${what} as a list of points, got ${JSON.stringify(vertices)}`);
  }
  let rows = vertices.map((v, k) => checkVertexCoords(v, ndim, `vertex ${k} of ${what} (${withArticle(type)})`));
  if ((type === 'rectangle' || type === 'ellipse') && rows.length === 2) {
    rows = expandCorners(rows[0], rows[1], checkDisplayedAxes(axes ?? lastTwoAxes(ndim), ndim));
  }
  const [min, max] = VERTEX_COUNTS[type];
  if (rows.length < min || rows.length > max) {
    const need =
      type === 'rectangle' || type === 'ellipse'
        ? '4 corners (or 2 opposite corners)'
        : min === max
          ? `exactly ${min} vertices`
          : `at least ${min} vertices`;
    throw new LayerValidationError(`${withArticle(type)} needs ${need}, got ${rows.length} for ${what}`);
  }
  const style = checkStyle({ ...defaults, ...pickStyle(input) });
  return { type, vertices: Float64Array.from(rows.flat()), ...style };
}

function checkVertexCoords(v: readonly number[], ndim: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== ndim) {
    const got = JSON.stringify(v);
    throw new LayerValidationError(`expected ${what} to have ${ndim} coordinates (the layer's ndim), got ${got}`);
  }
  if (!v.every(x => typeof x === 'number' && Number.isFinite(x))) {
    throw new LayerValidationError(`expected finite coordinates for ${what}, got [${v.join(', ')}]`);
  }
  return [...v];
}

export function checkVector(v: readonly number[], ndim: number, what: string): number[] {
  if (v.length !== ndim || !v.every(Number.isFinite)) {
    throw new LayerValidationError(`expected a ${what} of ${ndim} finite numbers, got [${v.join(', ')}]`);
  }
  return [...v];
}

/** Checks that shape `index` (the record `s`) has a vertex `vertex`. */
export function checkVertex(s: ShapeRecord, index: number, vertex: number, ndim: number): void {
  const n = s.vertices.length / ndim;
  if (!Number.isInteger(vertex) || vertex < 0 || vertex >= n) {
    throw new LayerValidationError(`no vertex ${vertex}: shape ${index} has ${n} vertices`);
  }
}

// ---- vertex edits: each returns the replacement record; the layer stores it and records undo --

/**
 * `before` with vertex `vertex` dragged to `target` on the displayed plane. A rectangle or
 * ellipse stays one: the opposite corner holds and the sides keep their directions.
 */
export function withVertexMoved(
  before: ShapeRecord,
  vertex: number,
  axes: DisplayedAxes,
  target: readonly number[],
  ndim: number
): ShapeRecord {
  const vertices = before.vertices.slice();
  const plane = shapePlane(before, axes, ndim);
  const moved: Point2 = [target[axes[0]], target[axes[1]]];
  const isBox = before.type === 'rectangle' || before.type === 'ellipse';
  const newPlane = isBox ? resizeRectangleCorner(plane, vertex, moved) : plane.map((v, k) => (k === vertex ? moved : v));
  newPlane.forEach(([r, c], k) => {
    vertices[k * ndim + axes[0]] = r;
    vertices[k * ndim + axes[1]] = c;
  });
  return { ...before, vertices };
}

/**
 * `before` (shape `index`) with a vertex at `p` in the segment nearest to it, and the new
 * vertex's index. A rectangle becomes a polygon and a line a path, as in napari; an ellipse
 * cannot take vertices.
 */
export function withVertexInserted(
  before: ShapeRecord,
  index: number,
  p: readonly number[],
  ndim: number,
  axes?: DisplayedAxes
): { record: ShapeRecord; at: number } {
  if (before.type === 'ellipse') {
    throw new LayerValidationError(`cannot insert a vertex into an ellipse (shape ${index}); draw a polygon instead`);
  }
  const plane = checkDisplayedAxes(axes ?? lastTwoAxes(ndim), ndim);
  const type: ShapeType = before.type === 'rectangle' ? 'polygon' : before.type === 'line' ? 'path' : before.type;
  const { segment } = nearestSegment([p[plane[0]], p[plane[1]]], shapePlane(before, plane, ndim), isClosedShape(type))!;
  // The new vertex lies on the shape's slice: hidden coordinates from its neighbour.
  const vertex = Array.from(before.vertices.subarray(segment * ndim, (segment + 1) * ndim));
  [vertex[plane[0]], vertex[plane[1]]] = [p[plane[0]], p[plane[1]]];
  const at = segment + 1;
  const vertices = new Float64Array(before.vertices.length + ndim);
  vertices.set(before.vertices.subarray(0, at * ndim));
  vertices.set(vertex, at * ndim);
  vertices.set(before.vertices.subarray(at * ndim), (at + 1) * ndim);
  return { record: { ...before, type, vertices }, at };
}

/** `before` (shape `index`) without vertex `vertex`, if the type's minimum allows it (a rectangle becomes a polygon). */
export function withVertexRemoved(before: ShapeRecord, index: number, vertex: number, ndim: number): ShapeRecord {
  const n = before.vertices.length / ndim;
  const type: ShapeType = before.type === 'rectangle' ? 'polygon' : before.type;
  if (before.type === 'ellipse' || before.type === 'line' || n - 1 < VERTEX_COUNTS[type][0]) {
    const need =
      before.type === 'ellipse'
        ? 'exactly 4 corners'
        : before.type === 'line'
          ? 'exactly 2 vertices'
          : `at least ${VERTEX_COUNTS[type][0]} vertices`;
    const what = withArticle(before.type);
    throw new LayerValidationError(`cannot remove a vertex: ${what} needs ${need} and shape ${index} has ${n}`);
  }
  const vertices = new Float64Array(before.vertices.length - ndim);
  vertices.set(before.vertices.subarray(0, vertex * ndim));
  vertices.set(before.vertices.subarray((vertex + 1) * ndim), vertex * ndim);
  return { ...before, type, vertices };
}

// ---- small checks ------------------------------------------------------------------------------

export function withArticle(type: ShapeType): string {
  return `${type === 'ellipse' ? 'an' : 'a'} ${type}`;
}

export function checkNdim(ndim: number): number {
  if (!Number.isInteger(ndim) || ndim < 2 || ndim > 5) {
    throw new LayerValidationError(`expected shapes of 2 to 5 dimensions, got ${ndim}`);
  }
  return ndim;
}

function pickStyle(input: Partial<ShapeStyle>): Partial<ShapeStyle> {
  const out: Partial<ShapeStyle> = {};
  for (const key of ['edgeColor', 'edgeWidth', 'faceColor', 'zIndex'] as const) {
    if (input[key] !== undefined) (out as Record<string, unknown>)[key] = input[key];
  }
  return out;
}

export function checkStyle(style: ShapeStyle): ShapeStyle {
  if (!(Number.isFinite(style.edgeWidth) && style.edgeWidth >= 0)) {
    throw new LayerValidationError(`expected an edge width >= 0 (data units), got ${style.edgeWidth}`);
  }
  if (!Number.isInteger(style.zIndex)) throw new LayerValidationError(`expected an integer z-index, got ${style.zIndex}`);
  return {
    edgeColor: checkRGBA(style.edgeColor, 'edge colour'),
    edgeWidth: style.edgeWidth,
    faceColor: checkRGBA(style.faceColor, 'face colour'),
    zIndex: style.zIndex
  };
}

export function sameShape(a: ShapeRecord, b: ShapeRecord): boolean {
  const same = (x: ArrayLike<number>, y: ArrayLike<number>): boolean =>
    x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => v === y[i]);
  return (
    a === b ||
    (a.type === b.type &&
      a.edgeWidth === b.edgeWidth &&
      a.zIndex === b.zIndex &&
      same(a.vertices, b.vertices) &&
      same(a.edgeColor, b.edgeColor) &&
      same(a.faceColor, b.faceColor))
  );
}

export function emptyRaster<T extends Uint8Array | Int32Array>(maskShape: readonly [number, number], Type: new (n: number) => T): T {
  const [rows, cols] = maskShape;
  if (!(Number.isSafeInteger(rows) && Number.isSafeInteger(cols) && rows > 0 && cols > 0)) {
    throw new LayerValidationError(`expected a mask shape [rows, cols] of positive integers, got [${maskShape.join(', ')}]`);
  }
  return new Type(rows * cols);
}
