import { Point2 } from '../../core/geometry/primitives';
import { LayerView } from '../tools/coordinates';

/** Selection and draft colours: napari's highlight blue, with a dark halo so it reads on white too. */
export const HIGHLIGHT = 'rgb(0, 150, 255)';
export const HALO = 'rgba(0, 0, 0, 0.75)';
const HANDLE_FILL = 'rgb(255, 255, 255)';
/** Side of a vertex handle square, CSS px. */
export const HANDLE_SIZE_PX = 7;

/** The 2D context calls the overlay painters make. */
export type Painter = CanvasRenderingContext2D;

/**
 * Strokes the current path in `color` (default the highlight) over a dark halo, at full
 * opacity whatever the layer's: selections and drafts read the same on any layer.
 */
export function strokeHighlight(ctx: Painter, dashed = false, color = HIGHLIGHT): void {
  const alpha = ctx.globalAlpha;
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  ctx.lineWidth = 3;
  ctx.strokeStyle = HALO;
  ctx.stroke();
  if (dashed) ctx.setLineDash([5, 4]);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = alpha;
}

/** Square vertex handles of `side` CSS px at (row, col) data points mapped through `view`. */
export function drawHandles(ctx: Painter, plane: readonly Point2[], view: Pick<LayerView, 'sx' | 'bx' | 'sy' | 'by'>, side: number): void {
  if (plane.length === 0) return;
  const alpha = ctx.globalAlpha;
  ctx.globalAlpha = 1;
  ctx.beginPath();
  const half = side / 2;
  for (const [r, c] of plane) {
    // Snapped to the pixel grid so handles stay crisp.
    const x = Math.round(c * view.sx + view.bx);
    const y = Math.round(r * view.sy + view.by);
    ctx.rect(x - half, y - half, side, side);
  }
  ctx.fillStyle = HANDLE_FILL;
  ctx.fill();
  ctx.lineWidth = 1;
  ctx.strokeStyle = HIGHLIGHT;
  ctx.stroke();
  ctx.globalAlpha = alpha;
}

/** Colour of the orthogonal views' linked cursor (yellow, as ImageJ's orthogonal views). */
export const CROSSHAIR = 'rgb(255, 220, 0)';

/**
 * The linked cursor of orthogonal views: a full-width and full-height line through `at`
 * (CSS px), dashed over a dark halo so it reads on bright and dark images and never hides
 * the pixel under it completely.
 */
export function paintCrosshair(ctx: Painter, at: { x: number; y: number }, size: { width: number; height: number }): void {
  // Centred on device pixels so a 1 px line stays sharp.
  const x = Math.round(at.x) + 0.5;
  const y = Math.round(at.y) + 0.5;
  ctx.beginPath();
  ctx.moveTo(x, 0);
  ctx.lineTo(x, size.height);
  ctx.moveTo(0, y);
  ctx.lineTo(size.width, y);
  strokeHighlight(ctx, true, CROSSHAIR);
}
