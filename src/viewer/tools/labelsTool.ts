import { Point2 } from '../../core/geometry/primitives';
import { Layer } from '../model/layerBase';
import { LabelsLayer } from '../model/labelsLayer';
import { LayerView, screenToData2 } from './coordinates';
import { DoubleClickDetector, LayerTool, ToolKey, ToolPointer } from './toolBase';

/**
 * Mouse editing of the active Labels layer, by its mode (napari's Labels tools):
 * - 'paint' / 'erase': press-drag-release is one brush stroke = one undo step;
 * - 'fill': click fills the connected region (2D or 3D by nEditDim);
 * - 'pick': click makes the label under the cursor the selected label;
 * - 'polygon': clicks add vertices (shown as a lasso), double-click or Enter paints the
 *   polygon with the selected label, Escape discards it.
 * All edits are LabelsLayer operations on data-space points, so undo/redo, the renderer's
 * dirty-rectangle upload and the kernel see exactly what a script calling them would do.
 *
 * Coordinates: on screen pixel k of a displayed axis spans [k, k+1); the labels model puts
 * pixel centres at integers (as napari), hence the half-pixel shift in `dataPoint`.
 */
export class LabelsTool extends LayerTool<LabelsLayer> {
  private stroking = false;
  private polygon: Point2[] = [];
  private readonly doubleClick = new DoubleClickDetector();

  handles(layer: Layer | undefined): layer is LabelsLayer {
    return layer instanceof LabelsLayer && layer.mode !== 'pan_zoom';
  }

  get busy(): boolean {
    return this.stroking || this.polygon.length > 0;
  }

  get cursor(): string {
    const mode = this.target?.mode;
    return mode === 'pick' ? 'copy' : mode === 'fill' ? 'cell' : 'crosshair';
  }

  protected onDown(layer: LabelsLayer, view: LayerView, p: ToolPointer): boolean {
    if (p.button !== 0) return false;
    if (layer.mode === 'pan_zoom') return false;
    const point = this.dataPoint(view, p);
    const axes = [view.rowAxis, view.colAxis];
    // Consumed even when refused (a click outside the image): it must not pan instead.
    this.guard(() => {
      switch (layer.mode) {
        case 'paint':
        case 'erase':
          layer.beginStroke();
          this.stroking = true;
          this.brush(layer, point, axes);
          break;
        case 'fill':
          if (this.inside(layer, point)) layer.fill(point, axes);
          break;
        case 'pick':
          if (this.inside(layer, point)) layer.pick(point);
          break;
        case 'polygon':
          if (this.doubleClick.press(p) && this.polygon.length >= 3) {
            this.commitPolygon(layer, view);
          } else {
            this.polygon.push([point[view.rowAxis], point[view.colAxis]]);
            this.showPolygon(layer, null);
          }
          break;
      }
    });
    return true;
  }

  protected onMove(layer: LabelsLayer, view: LayerView, p: ToolPointer, dragging: boolean): void {
    const point = this.dataPoint(view, p);
    if (this.stroking && dragging) {
      this.guard(() => this.brush(layer, point, [view.rowAxis, view.colAxis]));
    } else if (this.polygon.length) {
      this.showPolygon(layer, [point[view.rowAxis], point[view.colAxis]]);
    }
  }

  protected onUp(layer: LabelsLayer): void {
    if (this.stroking) {
      this.stroking = false;
      this.guard(() => layer.endStroke());
    }
  }

  protected onKey(layer: LabelsLayer, k: ToolKey): boolean {
    if (!this.polygon.length) return false;
    if (k.key === 'Escape') {
      this.onCancel();
      return true;
    }
    if (k.key === 'Enter') {
      const view = this.viewOf(layer);
      if (view && this.polygon.length >= 3) this.commitPolygon(layer, view);
      else this.onCancel();
      return true;
    }
    return false;
  }

  protected onCancel(): void {
    if (this.stroking) {
      this.stroking = false;
      // A cancelled stroke keeps what was painted (as napari does) and stays undoable.
      this.target?.endStroke();
    }
    if (this.polygon.length) {
      this.polygon = [];
      this.setDraft(null);
    }
    this.doubleClick.reset();
  }

  /** The nD data point under the cursor: pixel centres at integers, other axes at the slice. */
  private dataPoint(view: LayerView, p: ToolPointer): number[] {
    const [row, col] = screenToData2(view, p);
    const out = view.sliceIndex.slice();
    out[view.rowAxis] = row - 0.5;
    out[view.colAxis] = col - 0.5;
    return out;
  }

  private inside(layer: LabelsLayer, point: readonly number[]): boolean {
    return point.every((v, a) => Math.round(v) >= 0 && Math.round(v) < layer.shape[a]);
  }

  private brush(layer: LabelsLayer, point: number[], axes: number[]): void {
    if (layer.mode === 'erase') layer.eraseAt(point, axes);
    else layer.paintAt(point, axes);
  }

  private commitPolygon(layer: LabelsLayer, view: LayerView): void {
    const vertices = this.polygon;
    this.polygon = [];
    this.setDraft(null);
    this.guard(() => layer.paintPolygon(vertices, view.sliceIndex, [view.rowAxis, view.colAxis]));
  }

  private showPolygon(layer: LabelsLayer, cursor: Point2 | null): void {
    const points = cursor ? [...this.polygon, cursor] : this.polygon;
    // Drafts in layer space follow pixel edges; shift back from centres for display.
    const shown = points.map(([r, c]) => [r + 0.5, c + 0.5] as Point2);
    this.setDraft({ points: shown, space: layer, closed: true, kind: 'polyline', fill: 'rgba(255,255,255,0.15)', showVertices: true });
  }

  /** Runs an edit; a refused one (outside the image, id too large) goes to the status bar. */
  private guard<T>(edit: () => T): T | false {
    try {
      const result = edit();
      this.requestRender();
      return result;
    } catch (err) {
      this.context.showMessage?.(String((err as Error).message ?? err), true);
      return false;
    }
  }
}
