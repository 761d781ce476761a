import { IDisposable } from '@lumino/disposable';
import { CanvasSize, DataPoint, ScreenPoint } from '../model/camera';
import { OrthoViews, PlaneView } from '../model/orthoViews';
import { DRAG_THRESHOLD_PX } from './toolBase';

/**
 * Moves the linked cursor of orthogonal views from one of their planes: a click (a press
 * that travels less than the drag threshold) puts the cursor there; Shift+drag scrubs it
 * continuously. A plain drag is left to pan/zoom, which sees every event this tool does not
 * stop. Each move is one `OrthoViews.setCursor`, i.e. one step change of the model's dims.
 */
export class CursorTool implements IDisposable {
  private press: { pointerId: number; start: ScreenPoint; scrub: boolean } | null = null;
  private _isDisposed = false;

  constructor(
    private readonly element: HTMLElement,
    private readonly ortho: OrthoViews,
    private readonly view: PlaneView,
    private readonly size: () => CanvasSize
  ) {
    // Capture phase: a Shift+drag must be claimed before pan/zoom starts panning.
    element.addEventListener('pointerdown', this.onPointerDown, true);
    element.addEventListener('pointermove', this.onPointerMove, true);
    element.addEventListener('pointerup', this.onPointerUp, true);
    element.addEventListener('pointercancel', this.onPointerCancel, true);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    const e = this.element;
    e.removeEventListener('pointerdown', this.onPointerDown, true);
    e.removeEventListener('pointermove', this.onPointerMove, true);
    e.removeEventListener('pointerup', this.onPointerUp, true);
    e.removeEventListener('pointercancel', this.onPointerCancel, true);
  }

  /** The world point (this plane's row, col) under a canvas position. */
  worldAt(p: ScreenPoint): DataPoint {
    return this.view.camera.screenToData(p, this.size());
  }

  private position(event: MouseEvent): ScreenPoint {
    const rect = this.element.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    const scrub = event.shiftKey;
    this.press = { pointerId: event.pointerId, start: this.position(event), scrub };
    if (scrub) {
      this.element.setPointerCapture?.(event.pointerId);
      this.ortho.setCursor(this.view, this.worldAt(this.press.start));
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  };

  private onPointerMove = (event: PointerEvent): void => {
    if (!this.press?.scrub || event.pointerId !== this.press.pointerId) return;
    this.ortho.setCursor(this.view, this.worldAt(this.position(event)));
    event.stopImmediatePropagation();
  };

  private onPointerUp = (event: PointerEvent): void => {
    const press = this.press;
    if (!press || event.pointerId !== press.pointerId) return;
    this.press = null;
    const p = this.position(event);
    if (press.scrub) {
      this.element.releasePointerCapture?.(event.pointerId);
      event.stopImmediatePropagation();
    } else if (Math.hypot(p.x - press.start.x, p.y - press.start.y) < DRAG_THRESHOLD_PX) {
      this.ortho.setCursor(this.view, this.worldAt(p)); // a click, not the end of a pan
    }
  };

  private onPointerCancel = (): void => {
    this.press = null;
  };
}
