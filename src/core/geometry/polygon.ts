import { Point2 } from './primitives';

/** Where a point lies relative to a polygon; the codes of scikit-image's `point_in_polygon`. */
export enum PolygonSide {
  Outside = 0,
  Inside = 1,
  Vertex = 2,
  Edge = 3
}

/** scikit-image's tolerance for calling a point a vertex. */
const VERTEX_EPS = 1e-12;

/**
 * Classifies `p` against the polygon with the crossing-number (even-odd) rule, counting
 * crossings of a ray to the right and one to the left; when their parities differ the point
 * is on an edge. This is the algorithm of skimage/_shared/geometry.pyx (O'Rourke, Computational
 * Geometry in C, ch. 7), written with the same floating-point operations so that
 * `fillPolygon` reproduces `skimage.draw.polygon` pixel for pixel. Self-intersecting polygons
 * follow even-odd: regions covered twice are outside.
 */
export function classifyPointInPolygon(vertices: readonly Point2[], p: Point2): PolygonSide {
  const n = vertices.length;
  if (n === 0) return PolygonSide.Outside;
  const [r, c] = p;
  // skimage's x is our column, its y our row.
  let x1 = vertices[n - 1][1] - c;
  let y1 = vertices[n - 1][0] - r;
  let rightCrossings = 0;
  let leftCrossings = 0;
  for (let i = 0; i < n; i++) {
    const x0 = vertices[i][1] - c;
    const y0 = vertices[i][0] - r;
    if (x0 > -VERTEX_EPS && x0 < VERTEX_EPS && y0 > -VERTEX_EPS && y0 < VERTEX_EPS) {
      return PolygonSide.Vertex;
    }
    if (y0 > 0 !== y1 > 0 && (x0 * y1 - x1 * y0) / (y1 - y0) > 0) rightCrossings++;
    if (y0 < 0 !== y1 < 0 && (x0 * y1 - x1 * y0) / (y1 - y0) < 0) leftCrossings++;
    x1 = x0;
    y1 = y0;
  }
  if ((rightCrossings & 1) !== (leftCrossings & 1)) return PolygonSide.Edge;
  return rightCrossings & 1 ? PolygonSide.Inside : PolygonSide.Outside;
}

/** Even-odd point-in-polygon; points on an edge or vertex count as inside (a click on the outline hits). */
export function pointInPolygon(vertices: readonly Point2[], p: Point2): boolean {
  return classifyPointInPolygon(vertices, p) !== PolygonSide.Outside;
}

/** Signed area by the shoelace formula: positive when the vertices run counter-clockwise in (row, col). */
export function polygonArea(vertices: readonly Point2[]): number {
  let twice = 0;
  const n = vertices.length;
  for (let i = 0; i < n; i++) {
    const [r0, c0] = vertices[i];
    const [r1, c1] = vertices[(i + 1) % n];
    twice += r0 * c1 - r1 * c0;
  }
  return twice / 2;
}
