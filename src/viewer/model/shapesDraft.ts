/** The shapes layer's drawing state machine: a draft that follows the cursor until committed or cancelled. */
import { ShapeType, VERTEX_COUNTS } from '../../core/geometry/shapeGeometry';
import { LayerValidationError } from './layerBase';
import { checkDisplayedAxes, DisplayedAxes, lastTwoAxes } from './pointsLayer';
import { checkVector, expandCorners, withArticle } from './shapesValidation';

export interface Draft {
  type: ShapeType;
  axes: DisplayedAxes;
  /** Where drawing began: its hidden coordinates are the slice every vertex lies on. */
  anchor: number[];
  /** Fixed vertices, then (for all types) the one following the cursor. */
  vertices: number[][];
}

/** A new draft at `p`: its first vertex and the one following the cursor, both at `p`. */
export function startDraft(type: ShapeType, p: readonly number[], ndim: number, axes?: DisplayedAxes): Draft {
  const anchor = checkVector(p, ndim, 'drawing position');
  const plane = checkDisplayedAxes(axes ?? lastTwoAxes(ndim), ndim);
  return { type, axes: plane, anchor, vertices: [anchor, [...anchor]] };
}

/** The draft's vertices as drawn: a rectangle's or ellipse's 4 corners, else the vertices so far. */
export function draftVertices(d: Draft): number[][] {
  return d.type === 'rectangle' || d.type === 'ellipse' ? expandCorners(d.vertices[0], d.vertices[1], d.axes) : d.vertices;
}

/** Moves what follows the cursor to `p`. */
export function moveDraftCursor(d: Draft, p: readonly number[], ndim: number): void {
  d.vertices[d.vertices.length - 1] = onDraftSlice(d, p, ndim);
}

/** Fixes the polygon or path vertex at `p` and starts the next one there. */
export function fixDraftVertex(d: Draft, p: readonly number[], ndim: number): void {
  if (d.type !== 'polygon' && d.type !== 'path') {
    throw new LayerValidationError(`only polygons and paths take vertices one by one; the draft is ${withArticle(d.type)}`);
  }
  const v = onDraftSlice(d, p, ndim);
  d.vertices[d.vertices.length - 1] = v;
  d.vertices.push([...v]);
}

/**
 * The vertices of the shape the draft becomes, or null when it is too small to be a shape
 * (no area, no length, too few vertices). The vertex following the cursor is dropped for
 * polygons and paths, and repeated vertices (a double-click clicks twice) merged.
 */
export function finishedDraftVertices(d: Draft): number[][] | null {
  let vertices = draftVertices(d);
  if (d.type === 'polygon' || d.type === 'path') vertices = dropRepeats(vertices.slice(0, -1), d.type === 'polygon');
  const plane = vertices.map(v => [v[d.axes[0]], v[d.axes[1]]]);
  const degenerate =
    d.type === 'rectangle' || d.type === 'ellipse'
      ? plane[0][0] === plane[2][0] || plane[0][1] === plane[2][1]
      : vertices.length < VERTEX_COUNTS[d.type][0] || (d.type === 'line' && plane[0].every((x, k) => x === plane[1][k]));
  return degenerate ? null : vertices;
}

/** `p` on the draft's plane: displayed coordinates from `p`, hidden ones from where drawing began. */
function onDraftSlice(d: Draft, p: readonly number[], ndim: number): number[] {
  const q = checkVector(p, ndim, 'drawing position');
  const v = [...d.anchor];
  [v[d.axes[0]], v[d.axes[1]]] = [q[d.axes[0]], q[d.axes[1]]];
  return v;
}

/** Consecutive repeats removed (and, for a closed shape, a last vertex equal to the first). */
function dropRepeats(vertices: number[][], closed: boolean): number[][] {
  const same = (a: number[], b: number[]): boolean => a.every((x, k) => x === b[k]);
  const out = vertices.filter((v, i) => i === 0 || !same(v, vertices[i - 1]));
  if (closed && out.length > 1 && same(out[0], out[out.length - 1])) out.pop();
  return out;
}
