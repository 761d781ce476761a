import { IDisposable } from '@lumino/disposable';
import { CanvasSize, ScreenPoint } from '../model/camera';
import { Layer } from '../model/layerBase';
import { ViewerModel } from '../model/viewerModel';
import type { OverlayDraft } from '../render/overlayDraft';
import { LayerView, layerView } from './coordinates';

/**
 * A pointer event reduced to what tools decide on, in canvas CSS pixels. Tests drive tools
 * with these; the DOM listeners build them from PointerEvents.
 */
export interface ToolPointer {
  readonly x: number;
  readonly y: number;
  readonly pointerId: number;
  /** 0 primary, 1 middle, 2 secondary (as MouseEvent.button). */
  readonly button: number;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  /** Milliseconds, for telling a double click from two clicks. */
  readonly timeStamp: number;
}

export interface ToolKey {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
}

/** What a tool needs of the view besides the model: the canvas size and where drafts go. */
export interface ToolContext {
  /** Canvas size in CSS pixels (the element's client size). */
  size(): CanvasSize;
  /** Shows a transient outline (selection box, polygon in progress) in the vector overlay. */
  setDraft?(draft: OverlayDraft | null): void;
  /** Tells the user why an edit was refused (e.g. a triangle cannot lose a vertex): the status bar. */
  showMessage?(text: string, isError: boolean): void;
}

export interface ToolOptions {
  /**
   * Attach DOM listeners to the element (default true). They listen in the capture phase and
   * stop the events they consume, so a PanZoomTool on the same element never sees them. A
   * router that dispatches itself passes false and calls the handle* methods.
   */
  attach?: boolean;
}

/** Screen distance (CSS px) a press must travel before it counts as a drag, not a click. */
export const DRAG_THRESHOLD_PX = 4;
/** Two presses closer than this in time (ms) and space (px) are a double click. */
export const DOUBLE_CLICK_MS = 400;
export const DOUBLE_CLICK_PX = 6;
/** Minimum pick radius in screen pixels, so tiny points and thin edges stay clickable. */
export const PICK_RADIUS_PX = 5;

