import { Point2 } from '../../core/geometry/primitives';
import { ScreenPoint } from '../model/camera';
import { Layer } from '../model/layerBase';
import { PointsLayer } from '../model/pointsLayer';
import { LayerView, screenLengthToData, screenToData2, screenToLayerData } from './coordinates';
import { DRAG_THRESHOLD_PX, LayerTool, PICK_RADIUS_PX, pointerDistance, ToolKey, ToolPointer } from './toolBase';

/** What a press in the points tool turned into. */
type PointsGesture =
  /** add mode: a click adds on release; a drag pans instead (napari's add mode). */
  | { kind: 'add'; start: ScreenPoint; last: ScreenPoint; dragged: boolean }
  /** select mode, pressed on a selected point: a drag moves the selection as one undo step. */
  | { kind: 'move'; layer: PointsLayer; start: ScreenPoint; last: Point2; dragged: boolean }
  /** select mode, pressed on empty space: a drag draws a selection box, a click clears. */
  | { kind: 'box'; start: ScreenPoint; end: ScreenPoint; add: boolean; dragged: boolean };

/**
 * Mouse and keyboard editing of the active Points layer, by its mode:
 * - 'add': click adds a point at the cursor on the current slice; a drag pans.
 * - 'select': click selects the nearest point within its radius (at least PICK_RADIUS_PX on
 *   screen), Shift-click toggles it in the selection; dragging a point moves the selection as
 *   one undo step; dragging on empty space selects the points in the box (Shift: adds).
 * - Delete/Backspace removes the selected points, Escape clears the selection.
 * - 'pan_zoom': nothing; the router gives the events to pan/zoom.
 * Every effect is a PointsLayer operation (add, selectNear, selectInBox, beginMove/
 * moveSelectedBy/endMove, removeSelected), so undo/redo and the kernel see the same edits.
 */
export class PointsTool extends LayerTool<PointsLayer> {
  // A point or vertex at (5, 5) is the centre of image pixel (5, 5), as in napari.
  protected readonly pixelCentres = true;
  private gesture: PointsGesture | null = null;

  handles(layer: Layer | undefined): layer is PointsLayer {
    return layer instanceof PointsLayer && layer.mode !== 'pan_zoom';
  }

  get busy(): boolean {
    return this.gesture !== null;
  }

  get cursor(): string {
    return this.target?.mode === 'add' ? 'crosshair' : 'default';
  }

  protected onDown(layer: PointsLayer, view: LayerView, p: ToolPointer): boolean {
    if (p.button !== 0) return false;
    const start = { x: p.x, y: p.y };
    if (layer.mode === 'add') {
      this.gesture = { kind: 'add', start, last: start, dragged: false };
      return true;
    }
    const position = screenToLayerData(view, p);
    const axes = [view.rowAxis, view.colAxis] as [number, number];
    const radius = screenLengthToData(view, PICK_RADIUS_PX);
    const hit = layer.pointAt(position, axes, radius);
    if (hit === null) {
      this.gesture = { kind: 'box', start, end: start, add: p.shiftKey, dragged: false };
      return true;
    }
    if (p.shiftKey) {
      layer.selectNear(position, axes, radius, { add: true }); // toggles the point
      return true;
    }
    if (!layer.selected.has(hit)) layer.select([hit]);
    this.gesture = { kind: 'move', layer, start, last: screenToData2(view, p), dragged: false };
    return true;
  }

  protected onMove(layer: PointsLayer, view: LayerView, p: ToolPointer): void {
    const g = this.gesture;
    if (!g) return;
    g.dragged = g.dragged || pointerDistance(g.start, p) > DRAG_THRESHOLD_PX;
    if (!g.dragged) return;
    if (g.kind === 'add') {
      this.model.camera.panBy(p.x - g.last.x, p.y - g.last.y);
      g.last = { x: p.x, y: p.y };
    } else if (g.kind === 'move') {
      const here = screenToData2(view, p);
      const delta = new Array<number>(layer.ndim).fill(0);
      delta[view.rowAxis] = here[0] - g.last[0];
      delta[view.colAxis] = here[1] - g.last[1];
      // The first call begins the move; endMove on release makes the drag one undo step.
      layer.moveSelectedBy(delta);
      g.last = here;
    } else {
      g.end = { x: p.x, y: p.y };
      this.setDraft({
        kind: 'box',
        space: 'screen',
        points: [
          [g.start.y, g.start.x],
          [g.end.y, g.end.x]
        ]
      });
    }
  }

  protected onUp(layer: PointsLayer, view: LayerView, p: ToolPointer): void {
    const g = this.gesture;
    this.gesture = null;
    if (!g) return;
    if (g.kind === 'add') {
      if (!g.dragged) layer.add(screenToLayerData(view, p));
    } else if (g.kind === 'move') {
      if (g.dragged) layer.endMove();
    } else {
      this.setDraft(null);
      const axes = [view.rowAxis, view.colAxis] as [number, number];
      if (g.dragged) {
        layer.selectInBox(screenToLayerData(view, g.start), screenToLayerData(view, p), axes, { add: g.add });
      } else if (!g.add) {
        layer.clearSelection();
      }
    }
  }

  protected onCancel(): void {
    const g = this.gesture;
    this.gesture = null;
    // Keep what was dragged so far as one undo step rather than leave the layer mid-move.
    if (g?.kind === 'move' && g.dragged) g.layer.endMove();
    if (g?.kind === 'box') this.setDraft(null);
  }

  protected onKey(layer: PointsLayer, k: ToolKey): boolean {
    if (this.gesture) return false;
    if ((k.key === 'Delete' || k.key === 'Backspace') && !k.ctrlKey && !k.metaKey && !k.altKey) {
      if (layer.selected.size === 0) return false;
      layer.removeSelected();
      return true;
    }
    if (k.key === 'Escape' && layer.selected.size > 0) {
      layer.clearSelection();
      return true;
    }
    return false;
  }
}
