import { distanceToPolyline, polylineIntersectsBox } from './distance';
import { ellipseFromCorners, ellipseOutline, pointInEllipse } from './ellipse';
import { pointInPolygon } from './polygon';
import { drawPath, fillEllipse, fillPolygon, Raster } from './rasterize';
import { Box2, Point2 } from './primitives';

/**
 * napari's shape types and how each is stored: a rectangle by its 4 corners, an ellipse by
 * the 4 corners of its bounding box, a line by its 2 ends, a path and a polygon by their
 * vertices (a polygon is closed, a path open).
 */
export type ShapeType = 'rectangle' | 'ellipse' | 'polygon' | 'line' | 'path';
export const SHAPE_TYPES: readonly ShapeType[] = ['rectangle', 'ellipse', 'polygon', 'line', 'path'];

/** Vertex counts each type allows: [min, max]. */
export const VERTEX_COUNTS: Readonly<Record<ShapeType, readonly [number, number]>> = {
  rectangle: [4, 4],
  ellipse: [4, 4],
  line: [2, 2],
  path: [2, Infinity],
  polygon: [3, Infinity]
};

export function isShapeType(value: unknown): value is ShapeType {
  return typeof value === 'string' && (SHAPE_TYPES as readonly string[]).includes(value);
}

/** Closed shapes have a face (filled in masks, hit when clicked inside). */
export function isClosedShape(type: ShapeType): boolean {
  return type === 'rectangle' || type === 'ellipse' || type === 'polygon';
}

/** The outline to draw and to measure edge distances on: the ellipse as a 64-gon, others their vertices. */
export function shapeOutline(type: ShapeType, vertices: readonly Point2[]): Point2[] {
  return type === 'ellipse' ? ellipseOutline(ellipseFromCorners(vertices)) : [...vertices];
}

/** Whether `p` is inside the face of a closed shape (outline included); false for lines and paths. */
export function shapeContains(type: ShapeType, vertices: readonly Point2[], p: Point2): boolean {
  if (type === 'ellipse') return pointInEllipse(ellipseFromCorners(vertices), p);
  return isClosedShape(type) && pointInPolygon(vertices, p);
}

/** Distance from `p` to the shape's outline (for an ellipse, to its 64-gon: off by < 0.2% of the radius). */
export function distanceToShapeEdge(type: ShapeType, vertices: readonly Point2[], p: Point2): number {
  return distanceToPolyline(p, shapeOutline(type, vertices), isClosedShape(type));
}

/**
 * A click at `p` hits a closed shape inside its face or within `tolerance` of its edge, and a
 * line or path within `tolerance` of it.
 */
export function shapeHit(type: ShapeType, vertices: readonly Point2[], p: Point2, tolerance: number): boolean {
  return shapeContains(type, vertices, p) || distanceToShapeEdge(type, vertices, p) <= tolerance;
}

/** Whether any part of the shape (face or outline) lies in the box, as napari's box selection. */
export function shapeIntersectsBox(type: ShapeType, vertices: readonly Point2[], box: Box2): boolean {
  const closed = isClosedShape(type);
  if (polylineIntersectsBox(shapeOutline(type, vertices), box, closed)) return true;
  // Otherwise the box is either outside the shape or entirely inside its face.
  return closed && shapeContains(type, vertices, box.min);
}

/**
 * Draws the shape into `target` with `value`: closed shapes filled (polygon and rectangle as
 * `skimage.draw.polygon`, ellipse as `skimage.draw.ellipse` on its centre and radii), lines and
 * paths one pixel wide as napari's `path_to_mask`.
 */
export function rasterizeShape(target: Raster, type: ShapeType, vertices: readonly Point2[], value = 1): void {
  if (type === 'ellipse') fillEllipse(target, ellipseFromCorners(vertices), value);
  else if (isClosedShape(type)) fillPolygon(target, vertices, value);
  else drawPath(target, vertices, value);
}
