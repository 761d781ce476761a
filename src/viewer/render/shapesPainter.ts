import { ellipseFromCorners, ellipseOutline } from '../../core/geometry/ellipse';
import { Point2 } from '../../core/geometry/primitives';
import { isClosedShape, ShapeType } from '../../core/geometry/shapeGeometry';
import { ShapesLayer } from '../model/shapesLayer';
import { LayerView } from '../tools/coordinates';
import { drawHandles, HANDLE_SIZE_PX, Painter, strokeHighlight } from './overlayStyle';
import { cssColor } from './pointsProjection';

/** Shapes-layer modes in which every vertex is shown as a handle (vertex editing). */
const VERTEX_MODES: ReadonlySet<string> = new Set(['direct', 'vertex_insert', 'vertex_remove']);

/** One shape as the overlay keeps it between frames (see ShapesSnapshot). */
export interface ShapeEntry {
  readonly type: ShapeType;
  /** Row-major nV x ndim vertex coordinates. */
  readonly vertices: Float64Array;
  /** Per axis, the rounded lowest and highest vertex coordinate (slice range), interleaved. */
  readonly sliceRange: Int32Array;
  readonly fill: string | null;
  readonly edge: string | null;
  /** In data units. */
  readonly edgeWidth: number;
}

/**
 * A shapes layer's data in draw order (bottom first), copied once per data change so a
 * frame only projects vertices. The selection and the draft are read from the layer each
 * frame: they change on 'display' without touching the shapes.
 */
export interface ShapesSnapshot {
  readonly ndim: number;
  /** Layer indices, bottom to top. */
  readonly order: Int32Array;
  /** Entries by layer index. */
  readonly shapes: readonly ShapeEntry[];
}

export function snapshotShapes(layer: ShapesLayer): ShapesSnapshot {
  const ndim = layer.ndim;
  const shapes = layer.shapes.map(s => {
    const vertices = Float64Array.from(s.vertices.flat());
    const sliceRange = new Int32Array(2 * ndim);
    for (let a = 0; a < ndim; a++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = a; k < vertices.length; k += ndim) {
        lo = Math.min(lo, vertices[k]);
        hi = Math.max(hi, vertices[k]);
      }
      // The layer's visibleIndices rule: rounded halves up on each hidden axis.
      sliceRange[2 * a] = Math.floor(lo + 0.5);
      sliceRange[2 * a + 1] = Math.floor(hi + 0.5);
    }
    const [fr, fg, fb, fa] = s.faceColor;
    const [er, eg, eb, ea] = s.edgeColor;
    return {
      type: s.type,
      vertices,
      sliceRange,
      fill: isClosedShape(s.type) && fa > 0 ? cssColor(fr, fg, fb, fa) : null,
      edge: ea > 0 && s.edgeWidth > 0 ? cssColor(er, eg, eb, ea) : null,
      edgeWidth: s.edgeWidth
    };
  });
  return { ndim, order: Int32Array.from(layer.drawOrder()), shapes };
}

/** Whether a shape lies on the view's slice: on each sliced axis the slice is within its rounded range. */
export function shapeOnSlice(shape: ShapeEntry, view: LayerView): boolean {
  for (const axis of view.slicedAxes) {
    const s = view.sliceIndex[axis];
    if (s < shape.sliceRange[2 * axis] || s > shape.sliceRange[2 * axis + 1]) return false;
  }
  return true;
}

/** Canvas `ellipse()` arguments (CSS px) for an ellipse stored as the 4 corners of its box. */
export interface CanvasEllipse {
  x: number;
  y: number;
  radiusX: number;
  radiusY: number;
  rotation: number;
}

/**
 * The canvas ellipse of 4 box corners given as (row, col) data points, or null when the view
 * scales rows and columns differently and the ellipse is rotated (its image is then still an
 * ellipse, but not one with these axes: draw its outline polygon instead).
 *
 * The model's first semi-axis points along (cos t, sin t) in (row, col), i.e. (sin t, cos t)
 * in (x, y); the canvas puts radiusY along (-sin r, cos r), so r = -t.
 */
export function canvasEllipse(view: LayerView, corners: readonly Point2[]): CanvasEllipse | null {
  const e = ellipseFromCorners(corners);
  const ax = Math.abs(view.sx);
  const ay = Math.abs(view.sy);
  if (e.rotation !== 0 && Math.abs(ax - ay) > 1e-9 * Math.max(ax, ay)) return null;
  return {
    x: e.center[1] * view.sx + view.bx,
    y: e.center[0] * view.sy + view.by,
    radiusX: e.radii[1] * ax,
    radiusY: e.radii[0] * ay,
    rotation: -e.rotation
  };
}

/** The subset of CanvasRenderingContext2D path building traceShape uses. */
export type PathSink = Pick<CanvasRenderingContext2D, 'moveTo' | 'lineTo' | 'closePath' | 'ellipse'>;

