import { IDisposable } from '@lumino/disposable';
import { Camera, CanvasSize, ScreenPoint } from '../model/camera';

export interface PanZoomOptions {
  /** Zoom factor per 100 px of wheel movement (napari-like feel). */
  wheelZoomFactor: number;
  /** Canvas pixels moved per arrow-key press. */
  keyPanStep: number;
}

export const DEFAULT_PAN_ZOOM: PanZoomOptions = { wheelZoomFactor: 1.25, keyPanStep: 50 };

/**
 * Mouse and keyboard navigation: drag to pan, wheel to zoom about the cursor, arrow keys to pan,
 * +/- to zoom about the centre, Home or Ctrl+R to reset the view (napari's shortcut).
 * Every gesture is one camera operation on the model, so the same moves work from code.
 */
export class PanZoomTool implements IDisposable {
  private dragging: { pointerId: number; last: ScreenPoint } | null = null;
  private _isDisposed = false;

  constructor(
    private readonly element: HTMLElement,
    /** The view whose camera moves: the viewer model, or one orthogonal plane. */
    private readonly model: { readonly camera: Camera },
    private readonly size: () => CanvasSize,
    private readonly resetView: () => void,
    private readonly options: () => PanZoomOptions = () => DEFAULT_PAN_ZOOM
  ) {
    element.addEventListener('pointerdown', this.onPointerDown);
    element.addEventListener('pointermove', this.onPointerMove);
    element.addEventListener('pointerup', this.onPointerUp);
    element.addEventListener('pointercancel', this.onPointerUp);
    element.addEventListener('wheel', this.onWheel, { passive: false });
    element.addEventListener('keydown', this.onKeyDown);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    const e = this.element;
    e.removeEventListener('pointerdown', this.onPointerDown);
    e.removeEventListener('pointermove', this.onPointerMove);
    e.removeEventListener('pointerup', this.onPointerUp);
    e.removeEventListener('pointercancel', this.onPointerUp);
    e.removeEventListener('wheel', this.onWheel);
    e.removeEventListener('keydown', this.onKeyDown);
  }

  private position(event: MouseEvent): ScreenPoint {
    const rect = this.element.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    this.element.focus();
    this.element.setPointerCapture?.(event.pointerId);
    this.dragging = { pointerId: event.pointerId, last: this.position(event) };
    event.preventDefault();
  };

  private onPointerMove = (event: PointerEvent): void => {
    if (!this.dragging || event.pointerId !== this.dragging.pointerId) return;
    const p = this.position(event);
    this.model.camera.panBy(p.x - this.dragging.last.x, p.y - this.dragging.last.y);
    this.dragging.last = p;
  };

  private onPointerUp = (event: PointerEvent): void => {
    if (this.dragging && event.pointerId === this.dragging.pointerId) {
      this.element.releasePointerCapture?.(event.pointerId);
      this.dragging = null;
    }
  };

  private onWheel = (event: WheelEvent): void => {
    event.preventDefault(); // keep the notebook from scrolling while zooming
    // deltaMode 1 is lines (Firefox), 0 pixels: normalise to pixels.
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    const factor = Math.pow(this.options().wheelZoomFactor, -delta / 100);
    this.model.camera.zoomAt(factor, this.position(event), this.size());
  };

  private onKeyDown = (event: KeyboardEvent): void => {
    const step = this.options().keyPanStep;
    const size = this.size();
    const centre = { x: size.width / 2, y: size.height / 2 };
    const camera = this.model.camera;
    const actions: Record<string, () => void> = {
      ArrowLeft: () => camera.panBy(step, 0),
      ArrowRight: () => camera.panBy(-step, 0),
      ArrowUp: () => camera.panBy(0, step),
      ArrowDown: () => camera.panBy(0, -step),
      '+': () => camera.zoomAt(1.25, centre, size),
      '=': () => camera.zoomAt(1.25, centre, size),
      '-': () => camera.zoomAt(1 / 1.25, centre, size),
      Home: () => this.resetView()
    };
    const action = event.ctrlKey && event.key === 'r' ? this.resetView : actions[event.key];
    if (action && !event.altKey && !event.metaKey) {
      action();
      event.preventDefault();
      event.stopPropagation(); // JupyterLab would otherwise treat arrows/+/- as notebook commands
    }
  };
}
