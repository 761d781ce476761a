// Covers src/core/geometry: boxes, rectangle corners and resizing, point-in-polygon (even-odd,
// edge/vertex cases), distances, segment/box intersection, ellipses, and per-shape hit tests.
import { distanceToPolyline, distanceToSegment, nearestSegment, polylineIntersectsBox, segmentsIntersect } from '../distance';
import { ellipseFromCorners, ellipseOutline, pointInEllipse, pythonFloatMod } from '../ellipse';
import { classifyPointInPolygon, pointInPolygon, polygonArea, PolygonSide } from '../polygon';
import { boundingBox, boxFromCorners, boxesOverlap, Point2, rectangleCorners, resizeRectangleCorner } from '../primitives';
import { fillPolygon } from '../rasterize';
import { isShapeType, rasterizeShape, shapeContains, shapeHit, shapeIntersectsBox } from '../shapeGeometry';
import { seededRandom } from './pythonReference';

const close = (a: readonly number[], b: readonly number[]): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 9));
};

describe('boxes and rectangles', () => {
  it('bounds points and orders box corners', () => {
    expect(boundingBox([[3, -1], [0, 4], [2, 2]])).toEqual({ min: [0, -1], max: [3, 4] });
    expect(boundingBox([])).toBeNull();
    expect(boxFromCorners([5, 1], [2, 7])).toEqual({ min: [2, 1], max: [5, 7] });
    expect(boxesOverlap(boxFromCorners([0, 0], [2, 2]), boxFromCorners([2, 2], [3, 3]))).toBe(true);
    expect(boxesOverlap(boxFromCorners([0, 0], [2, 2]), boxFromCorners([2.1, 0], [3, 3]))).toBe(false);
  });

  it('expands two opposite corners to 4 in drawing order starting at the first', () => {
    expect(rectangleCorners([1, 2], [5, 8])).toEqual([[1, 2], [1, 8], [5, 8], [5, 2]]);
  });

  it('resizes an axis-aligned rectangle by a corner, keeping the opposite corner', () => {
    const r = rectangleCorners([0, 0], [4, 6]);
    expect(resizeRectangleCorner(r, 2, [10, 3])).toEqual([[0, 0], [0, 3], [10, 3], [10, 0]]);
    // Dragging past the fixed corner flips the rectangle but keeps it a rectangle.
    expect(resizeRectangleCorner(r, 2, [-2, -1])).toEqual([[0, 0], [0, -1], [-2, -1], [-2, 0]]);
  });

  it('resizes a rotated rectangle along its own sides', () => {
    const s = Math.SQRT1_2;
    const r: Point2[] = [[0, 0], [s * 2, s * 2], [0, s * 4], [-s * 2, s * 2]]; // square of side 2, rotated 45 degrees
    const out = resizeRectangleCorner(r, 2, [0, s * 8]);
    close(out.flat(), [0, 0, s * 4, s * 4, 0, s * 8, -s * 4, s * 4]);
  });

  it('resizes a collapsed rectangle along the axes', () => {
    const flat = rectangleCorners([1, 1], [1, 1]);
    expect(resizeRectangleCorner(flat, 0, [4, 5])).toEqual([[4, 5], [4, 1], [1, 1], [1, 5]]);
    expect(() => resizeRectangleCorner(flat, 4, [0, 0])).toThrow(/corner index 0..3/);
  });
});