/** The displayed (row, col) of each vertex of an entry. */
export function entryPlane(entry: ShapeEntry, ndim: number, view: LayerView): Point2[] {
  const out: Point2[] = [];
  for (let k = 0; k < entry.vertices.length; k += ndim) out.push([entry.vertices[k + view.rowAxis], entry.vertices[k + view.colAxis]]);
  return out;
}

/**
 * Adds the outline of a shape to the current path, in screen pixels: rectangles and
 * polygons closed, lines and paths open, ellipses exact where the canvas can draw them.
 */
export function traceShape(ctx: PathSink, type: ShapeType, plane: readonly Point2[], view: LayerView): void {
  if (plane.length === 0) return;
  if (type === 'ellipse') {
    const e = plane.length === 4 ? canvasEllipse(view, plane) : null;
    if (e) {
      ctx.moveTo(e.x + e.radiusX * Math.cos(e.rotation), e.y + e.radiusX * Math.sin(e.rotation));
      ctx.ellipse(e.x, e.y, e.radiusX, e.radiusY, e.rotation, 0, 2 * Math.PI);
      ctx.closePath();
      return;
    }
    if (plane.length === 4) plane = ellipseOutline(ellipseFromCorners(plane));
  }
  const [r0, c0] = plane[0];
  ctx.moveTo(c0 * view.sx + view.bx, r0 * view.sy + view.by);
  for (let k = 1; k < plane.length; k++) ctx.lineTo(plane[k][1] * view.sx + view.bx, plane[k][0] * view.sy + view.by);
  if (isClosedShape(type)) ctx.closePath();
}

/** Screen bounding box of (row, col) data points: [minX, minY, maxX, maxY]. */
export function screenBounds(plane: readonly Point2[], view: LayerView): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [r, c] of plane) {
    const x = c * view.sx + view.bx;
    const y = r * view.sy + view.by;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

/** Edge width in screen pixels: data units through the mean displayed scale, at least 1 px so edges never vanish. */
export function edgePixels(edgeWidth: number, view: LayerView): number {
  return Math.max(1, (edgeWidth * (Math.abs(view.sx) + Math.abs(view.sy))) / 2);
}

/**
 * Draws a shapes layer's shapes of the current slice in z-order (each filled, then its edge
 * stroked), the bounding box and vertex handles of the selected ones (every vertex in the
 * vertex-editing modes), and the shape being drawn (the layer's draft) in its current style.
 */
export function paintShapes(ctx: Painter, layer: ShapesLayer, snap: ShapesSnapshot, view: LayerView): void {
  const visible: number[] = [];
  for (let o = 0; o < snap.order.length; o++) {
    const i = snap.order[o];
    const entry = snap.shapes[i];
    if (!shapeOnSlice(entry, view)) continue;
    visible.push(i);
    ctx.beginPath();
    traceShape(ctx, entry.type, entryPlane(entry, snap.ndim, view), view);
    if (entry.fill) {
      ctx.fillStyle = entry.fill;
      ctx.fill();
    }
    if (entry.edge) {
      ctx.lineWidth = edgePixels(entry.edgeWidth, view);
      ctx.lineJoin = 'round';
      ctx.strokeStyle = entry.edge;
      ctx.stroke();
    }
  }
  const selected = layer.selected;
  const vertexMode = VERTEX_MODES.has(layer.mode);
  for (const i of visible) {
    const isSelected = selected.has(i);
    if (!isSelected && !vertexMode) continue;
    const plane = entryPlane(snap.shapes[i], snap.ndim, view);
    if (isSelected) {
      const [x0, y0, x1, y1] = screenBounds(plane, view);
      ctx.beginPath();
      ctx.rect(x0 - 0.5, y0 - 0.5, x1 - x0 + 1, y1 - y0 + 1);
      strokeHighlight(ctx, true);
    }
    drawHandles(ctx, plane, view, isSelected ? HANDLE_SIZE_PX : HANDLE_SIZE_PX - 2);
  }
  const draft = layer.draft;
  if (draft) {
    const plane: Point2[] = draft.vertices.map(v => [v[view.rowAxis], v[view.colAxis]]);
    ctx.beginPath();
    traceShape(ctx, draft.type, plane, view);
    const [fr, fg, fb, fa] = layer.currentStyle.faceColor;
    if (fa > 0 && isClosedShape(draft.type)) {
      ctx.fillStyle = cssColor(fr, fg, fb, fa * 0.5);
      ctx.fill();
    }
    strokeHighlight(ctx, true);
    // The fixed vertices of a polygon or path (the last one follows the cursor).
    if (draft.type === 'polygon' || draft.type === 'path') drawHandles(ctx, plane.slice(0, -1), view, HANDLE_SIZE_PX - 2);
  }
}
