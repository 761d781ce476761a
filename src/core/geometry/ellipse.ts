import { Point2, sub } from './primitives';

/**
 * An ellipse as scikit-image's `draw.ellipse` takes it: centre, the semi-axis along the row
 * direction rotated by `rotation`, the other semi-axis, and `rotation` in radians
 * (counter-clockwise from the row axis towards the column axis, as in skimage's formula).
 */
export interface Ellipse {
  readonly center: Point2;
  readonly radii: Point2;
  readonly rotation: number;
}

/**
 * The ellipse inscribed in a rectangle given by its 4 corners in order (napari's
 * representation of an ellipse). Of the two side directions, the one closer to the row axis
 * carries the first radius, so that an axis-aligned box gives rotation exactly 0 and the
 * same centre and radii as `((r0 + r1) / 2, (c0 + c1) / 2)`, `(|r1 - r0| / 2, |c1 - c0| / 2)`.
 */
export function ellipseFromCorners(corners: readonly Point2[]): Ellipse {
  if (corners.length !== 4) {
    throw new RangeError(`expected the 4 corners of the ellipse's bounding box, got ${corners.length}`);
  }
  const center: Point2 = [(corners[0][0] + corners[2][0]) / 2, (corners[0][1] + corners[2][1]) / 2];
  const u = sub(corners[1], corners[0]);
  const w = sub(corners[3], corners[0]);
  // The sides are perpendicular, so exactly one leans to the row axis (either one at 45 degrees).
  const [rowSide, colSide] = Math.abs(u[0]) >= Math.abs(u[1]) ? [u, w] : [w, u];
  const halfRow = Math.sqrt(rowSide[0] * rowSide[0] + rowSide[1] * rowSide[1]) / 2;
  const halfCol = Math.sqrt(colSide[0] * colSide[0] + colSide[1] * colSide[1]) / 2;
  // Orient the row side downwards so the angle stays in [-pi/4, pi/4]; an exact zero column
  // component gives rotation +0, never pi or -0.
  const sign = rowSide[0] < 0 ? -1 : 1;
  const rotation = rowSide[1] === 0 ? 0 : Math.atan2(sign * rowSide[1], sign * rowSide[0]);
  return { center, radii: [halfRow, halfCol], rotation };
}

/** Python's `x % y` for floats (result has the sign of `y`), which skimage applies to the rotation. */
export function pythonFloatMod(x: number, y: number): number {
  let mod = x % y;
  if (mod !== 0) {
    if (y < 0 !== mod < 0) mod += y;
  } else {
    mod = y < 0 ? -0 : 0;
  }
  return mod;
}

/**
 * skimage's distance measure for the ellipse: < 1 strictly inside. Written with the same
 * operations as `skimage.draw._ellipse_in_shape` so rasterisation matches it exactly.
 */
export function ellipseDistance(e: Ellipse, p: Point2, sinA: number, cosA: number): number {
  const r = p[0] - e.center[0];
  const c = p[1] - e.center[1];
  const a = (r * cosA + c * sinA) / e.radii[0];
  const b = (r * sinA - c * cosA) / e.radii[1];
  return a * a + b * b;
}

/** Whether `p` lies inside or on the ellipse (on: within a relative 1e-12, for clicks on the outline). */
export function pointInEllipse(e: Ellipse, p: Point2): boolean {
  const rotation = pythonFloatMod(e.rotation, Math.PI);
  return ellipseDistance(e, p, Math.sin(rotation), Math.cos(rotation)) <= 1 + 1e-12;
}

/**
 * `segments` points on the ellipse outline, for drawing and for distance to the edge. The
 * first point is at the end of the first (row) semi-axis.
 */
export function ellipseOutline(e: Ellipse, segments = 64): Point2[] {
  const sinA = Math.sin(e.rotation);
  const cosA = Math.cos(e.rotation);
  const out: Point2[] = [];
  for (let i = 0; i < segments; i++) {
    const t = (2 * Math.PI * i) / segments;
    const a = e.radii[0] * Math.cos(t);
    const b = e.radii[1] * Math.sin(t);
    // Inverse of the rotation in ellipseDistance: a = r cos + c sin, b = r sin - c cos.
    out.push([e.center[0] + a * cosA + b * sinA, e.center[1] + a * sinA - b * cosA]);
  }
  return out;
}
