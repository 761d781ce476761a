import { Point2 } from '../../core/geometry/primitives';
import { distanceToShapeEdge } from '../../core/geometry/shapeGeometry';
import { ScreenPoint } from '../model/camera';
import { Layer } from '../model/layerBase';
import { ShapesLayer, ShapesMode } from '../model/shapesLayer';
import { LayerView, screenLengthToData, screenToData2, screenToLayerData } from './coordinates';
import { DoubleClickDetector, DRAG_THRESHOLD_PX, LayerTool, PICK_RADIUS_PX, pointerDistance, ToolKey, ToolPointer } from './toolBase';

/** Grab radius of a vertex handle, CSS px (the overlay draws 7 px squares). */
export const HANDLE_RADIUS_PX = 6;

type ShapesGesture =
  /** Rectangle, ellipse or line: the layer's draft follows the drag and is committed on release. */
  | { kind: 'drawBox'; layer: ShapesLayer }
  /** A press whose effect is done (polygon vertex, Shift toggle, vertex insert/remove). */
  | { kind: 'click' }
  /** Dragging the selection: one undo step. */
  | { kind: 'move'; layer: ShapesLayer; start: ScreenPoint; last: Point2; dragged: boolean }
  /** Dragging one vertex: one undo step; `grab` = vertex minus cursor, so it does not jump. */
  | { kind: 'vertex'; layer: ShapesLayer; start: ScreenPoint; grab: Point2; dragged: boolean }
  /** Box selection over empty space. */
  | { kind: 'box'; start: ScreenPoint; end: ScreenPoint; add: boolean; dragged: boolean };

const BOX_DRAW: Partial<Record<ShapesMode, 'beginRectangle' | 'beginEllipse' | 'beginLine'>> = {
  add_rectangle: 'beginRectangle',
  add_ellipse: 'beginEllipse',
  add_line: 'beginLine'
};
const CLICK_DRAW: Partial<Record<ShapesMode, 'beginPolygon' | 'beginPath'>> = {
  add_polygon: 'beginPolygon',
  add_path: 'beginPath'
};

/**
 * Mouse and keyboard editing of the active Shapes layer, by its mode (napari's names):
 * - add_rectangle / add_ellipse / add_line: press, drag, release draws one shape.
 * - add_polygon / add_path: each click adds a vertex; double-click or Enter finishes, Escape
 *   cancels (the layer's draft API; the overlay draws the draft from the layer).
 * - select: click selects the topmost shape (Shift toggles), dragging moves the selection as
 *   one undo step, dragging on empty space box-selects.
 * - direct (vertex editing): drag a vertex handle to move it; click on an edge of a selected
 *   shape inserts a vertex there (and drags it); Alt/Option-click on a vertex removes it.
 * - vertex_insert / vertex_remove: a click inserts or removes a vertex.
 * - Delete/Backspace removes the selected shapes; Escape clears the selection.
 */
export class ShapesTool extends LayerTool<ShapesLayer> {
  // A point or vertex at (5, 5) is the centre of image pixel (5, 5), as in napari.
  protected readonly pixelCentres = true;
  private gesture: ShapesGesture | null = null;
  /** The layer whose polygon/path draft this tool is building across clicks. */
  private drawing: ShapesLayer | null = null;
  private readonly doubleClick = new DoubleClickDetector();

  handles(layer: Layer | undefined): layer is ShapesLayer {
    return layer instanceof ShapesLayer && layer.mode !== 'pan_zoom';
  }

  get busy(): boolean {
    return this.gesture !== null || this.isDrawing;
  }

  get cursor(): string {
    const mode = this.target?.mode;
    return mode === 'select' || mode === 'direct' ? 'default' : 'crosshair';
  }

  private get isDrawing(): boolean {
    // The model ends drafts on its own too (a mode switch commits), so ask it.
    if (this.drawing && !this.drawing.draft) this.drawing = null;
    return this.drawing !== null;
  }