describe('point in polygon', () => {
  const square: Point2[] = [[0, 0], [0, 4], [4, 4], [4, 0]];

  it('classifies inside, outside, vertex and edge points', () => {
    expect(classifyPointInPolygon(square, [2, 2])).toBe(PolygonSide.Inside);
    expect(classifyPointInPolygon(square, [5, 2])).toBe(PolygonSide.Outside);
    expect(classifyPointInPolygon(square, [4, 4])).toBe(PolygonSide.Vertex);
    expect(classifyPointInPolygon(square, [0, 2])).toBe(PolygonSide.Edge);
    expect(classifyPointInPolygon(square, [2, 4])).toBe(PolygonSide.Edge);
    expect(classifyPointInPolygon([], [0, 0])).toBe(PolygonSide.Outside);
  });

  it('handles a concave polygon', () => {
    const u: Point2[] = [[0, 0], [0, 6], [6, 6], [6, 4], [2, 4], [2, 2], [6, 2], [6, 0]];
    expect(pointInPolygon(u, [4, 3])).toBe(false); // in the notch
    expect(pointInPolygon(u, [4, 1])).toBe(true);
    expect(pointInPolygon(u, [1, 3])).toBe(true);
  });

  it('follows the even-odd rule for self-intersecting polygons', () => {
    // A pentagram: the central pentagon is crossed twice, so it is outside under even-odd.
    const star: Point2[] = [0, 2, 4, 1, 3].map(k => {
      const t = (2 * Math.PI * k) / 5;
      return [10 * Math.cos(t), 10 * Math.sin(t)] as Point2;
    });
    expect(pointInPolygon(star, [0, 0])).toBe(false);
    expect(pointInPolygon(star, [8.5, 0])).toBe(true); // inside a tip
  });

  it('gives the same pixels in fillPolygon as classifying each pixel', () => {
    const rand = seededRandom(21);
    for (let k = 0; k < 40; k++) {
      const poly: Point2[] = Array.from({ length: 3 + (k % 9) }, () => [Math.round(rand() * 60) / 2, Math.round(rand() * 60) / 2]);
      const data = new Uint8Array(32 * 32);
      fillPolygon({ shape: [32, 32], data }, poly);
      for (let i = 0; i < data.length; i++) {
        expect(data[i]).toBe(pointInPolygon(poly, [Math.floor(i / 32), i % 32]) ? 1 : 0);
      }
    }
  });

  it('computes the signed area', () => {
    expect(polygonArea([[0, 0], [0, 4], [3, 4], [3, 0]])).toBe(-12);
    expect(polygonArea([[0, 0], [3, 0], [3, 4], [0, 4]])).toBe(12);
  });
});

