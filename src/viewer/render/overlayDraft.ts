import { Point2 } from '../../core/geometry/primitives';
import type { TransformedLayer } from '../tools/coordinates';

/**
 * A transient outline the vector overlay draws on top of every layer: a tool's selection
 * box, a shape being drawn, the labels polygon tool's lasso. Not model state: it lives only
 * while a gesture lasts, and the tool that made it clears it.
 */
export interface OverlayDraft {
  /** Vertices as (row, col) pairs in `space`. */
  readonly points: readonly Point2[];
  /**
   * Where `points` live: 'screen' = canvas CSS pixels (row = y, col = x); 'world' = the
   * displayed world axes (what the camera maps); or a layer, whose displayed data axes they
   * are (follows its scale/translate). Default 'world'.
   */
  readonly space?: 'screen' | 'world' | TransformedLayer;
  /** Draw the segment from the last vertex back to the first. */
  readonly closed?: boolean;
  /**
   * 'box': a dashed selection rectangle (points = two opposite corners); 'ellipse': the
   * ellipse inscribed in the 4 corners given; 'polyline': the outline through the points.
   */
  readonly kind?: 'polyline' | 'box' | 'ellipse';
  /** CSS colour of the outline; default a light blue that reads on dark and bright images. */
  readonly color?: string;
  /** Translucent fill of a closed outline (CSS colour), e.g. for a lasso. */
  readonly fill?: string;
  /** Mark the vertices with small squares (polygons being drawn). */
  readonly showVertices?: boolean;
}