  protected onDown(layer: ShapesLayer, view: LayerView, p: ToolPointer): boolean {
    if (p.button !== 0) return false;
    const doubleClick = this.doubleClick.press(p);
    const position = screenToLayerData(view, p);
    const axes = [view.rowAxis, view.colAxis] as [number, number];
    const mode = layer.mode;
    const boxDraw = BOX_DRAW[mode];
    const clickDraw = CLICK_DRAW[mode];
    if (boxDraw) {
      layer[boxDraw](position, axes);
      this.gesture = { kind: 'drawBox', layer };
    } else if (clickDraw) {
      this.gesture = { kind: 'click' };
      if (this.isDrawing && this.drawing === layer) {
        if (doubleClick) this.finishDrawing();
        else layer.addDraftVertex(position);
      } else {
        this.finishDrawing();
        layer[clickDraw](position, axes);
        this.drawing = layer;
      }
    } else if (mode === 'select') {
      this.pressSelect(layer, view, p, position);
    } else if (mode === 'direct') {
      this.pressDirect(layer, view, p, position);
    } else if (mode === 'vertex_insert') {
      this.gesture = { kind: 'click' };
      const target = this.edgeNear(layer, view, position, true) ?? layer.shapeAt(position, axes, screenLengthToData(view, PICK_RADIUS_PX));
      if (target !== null) this.tryEdit(() => layer.insertVertex(target, position, axes));
    } else if (mode === 'vertex_remove') {
      this.gesture = { kind: 'click' };
      const v = this.vertexNear(layer, view, position);
      if (v) this.tryEdit(() => layer.removeVertex(v.shape, v.vertex));
    } else {
      return false;
    }
    return true;
  }

  protected onMove(layer: ShapesLayer, view: LayerView, p: ToolPointer, dragging: boolean): void {
    const g = this.gesture;
    const position = screenToLayerData(view, p);
    if (!dragging) {
      // Between clicks of a polygon: the next vertex follows the cursor.
      if (this.isDrawing && this.drawing === layer) layer.updateDraft(position);
      return;
    }
    if (!g || g.kind === 'click') {
      if (this.isDrawing && this.drawing === layer) layer.updateDraft(position);
      return;
    }
    if (g.kind === 'drawBox') {
      g.layer.updateDraft(position);
      return;
    }
    g.dragged = g.dragged || pointerDistance(g.start, p) > DRAG_THRESHOLD_PX;
    if (!g.dragged) return;
    if (g.kind === 'move') {
      const here = screenToData2(view, p);
      const delta = new Array<number>(layer.ndim).fill(0);
      delta[view.rowAxis] = here[0] - g.last[0];
      delta[view.colAxis] = here[1] - g.last[1];
      g.layer.moveSelectedBy(delta);
      g.last = here;
    } else if (g.kind === 'vertex') {
      position[view.rowAxis] += g.grab[0];
      position[view.colAxis] += g.grab[1];
      g.layer.moveVertexTo(position);
    } else {
      g.end = { x: p.x, y: p.y };
      this.setDraft({ kind: 'box', space: 'screen', points: [[g.start.y, g.start.x], [g.end.y, g.end.x]] });
    }
  }

  protected onUp(layer: ShapesLayer, view: LayerView, p: ToolPointer): void {
    const g = this.gesture;
    this.gesture = null;
    if (!g) return;
    if (g.kind === 'drawBox') {
      g.layer.updateDraft(screenToLayerData(view, p));
      g.layer.commitDraft(); // a click without a drag draws nothing
    } else if (g.kind === 'move') {
      if (g.dragged) g.layer.endMove();
    } else if (g.kind === 'vertex') {
      g.layer.endVertexMove(); // records nothing when the vertex did not move
    } else if (g.kind === 'box') {
      this.setDraft(null);
      const axes = [view.rowAxis, view.colAxis] as [number, number];
      if (g.dragged) layer.selectInBox(screenToLayerData(view, g.start), screenToLayerData(view, p), axes, { add: g.add });
      else if (!g.add) layer.clearSelection();
    }
  }

  protected onCancel(): void {
    const g = this.gesture;
    this.gesture = null;
    if (g?.kind === 'drawBox') g.layer.cancelDraft();
    else if (g?.kind === 'move' && g.dragged) g.layer.endMove();
    else if (g?.kind === 'vertex') g.layer.endVertexMove();
    else if (g?.kind === 'box') this.setDraft(null);
    // A polygon in progress is kept if it is one already (as napari does when the tool changes).
    this.finishDrawing();
    this.doubleClick.reset();
  }