describe('distances and intersections', () => {
  it('measures the distance to a segment, its ends and a degenerate segment', () => {
    expect(distanceToSegment([2, 5], [0, 0], [0, 10])).toBe(2);
    expect(distanceToSegment([3, 14], [0, 0], [0, 10])).toBe(5);
    expect(distanceToSegment([3, 4], [0, 0], [0, 0])).toBe(5);
  });

  it('measures the distance to open and closed polylines', () => {
    const l: Point2[] = [[0, 0], [0, 10], [10, 10]];
    expect(distanceToPolyline([5, 1], l)).toBe(5);
    expect(distanceToPolyline([5, 1], l, true)).toBeCloseTo(Math.hypot(2, 2), 12); // the closing diagonal
    expect(nearestSegment([9, 9], l, false)).toEqual({ segment: 1, distance: 1 });
    expect(distanceToPolyline([0, 0], [])).toBe(Infinity);
  });

  it('intersects segments, including touching and collinear overlap', () => {
    expect(segmentsIntersect([0, 0], [4, 4], [0, 4], [4, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [1, 1], [0, 4], [4, 0])).toBe(false);
    expect(segmentsIntersect([0, 0], [2, 2], [2, 2], [5, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [0, 4], [0, 2], [0, 6])).toBe(true);
    expect(segmentsIntersect([0, 0], [0, 4], [0, 5], [0, 6])).toBe(false);
  });

  it('finds a polyline crossing a box without a vertex inside it', () => {
    const box = boxFromCorners([2, 2], [4, 4]);
    expect(polylineIntersectsBox([[0, 3], [6, 3]], box, false)).toBe(true);
    expect(polylineIntersectsBox([[0, 0], [0, 6]], box, false)).toBe(false);
    // Only the closing segment of the triangle passes through the box.
    expect(polylineIntersectsBox([[0, 0], [0, 10], [10, 10]], box, false)).toBe(false);
    expect(polylineIntersectsBox([[0, 0], [0, 10], [10, 10]], box, true)).toBe(true);
  });
});

describe('ellipses', () => {
  it('takes centre and radii from an axis-aligned box, with rotation exactly 0', () => {
    for (const corners of [rectangleCorners([1, 2], [7, 12]), rectangleCorners([7, 12], [1, 2])]) {
      const e = ellipseFromCorners(corners);
      expect(e).toEqual({ center: [4, 7], radii: [3, 5], rotation: 0 });
      expect(Object.is(e.rotation, 0)).toBe(true);
    }
  });

  it('recovers the rotation of a rotated box', () => {
    const a = Math.PI / 6;
    const d1: Point2 = [Math.cos(a), Math.sin(a)]; // the row-like side, 8 long
    const d2: Point2 = [-Math.sin(a), Math.cos(a)]; // the other side, 4 long
    const c: Point2 = [10, 10];
    const corner = (s: number, t: number): Point2 => [c[0] + 4 * s * d1[0] + 2 * t * d2[0], c[1] + 4 * s * d1[1] + 2 * t * d2[1]];
    const e = ellipseFromCorners([corner(-1, -1), corner(-1, 1), corner(1, 1), corner(1, -1)]);
    close(e.center, [10, 10]);
    close(e.radii, [4, 2]);
    expect(e.rotation).toBeCloseTo(a, 12);
    expect(pointInEllipse(e, [c[0] + 3.9 * d1[0], c[1] + 3.9 * d1[1]])).toBe(true);
    expect(pointInEllipse(e, [c[0] + 2.1 * d2[0], c[1] + 2.1 * d2[1]])).toBe(false);
    for (const p of ellipseOutline(e, 16)) {
      const r = p[0] - 10;
      const q = p[1] - 10;
      expect(((r * d1[0] + q * d1[1]) / 4) ** 2 + ((r * d2[0] + q * d2[1]) / 2) ** 2).toBeCloseTo(1, 12);
    }
  });

  it('reduces angles like Python float modulo', () => {
    expect(pythonFloatMod(-1, Math.PI)).toBeCloseTo(Math.PI - 1, 15);
    expect(pythonFloatMod(7, Math.PI)).toBeCloseTo(7 - 2 * Math.PI, 15);
    expect(Object.is(pythonFloatMod(-0, Math.PI), 0)).toBe(true);
    expect(() => ellipseFromCorners([[0, 0], [1, 1]])).toThrow(/4 corners/);
  });
});

describe('shape hit tests', () => {
  const rect = rectangleCorners([0, 0], [10, 10]);

  it('hits closed shapes inside their face and near their edge, lines only near them', () => {
    expect(shapeHit('rectangle', rect, [5, 5], 0)).toBe(true);
    expect(shapeHit('rectangle', rect, [11, 5], 0.5)).toBe(false);
    expect(shapeHit('rectangle', rect, [10.4, 5], 0.5)).toBe(true);
    expect(shapeHit('ellipse', rect, [5, 5], 0)).toBe(true);
    expect(shapeHit('ellipse', rect, [0.5, 0.5], 0.5)).toBe(false); // box corner, outside the ellipse
    expect(shapeHit('path', rect, [5, 5], 1)).toBe(false); // open: only its outline
    expect(shapeHit('path', rect, [5, 0.8], 1)).toBe(false); // near the missing closing side
    expect(shapeHit('path', rect, [0.8, 5], 1)).toBe(true);
    expect(shapeContains('line', [[0, 0], [4, 4]], [2, 2])).toBe(false);
  });

  it('selects shapes that touch a box, including a box inside a face', () => {
    expect(shapeIntersectsBox('polygon', rect, boxFromCorners([4, 4], [6, 6]))).toBe(true);
    expect(shapeIntersectsBox('path', rect, boxFromCorners([4, 4], [6, 6]))).toBe(false);
    expect(shapeIntersectsBox('ellipse', rect, boxFromCorners([0, 0], [1, 1]))).toBe(false);
    expect(shapeIntersectsBox('ellipse', rect, boxFromCorners([-1, 4], [1, 6]))).toBe(true);
  });

  it('rasterises a shape by type and knows the type names', () => {
    const data = new Uint8Array(25);
    rasterizeShape({ shape: [5, 5], data }, 'line', [[0, 0], [4, 4]], 3);
    expect(Array.from(data).filter(v => v === 3).length).toBe(5);
    expect(isShapeType('ellipse')).toBe(true);
    expect(isShapeType('circle')).toBe(false);
  });
});
