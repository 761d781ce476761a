import { Point2 } from '../../core/geometry/primitives';
import { CanvasSize } from '../model/camera';
import { ViewerModel } from '../model/viewerModel';
import { layerView, TransformedLayer } from '../tools/coordinates';
import { drawHandles, HANDLE_SIZE_PX, Painter, strokeHighlight } from './overlayStyle';

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
   * are (follows its scale/translate), in the raster convention where coordinate k is the
   * top-left edge of pixel k (layerView without pixelCentres). Default 'world'.
   */
  readonly space?: 'screen' | 'world' | TransformedLayer;
  /** Draw the segment from the last vertex back to the first. */
  readonly closed?: boolean;
  /**
   * 'box': a dashed selection rectangle (points = two opposite corners); 'polyline' (the
   * default): the outline through the points.
   */
  readonly kind?: 'polyline' | 'box';
  /** CSS colour of the outline; default a light blue that reads on dark and bright images. */
  readonly color?: string;
  /** Translucent fill of a closed outline (CSS colour), e.g. for a lasso. */
  readonly fill?: string;
  /** Mark the vertices with small squares (polygons being drawn). */
  readonly showVertices?: boolean;
}

/** A draft's vertices as screen (y, x) pairs, or null when its layer cannot be shown. */
export function draftToScreen(draft: OverlayDraft, model: ViewerModel, size: CanvasSize): Point2[] | null {
  const space = draft.space ?? 'world';
  if (space === 'screen') return draft.points.map(p => [p[0], p[1]]);
  if (space === 'world') {
    return draft.points.map(([row, col]) => {
      const s = model.camera.dataToScreen({ row, col }, size);
      return [s.y, s.x];
    });
  }
  const view = layerView(space, model.camera, model.dims, size);
  if (!view) return null;
  return draft.points.map(([row, col]) => [row * view.sy + view.by, col * view.sx + view.bx]);
}

/** Draws a draft on top of everything, in CSS pixels. */
export function paintDraft(ctx: Painter, draft: OverlayDraft, model: ViewerModel, size: CanvasSize): void {
  const screen = draftToScreen(draft, model, size);
  if (!screen || screen.length === 0) return;
  ctx.beginPath();
  if (draft.kind === 'box' && screen.length >= 2) {
    const [[ya, xa], [yb, xb]] = screen;
    ctx.rect(Math.min(xa, xb), Math.min(ya, yb), Math.abs(xb - xa), Math.abs(yb - ya));
  } else {
    ctx.moveTo(screen[0][1], screen[0][0]);
    for (let k = 1; k < screen.length; k++) ctx.lineTo(screen[k][1], screen[k][0]);
    if (draft.closed) ctx.closePath();
  }
  if (draft.fill) {
    ctx.fillStyle = draft.fill;
    ctx.fill();
  }
  strokeHighlight(ctx, draft.kind === 'box', draft.color);
  if (draft.showVertices) drawHandles(ctx, screen, { sx: 1, bx: 0, sy: 1, by: 0 }, HANDLE_SIZE_PX - 2);
}