  protected onKey(layer: ShapesLayer, k: ToolKey): boolean {
    if (this.gesture) return false;
    const plain = !k.ctrlKey && !k.metaKey && !k.altKey;
    if (this.isDrawing) {
      const drawing = this.drawing!;
      if (k.key === 'Enter') {
        this.finishDrawing();
        return true;
      }
      if (k.key === 'Escape') {
        this.drawing = null;
        drawing.cancelDraft();
        return true;
      }
      // Deleting shapes while drawing one would be a surprise: swallow the key.
      return (k.key === 'Delete' || k.key === 'Backspace') && plain;
    }
    if ((k.key === 'Delete' || k.key === 'Backspace') && plain) {
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

  // ---- presses by mode -------------------------------------------------------------------

  private pressSelect(layer: ShapesLayer, view: LayerView, p: ToolPointer, position: number[]): void {
    const axes = [view.rowAxis, view.colAxis] as [number, number];
    const tolerance = screenLengthToData(view, PICK_RADIUS_PX);
    const hit = layer.shapeAt(position, axes, tolerance);
    const start = { x: p.x, y: p.y };
    if (hit === null) {
      this.gesture = { kind: 'box', start, end: start, add: p.shiftKey, dragged: false };
    } else if (p.shiftKey) {
      layer.selectNear(position, axes, tolerance, { add: true });
      this.gesture = { kind: 'click' };
    } else {
      if (!layer.selected.has(hit)) layer.select([hit]);
      this.gesture = { kind: 'move', layer, start, last: screenToData2(view, p), dragged: false };
    }
  }

  private pressDirect(layer: ShapesLayer, view: LayerView, p: ToolPointer, position: number[]): void {
    const axes = [view.rowAxis, view.colAxis] as [number, number];
    const start = { x: p.x, y: p.y };
    const vertex = this.vertexNear(layer, view, position);
    if (vertex && p.altKey) {
      this.tryEdit(() => layer.removeVertex(vertex.shape, vertex.vertex));
      this.gesture = { kind: 'click' };
      return;
    }
    let grabbed = vertex;
    if (!grabbed && !p.altKey) {
      const edge = this.edgeNear(layer, view, position, false);
      if (edge !== null) {
        const inserted = this.tryEdit(() => layer.insertVertex(edge, position, axes));
        if (inserted !== undefined) grabbed = { shape: edge, vertex: inserted };
      }
    }
    if (grabbed) {
      if (!layer.selected.has(grabbed.shape)) layer.select([grabbed.shape]);
      const at = layer.displayedVertices(grabbed.shape, axes)[grabbed.vertex];
      const cursor = screenToData2(view, p);
      layer.beginVertexMove(grabbed.shape, grabbed.vertex, axes);
      this.gesture = { kind: 'vertex', layer, start, grab: [at[0] - cursor[0], at[1] - cursor[1]], dragged: false };
      return;
    }
    this.pressSelect(layer, view, p, position);
  }

  // ---- hit tests in screen pixels --------------------------------------------------------

  /**
   * The vertex under the cursor within HANDLE_RADIUS_PX: of a selected shape first (the
   * layer's vertexAt), else of any shape on the slice, topmost first (vertex editing shows
   * every vertex, so every vertex can be grabbed).
   */
  private vertexNear(layer: ShapesLayer, view: LayerView, position: number[]): { shape: number; vertex: number } | null {
    const axes = [view.rowAxis, view.colAxis] as [number, number];
    const tolerance = screenLengthToData(view, HANDLE_RADIUS_PX);
    const selectedHit = layer.vertexAt(position, axes, tolerance);
    if (selectedHit) return selectedHit;
    const p: Point2 = [position[view.rowAxis], position[view.colAxis]];
    const onSlice = new Set(layer.visibleIndices(view.sliceIndex, axes));
    for (const shape of layer.drawOrder().reverse()) {
      if (!onSlice.has(shape)) continue;
      let best = -1;
      let bestDistance = tolerance;
      layer.displayedVertices(shape, axes).forEach(([r, c], vertex) => {
        const d = Math.hypot(r - p[0], c - p[1]);
        if (d <= bestDistance) [best, bestDistance] = [vertex, d];
      });
      if (best >= 0) return { shape, vertex: best };
    }
    return null;
  }

  /** The shape whose outline passes within PICK_RADIUS_PX (selected shapes only, or any when `anyShape`); nearest first. */
  private edgeNear(layer: ShapesLayer, view: LayerView, position: number[], anyShape: boolean): number | null {
    const axes = [view.rowAxis, view.colAxis] as [number, number];
    const p: Point2 = [position[view.rowAxis], position[view.colAxis]];
    const tolerance = screenLengthToData(view, PICK_RADIUS_PX);
    const selected = layer.selected;
    let best: number | null = null;
    let bestDistance = tolerance;
    for (const shape of layer.visibleIndices(view.sliceIndex, axes)) {
      if (!anyShape && !selected.has(shape)) continue;
      const type = layer.shape(shape).type;
      if (type === 'ellipse') continue; // an ellipse takes no vertices
      const d = distanceToShapeEdge(type, layer.displayedVertices(shape, axes), p);
      if (d <= bestDistance) [best, bestDistance] = [shape, d];
    }
    return best;
  }

  private finishDrawing(): void {
    const layer = this.drawing;
    this.drawing = null;
    if (layer?.draft) layer.commitDraft(); // too few vertices: the layer discards it
  }

  /** Runs a vertex edit the layer may refuse (a triangle cannot lose a vertex): the refusal is shown, not thrown. */
  private tryEdit<T>(edit: () => T): T | undefined {
    try {
      return edit();
    } catch (err) {
      this.context.showMessage?.(String((err as Error).message ?? err), false);
      return undefined;
    }
  }
}
