/**
 * Basic 2D geometry in (row, col) order, as napari and scikit-image write coordinates. A point
 * is a plain pair so it can come from any nD coordinate by picking the two displayed axes.
 */
export type Point2 = readonly [number, number];

/** An axis-aligned box: min and max per axis, inclusive (a box around vertices, not pixels). */
export interface Box2 {
  readonly min: Point2;
  readonly max: Point2;
}

/** The smallest box containing all points; null for no points. */
export function boundingBox(points: readonly Point2[]): Box2 | null {
  if (points.length === 0) return null;
  let [r0, c0] = points[0];
  let [r1, c1] = points[0];
  for (const [r, c] of points) {
    if (r < r0) r0 = r;
    if (r > r1) r1 = r;
    if (c < c0) c0 = c;
    if (c > c1) c1 = c;
  }
  return { min: [r0, c0], max: [r1, c1] };
}

/** The box spanned by two opposite corners given in any order. */
export function boxFromCorners(a: Point2, b: Point2): Box2 {
  return { min: [Math.min(a[0], b[0]), Math.min(a[1], b[1])], max: [Math.max(a[0], b[0]), Math.max(a[1], b[1])] };
}

export function boxContains(box: Box2, [r, c]: Point2): boolean {
  return r >= box.min[0] && r <= box.max[0] && c >= box.min[1] && c <= box.max[1];
}

export function boxesOverlap(a: Box2, b: Box2): boolean {
  return a.min[0] <= b.max[0] && b.min[0] <= a.max[0] && a.min[1] <= b.max[1] && b.min[1] <= a.max[1];
}

/**
 * The 4 corners of the axis-aligned rectangle with opposite corners `a` and `b`, in drawing
 * order starting at `a`: a, (a.row, b.col), b, (b.row, a.col). This is how napari stores a
 * rectangle, and an ellipse as the rectangle that bounds it.
 */
export function rectangleCorners(a: Point2, b: Point2): [Point2, Point2, Point2, Point2] {
  return [a, [a[0], b[1]], b, [b[0], a[1]]];
}

/**
 * Moves corner `k` of a rectangle (4 corners in order, possibly rotated) to `to` while the
 * opposite corner stays fixed and the sides keep their directions: what dragging a corner
 * handle of a rectangle or of an ellipse's bounding box does. Sides of zero length have no
 * direction, so a collapsed rectangle is resized along the row and column axes instead.
 */
export function resizeRectangleCorner(corners: readonly Point2[], k: number, to: Point2): Point2[] {
  if (corners.length !== 4 || !(k >= 0 && k < 4)) {
    throw new RangeError(`expected 4 corners and a corner index 0..3, got ${corners.length} corners and ${k}`);
  }
  const fixed = corners[(k + 2) % 4];
  const prev = corners[(k + 3) % 4];
  const next = corners[(k + 1) % 4];
  const d1 = unit(sub(prev, fixed));
  const d2 = unit(sub(next, fixed));
  if (!d1 || !d2 || Math.abs(dot(d1, d2)) > 1e-9) {
    // Degenerate or not a rectangle: fall back to the axis-aligned box through both corners.
    const box = rectangleCorners(fixed, to);
    const out: Point2[] = new Array(4);
    for (let i = 0; i < 4; i++) out[(k + 2 + i) % 4] = box[i];
    return out;
  }
  const v = sub(to, fixed);
  const a = add(fixed, scale(d1, dot(v, d1)));
  const b = add(fixed, scale(d2, dot(v, d2)));
  const out: Point2[] = [...corners];
  out[(k + 3) % 4] = a;
  out[(k + 1) % 4] = b;
  out[k] = to;
  return out;
}

export function sub(a: Point2, b: Point2): Point2 {
  return [a[0] - b[0], a[1] - b[1]];
}

export function add(a: Point2, b: Point2): Point2 {
  return [a[0] + b[0], a[1] + b[1]];
}

export function scale(a: Point2, s: number): Point2 {
  return [a[0] * s, a[1] * s];
}

export function dot(a: Point2, b: Point2): number {
  return a[0] * b[0] + a[1] * b[1];
}

export function norm(a: Point2): number {
  return Math.sqrt(a[0] * a[0] + a[1] * a[1]);
}

/** The unit vector along `a`, or null for the zero vector. */
export function unit(a: Point2): Point2 | null {
  const n = norm(a);
  return n > 0 ? [a[0] / n, a[1] / n] : null;
}