export function pointerDistance(a: ScreenPoint, b: ScreenPoint): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Detects double clicks from successive presses (pointerdown's `detail` is not reliable across browsers). */
export class DoubleClickDetector {
  private last: { x: number; y: number; t: number } | null = null;

  /** Call on each primary press; true when it completes a double click (the pair is then consumed). */
  press(p: ToolPointer): boolean {
    const last = this.last;
    if (last && p.timeStamp - last.t <= DOUBLE_CLICK_MS && pointerDistance(last, p) <= DOUBLE_CLICK_PX) {
      this.last = null;
      return true;
    }
    this.last = { x: p.x, y: p.y, t: p.timeStamp };
    return false;
  }

  reset(): void {
    this.last = null;
  }
}

/**
 * Shared plumbing of the layer-editing tools: which layer they act on, the DOM listeners and
 * their arbitration with pan/zoom, pointer capture, and the space-bar override (hold Space
 * to pan with any tool, as in napari). Subclasses implement the gestures in onDown/onMove/
 * onUp/onKey and act only through model operations.
 */
export abstract class LayerTool<L extends Layer> implements IDisposable {
  /**
   * Whether the layer's data coordinate k is the centre of pixel k (points, shapes: napari's
   * convention) rather than its edge (see LayerViewOptions.pixelCentres).
   */
  protected readonly pixelCentres: boolean = false;
  /** The pointer whose press this tool consumed, until it is released. */
  protected pressed: number | null = null;
  private spaceHeld = false;
  /** The cursor this tool last put on the element, until it takes it off. */
  private cursorSet: string | null = null;
  private _isDisposed = false;
  private readonly attached: boolean;

  constructor(
    protected readonly element: HTMLElement,
    protected readonly model: ViewerModel,
    protected readonly context: ToolContext,
    protected readonly requestRender: () => void,
    options: ToolOptions = {}
  ) {
    this.attached = options.attach ?? true;
    if (this.attached) {
      element.addEventListener('pointerdown', this.domPointerDown, true);
      element.addEventListener('pointermove', this.domPointerMove, true);
      element.addEventListener('pointerup', this.domPointerUp, true);
      element.addEventListener('pointercancel', this.domPointerCancel, true);
      element.addEventListener('lostpointercapture', this.domPointerCancel, true);
      element.addEventListener('keydown', this.domKeyDown, true);
      element.addEventListener('keyup', this.domKeyUp, true);
      element.addEventListener('blur', this.domBlur, true);
    }
    model.selectionChanged.connect(this.onActiveLayerChanged, this);
    model.layersChanged.connect(this.onActiveLayerChanged, this);
  }

  /** Whether this tool edits `layer` in its current mode (false for 'pan_zoom' and other kinds). */
  abstract handles(layer: Layer | undefined): layer is L;

  /** The layer the tool acts on now, or null when pan/zoom should get the events. */
  get target(): L | null {
    const layer = this.model.activeLayer;
    return this.handles(layer) && layer.visible && !this.spaceHeld ? layer : null;
  }

  /** Whether the active layer is this tool's and in an editing mode. */
  get active(): boolean {
    return this.target !== null;
  }

  /** Whether a gesture (drag, drawing) is under way. */
  abstract get busy(): boolean;

  /** CSS cursor for the canvas while this tool is active. */
  abstract get cursor(): string;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this.cancel();
    this._isDisposed = true;
    const e = this.element;
    if (this.attached) {
      e.removeEventListener('pointerdown', this.domPointerDown, true);
      e.removeEventListener('pointermove', this.domPointerMove, true);
      e.removeEventListener('pointerup', this.domPointerUp, true);
      e.removeEventListener('pointercancel', this.domPointerCancel, true);
      e.removeEventListener('lostpointercapture', this.domPointerCancel, true);
      e.removeEventListener('keydown', this.domKeyDown, true);
      e.removeEventListener('keyup', this.domKeyUp, true);
      e.removeEventListener('blur', this.domBlur, true);
    }
    this.model.selectionChanged.disconnect(this.onActiveLayerChanged, this);
    this.model.layersChanged.disconnect(this.onActiveLayerChanged, this);
  }

  /** The target layer's view for the current camera and slice, or null if not drawable now. */
  protected viewOf(layer: L): LayerView | null {
    return layerView(layer, this.model.camera, this.model.dims, this.context.size(), { pixelCentres: this.pixelCentres });
  }

  protected setDraft(draft: OverlayDraft | null): void {
    this.context.setDraft?.(draft);
    this.requestRender();
  }

  // ---- the router's entry points: true = consumed (do not give it to pan/zoom) -------------

  handlePointerDown(p: ToolPointer): boolean {
    if (this._isDisposed || this.pressed !== null) return false;
    const layer = this.target;
    const view = layer && this.viewOf(layer);
    if (!layer || !view) return false;
    if (!this.onDown(layer, view, p)) return false;
    this.pressed = p.pointerId;
    return true;
  }

  handlePointerMove(p: ToolPointer): boolean {
    if (this._isDisposed) return false;
    const dragging = this.pressed !== null && p.pointerId === this.pressed;
    if (!dragging && !this.busy) {
      if (this.pressed === null && this.target) this.onHover(p);
      return false; // hover is never consumed, so nothing is taken from pan/zoom
    }
    const layer = this.target;
    const view = layer && this.viewOf(layer);
    if (!layer || !view) {
      this.cancel();
      return dragging;
    }
    this.onMove(layer, view, p, dragging);
    return dragging;
  }

  handlePointerUp(p: ToolPointer): boolean {
    if (this._isDisposed || this.pressed === null || p.pointerId !== this.pressed) return false;
    this.pressed = null;
    const layer = this.target;
    const view = layer && this.viewOf(layer);
    if (!layer || !view) this.cancel();
    else this.onUp(layer, view, p);
    return true;
  }

  /** Ends any gesture without its final step (pointer cancelled, Escape, layer switched). */
  cancel(): void {
    this.pressed = null;
    this.onCancel();
  }

  handleKeyDown(k: ToolKey): boolean {
    if (this._isDisposed) return false;
    if (k.key === ' ' && !this.busy) {
      // Space held: pan/zoom takes over until it is released, napari's temporary pan.
      this.spaceHeld = true;
      return false;
    }
    const layer = this.target;
    if (!layer) return false;
    return this.onKey(layer, k);
  }

  handleKeyUp(k: ToolKey): boolean {
    if (k.key === ' ') this.spaceHeld = false;
    return false;
  }

  protected abstract onDown(layer: L, view: LayerView, p: ToolPointer): boolean;
  /** A move while pressed (`dragging`), or while a multi-click gesture (polygon) is open. */
  protected abstract onMove(layer: L, view: LayerView, p: ToolPointer, dragging: boolean): void;
  protected abstract onUp(layer: L, view: LayerView, p: ToolPointer): void;
  protected abstract onKey(layer: L, k: ToolKey): boolean;
  protected abstract onCancel(): void;
  protected onHover(_p: ToolPointer): void {
    // Subclasses may show hover feedback.
  }

  private onActiveLayerChanged(): void {
    if (this.busy) this.cancel();
  }

  // ---- DOM wiring ------------------------------------------------------------------------

  private toPointer(event: PointerEvent): ToolPointer {
    const rect = this.element.getBoundingClientRect();
    return {
      x: event.clientX - rect.left,
      y: event.clientY - rect.top,
      pointerId: event.pointerId,
      button: event.button,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      timeStamp: event.timeStamp
    };
  }

  private domPointerDown = (event: PointerEvent): void => {
    if (!this.handlePointerDown(this.toPointer(event))) return;
    this.element.focus?.();
    // Capture so a drag that leaves the canvas still ends here; the browser releases it on up.
    this.element.setPointerCapture?.(event.pointerId);
    event.preventDefault();
    event.stopPropagation();
  };

  // Moves and releases are not stopped: pan/zoom only acts on them after a pointerdown it
  // received, and the status bar's cursor readout keeps following the pointer during drags.
  private domPointerMove = (event: PointerEvent): void => {
    if (this.handlePointerMove(this.toPointer(event))) return;
    // Several tools share the element: each only sets the cursor while its layer is active
    // and only clears a cursor it set itself.
    const style = this.element.style;
    if (this.target) {
      if (style.cursor !== this.cursor) style.cursor = this.cursor;
      this.cursorSet = this.cursor;
    } else if (this.cursorSet !== null) {
      if (style.cursor === this.cursorSet) style.cursor = '';
      this.cursorSet = null;
    }
  };

  private domPointerUp = (event: PointerEvent): void => {
    if (this.handlePointerUp(this.toPointer(event))) this.element.releasePointerCapture?.(event.pointerId);
  };

  // pointercancel, or capture lost while still pressed (lostpointercapture after a normal
  // pointerup arrives when `pressed` is already null and is ignored).
  private domPointerCancel = (event: PointerEvent): void => {
    if (this.pressed !== null && event.pointerId === this.pressed) this.cancel();
  };

  private domKeyDown = (event: KeyboardEvent): void => {
    if (this.handleKeyDown(event)) {
      event.preventDefault();
      event.stopPropagation(); // JupyterLab would treat Backspace, Enter, Escape as notebook commands
    }
  };

  private domKeyUp = (event: KeyboardEvent): void => {
    this.handleKeyUp(event);
  };

  private domBlur = (): void => {
    this.spaceHeld = false;
  };
}
