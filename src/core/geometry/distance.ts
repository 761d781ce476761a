import { Box2, boxContains, Point2 } from './primitives';

/** Euclidean distance from `p` to the closed segment a-b (to `a` when the segment is a point). */
export function distanceToSegment(p: Point2, a: Point2, b: Point2): number {
  const dr = b[0] - a[0];
  const dc = b[1] - a[1];
  const lengthSq = dr * dr + dc * dc;
  let t = lengthSq > 0 ? ((p[0] - a[0]) * dr + (p[1] - a[1]) * dc) / lengthSq : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - (a[0] + t * dr), p[1] - (a[1] + t * dc));
}

/** Index of the segment (i, i+1, wrapping when `closed`) nearest to `p`, and its distance. */
export function nearestSegment(
  p: Point2,
  vertices: readonly Point2[],
  closed: boolean
): { segment: number; distance: number } | null {
  const n = vertices.length;
  if (n === 0) return null;
  if (n === 1) return { segment: 0, distance: Math.hypot(p[0] - vertices[0][0], p[1] - vertices[0][1]) };
  const segments = closed ? n : n - 1;
  let best = { segment: 0, distance: Infinity };
  for (let i = 0; i < segments; i++) {
    const d = distanceToSegment(p, vertices[i], vertices[(i + 1) % n]);
    if (d < best.distance) best = { segment: i, distance: d };
  }
  return best;
}

/** Distance from `p` to a polyline (closed: also the segment from the last vertex back to the first). */
export function distanceToPolyline(p: Point2, vertices: readonly Point2[], closed = false): number {
  return nearestSegment(p, vertices, closed)?.distance ?? Infinity;
}

/** Orientation of the turn a -> b -> c: >0 counter-clockwise, <0 clockwise, 0 collinear. */
function turn(a: Point2, b: Point2, c: Point2): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

function onSegment(a: Point2, b: Point2, p: Point2): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1])
  );
}

/** Whether the closed segments a-b and c-d share a point (touching counts). */
export function segmentsIntersect(a: Point2, b: Point2, c: Point2, d: Point2): boolean {
  const d1 = turn(c, d, a);
  const d2 = turn(c, d, b);
  const d3 = turn(a, b, c);
  const d4 = turn(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && onSegment(c, d, a)) ||
    (d2 === 0 && onSegment(c, d, b)) ||
    (d3 === 0 && onSegment(a, b, c)) ||
    (d4 === 0 && onSegment(a, b, d))
  );
}

/** Whether any part of the polyline (closed: with its closing segment) lies in the box. */
export function polylineIntersectsBox(vertices: readonly Point2[], box: Box2, closed: boolean): boolean {
  if (vertices.some(v => boxContains(box, v))) return true;
  const corners: Point2[] = [box.min, [box.min[0], box.max[1]], box.max, [box.max[0], box.min[1]]];
  const n = vertices.length;
  const segments = closed ? n : n - 1;
  for (let i = 0; i < segments; i++) {
    const a = vertices[i];
    const b = vertices[(i + 1) % n];
    for (let k = 0; k < 4; k++) {
      if (segmentsIntersect(a, b, corners[k], corners[(k + 1) % 4])) return true;
    }
  }
  return false;
}
