import { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { CanvasSize } from '../model/camera';
import { OrthoPlane, OrthoViews, PlaneView } from '../model/orthoViews';
import { ViewerModel } from '../model/viewerModel';
import { ImageRenderer } from '../render/imageRenderer';
import { OverlayDraft } from '../render/overlayDraft';
import { VectorOverlay } from '../render/vectorOverlay';
import { CursorTool } from '../tools/cursorTool';
import { DRAG_THRESHOLD_PX } from '../tools/toolBase';
import { FileDropTool } from '../tools/fileDrop';
import { LabelsTool } from '../tools/labelsTool';
import { DEFAULT_PAN_ZOOM, PanZoomOptions, PanZoomTool } from '../tools/panZoom';
import { PointsTool } from '../tools/pointsTool';
import { ShapesTool } from '../tools/shapesTool';
import { ToolContext } from '../tools/toolBase';
import { cursorReadout } from './cursorReadout';
import { ScaleBarView } from './scaleBar';

export interface CanvasViewOptions {
  panZoom?: () => PanZoomOptions;
  /** Where messages and refusals go (the status bar). */
  showMessage(text: string, isError: boolean): void;
  /** Called with the status line text for the pointer position ('' when it leaves). */
  setCursorText(text: string): void;
  /**
   * Makes this canvas one plane of orthogonal views: it shows that plane through its own
   * camera, navigates and moves the linked cursor, but has no editing tools (those act on the
   * main view). Left out: the model's own plane, with every tool.
   */
  ortho?: { views: OrthoViews; plane: OrthoPlane };
}

/**
 * The canvas part of a viewer: the WebGL2 raster layers (images, labels), the Canvas2D vector
 * overlay (points, shapes, tool drafts) stacked above it, and the tools that turn pointer and
 * keyboard input into model operations. Tools listen in the capture phase and stop what they
 * consume, so pan/zoom only gets the events no editing tool wanted.
 */
export class CanvasView extends Widget {
  readonly canvas = document.createElement('canvas');
  private readonly overlayNode = document.createElement('div');
  private readonly scaleBarView: ScaleBarView;
  private renderer: ImageRenderer | null = null;
  private vectors: VectorOverlay | null = null;
  private readonly tools: IDisposable[] = [];
  private frameRequested = 0;
  private viewFitted = false;
  private readonly resizeObserver: ResizeObserver;
  private lastPointer: { x: number; y: number } | null = null;
  /** What this canvas shows: the model's plane and camera, or an orthogonal plane's. */
  readonly plane: PlaneView;
  /** While orthogonal views are on, the linked cursor they share (drawn as a crosshair). */
  private linked: OrthoViews | null = null;
  /** An orthogonal plane's axis names ("z × x"), so users know which cut they look at. */
  private readonly planeLabel = document.createElement('div');
  /** Whether the last frame still missed tiles (uploads left for later, lazy regions on their way). */
  private pendingTiles = false;
  private fitting = false;
  private press: { x: number; y: number; pointerId: number } | null = null;
  /** Frame times (ms of main-thread render work), read by benchmarks through the DOM node. */
  readonly frameTimes: number[] = [];

  constructor(
    readonly model: ViewerModel,
    private readonly options: CanvasViewOptions
  ) {
    super();
    this.plane = options.ortho ? options.ortho.views.view(options.ortho.plane) : model;
    this.linked = options.ortho?.views ?? null;
    this.addClass('jp-SegLab-canvasHost');
    const host = this.node;
    host.tabIndex = 0; // keyboard navigation needs focus
    host.setAttribute('role', 'img');
    host.setAttribute('aria-label', 'SegLab image canvas: drag to pan, wheel or +/- to zoom, Home to reset');
    this.canvas.className = 'jp-SegLab-canvas';
    host.appendChild(this.canvas);
    // Benchmark hooks (bench/render.js reads main-thread render times and GPU tile memory).
    Object.defineProperty(host, 'seglabFrameTimes', { value: this.frameTimes });
    Object.defineProperty(host, 'seglabTileCache', { get: () => this.renderer?.tileCacheStats ?? null });
    Object.defineProperty(host, 'seglabPending', { get: () => this.pendingTiles });
    this.overlayNode.className = 'jp-SegLab-overlay';
    this.overlayNode.hidden = true;

    const context: ToolContext = {
      size: () => this.canvasSize(),
      setDraft: (draft: OverlayDraft | null) => this.vectors?.setDraft(draft),
      showMessage: options.showMessage
    };
    try {
      this.renderer = new ImageRenderer(this.canvas);
      this.vectors = new VectorOverlay();
      host.appendChild(this.vectors.canvas);
      const render = () => this.scheduleRender();
      if (options.ortho) {
        this.tools.push(new CursorTool(host, options.ortho.views, this.plane, () => this.canvasSize()));
      } else {
        // Editing tools first: their capture-phase listeners see events before pan/zoom.
        this.tools.push(new LabelsTool(host, model, context, render));
        this.tools.push(new PointsTool(host, model, context, render));
        this.tools.push(new ShapesTool(host, model, context, render));
      }
      this.tools.push(new PanZoomTool(host, this.plane, () => this.canvasSize(), () => this.resetView(), options.panZoom ?? (() => DEFAULT_PAN_ZOOM)));
    } catch (err) {
      options.showMessage(String((err as Error).message ?? err), true);
    }
    if (!options.ortho) this.tools.push(new FileDropTool(host, model, options.showMessage));
    host.appendChild(this.overlayNode);
    this.scaleBarView = new ScaleBarView(model.scaleBar);
    host.appendChild(this.scaleBarView.node);
    model.scaleBar.changed.connect(this.scheduleRender, this);

    model.layersChanged.connect(this.onLayersChanged, this);
    model.layerChanged.connect(this.scheduleRender, this);
    this.plane.camera.changed.connect(this.onViewChanged, this);
    this.plane.dims.stepChanged.connect(this.onViewChanged, this);
    this.plane.dims.orderChanged.connect(this.onViewChanged, this);
    // An orthogonal plane whose axes changed (transpose, a new depth axis) shows a new box.
    if (options.ortho) {
      this.planeLabel.className = 'jp-SegLab-planeLabel';
      host.appendChild(this.planeLabel);
      this.updatePlaneLabel();
      options.ortho.views.changed.connect(this.onPlaneAxesChanged, this);
      this.plane.dims.axisLabelsChanged.connect(this.updatePlaneLabel, this);
    }
    host.addEventListener('pointermove', this.onPointerMove);
    host.addEventListener('pointerleave', this.onPointerLeave);
    // Capture phase: tools stop the events they consume, and a click is a click whatever the tool.
    host.addEventListener('pointerdown', this.onPressForClick, true);
    host.addEventListener('pointerup', this.onReleaseForClick, true);
    // A view set from outside (the kernel's camera) is the user's: no refit on resize.
    model.camera.changed.connect(() => {
      if (!this.fitting) this.viewFitted = true;
    }, this);
    this.resizeObserver = new ResizeObserver(() => {
      if (!this.viewFitted) this.resetView();
      this.scheduleRender();
    });
    this.resizeObserver.observe(host);
  }

  dispose(): void {
    if (this.isDisposed) return;
    cancelAnimationFrame(this.frameRequested);
    this.resizeObserver.disconnect();
    for (const tool of this.tools) tool.dispose();
    this.renderer?.dispose();
    this.vectors?.dispose();
    this.scaleBarView.dispose();
    Signal.clearData(this); // the model's signals connected to this view
    this.node.removeEventListener('pointermove', this.onPointerMove);
    this.node.removeEventListener('pointerleave', this.onPointerLeave);
    this.node.removeEventListener('pointerdown', this.onPressForClick, true);
    this.node.removeEventListener('pointerup', this.onReleaseForClick, true);
    super.dispose();
  }

  /** Fits all layers into the canvas (napari's "reset view"). */
  resetView(): void {
    const extent = this.model.extentIn(this.plane.dims);
    const size = this.canvasSize();
    if (extent && size.width > 0 && size.height > 0) {
      this.fitting = true;
      try {
        this.plane.camera.fitExtent(extent, size);
      } finally {
        this.fitting = false;
      }
      this.viewFitted = true;
    }
  }

  /** Shows the linked cursor of orthogonal views over this (main) canvas; null hides it. */
  setLinkedCursor(views: OrthoViews | null): void {
    if (this.options.ortho) return; // an orthogonal plane always shows its own
    this.linked = views;
    this.scheduleRender();
  }

  /** Text over the canvas for errors that leave nothing to look at, and hints. '' hides it. */
  showOverlay(text: string, isError = false): void {
    this.overlayNode.textContent = text;
    this.overlayNode.hidden = text.length === 0;
    this.overlayNode.classList.toggle('jp-SegLab-overlayError', isError);
  }

  /**
   * What the viewer shows now, raster and vector layers composed, as straight RGBA bytes in
   * device pixels, rows top to bottom (napari's `screenshot(canvas_only=True)`).
   */
  screenshot(): ImageData {
    this.renderNow(Infinity); // every tile at the wanted level, however long the uploads take
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext('2d')!;
    ctx.drawImage(this.canvas, 0, 0); // WebGL canvas keeps its buffer (preserveDrawingBuffer)
    if (this.vectors) ctx.drawImage(this.vectors.canvas, 0, 0);
    return ctx.getImageData(0, 0, out.width, out.height);
  }

  canvasSize(): CanvasSize {
    return { width: this.node.clientWidth, height: this.node.clientHeight };
  }

  scheduleRender(): void {
    if (this.frameRequested || !this.renderer) return;
    this.frameRequested = requestAnimationFrame(() => {
      this.frameRequested = 0;
      this.renderNow();
    });
  }

  private renderNow(uploadBudgetMs?: number): void {
    const size = this.canvasSize();
    if (this.isDisposed || size.width === 0 || size.height === 0) return;
    const t0 = performance.now();
    let pending = false;
    try {
      const dpr = window.devicePixelRatio || 1;
      const view = this.plane;
      pending = this.renderer?.render(this.model, size, dpr, { uploadBudgetMs, view }) ?? false;
      const cursor = this.linked && !this.linked.isDisposed ? this.linked.cursorIn(view) : null;
      this.vectors?.render(this.model, size, dpr, { view, cursor });
      this.scaleBarView.update(view.camera.zoom);
    } catch (err) {
      this.options.showMessage(`rendering failed: ${(err as Error).message ?? err}`, true);
    }
    // Tiles left for later frames (a coarser level shows meanwhile): keep drawing until done.
    this.pendingTiles = pending;
    if (pending) this.scheduleRender();
    this.frameTimes.push(performance.now() - t0);
    if (this.frameTimes.length > 1000) this.frameTimes.splice(0, this.frameTimes.length - 1000);
  }

  private onLayersChanged(): void {
    if (this.model.layers.length === 0) this.viewFitted = false;
    if (!this.viewFitted) this.resetView();
    this.scheduleRender();
  }

  private updatePlaneLabel(): void {
    const labels = this.plane.dims.axisLabels;
    const [row, col] = this.plane.dims.displayed;
    const text = `${labels[row]} × ${labels[col]}`; // textContent: labels come from the user
    this.planeLabel.textContent = text;
    this.node.setAttribute('aria-label', `SegLab orthogonal view ${text} (rows × columns): click to move the linked cursor, Shift+drag to scrub, drag to pan, wheel to zoom`);
  }

  private onPlaneAxesChanged(): void {
    this.updatePlaneLabel();
    this.viewFitted = false;
    this.resetView();
    this.scheduleRender();
  }

  private onViewChanged(): void {
    this.updateCursorReadout();
    this.scheduleRender();
  }

  private onPointerMove = (event: PointerEvent): void => {
    const rect = this.node.getBoundingClientRect();
    this.lastPointer = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    this.updateCursorReadout();
  };

  private onPressForClick = (event: PointerEvent): void => {
    this.press = { x: event.clientX, y: event.clientY, pointerId: event.pointerId };
  };

  /** A press released within the drag threshold is a click: reported with its world point. */
  private onReleaseForClick = (event: PointerEvent): void => {
    const press = this.press;
    this.press = null;
    if (!press || press.pointerId !== event.pointerId || Math.hypot(event.clientX - press.x, event.clientY - press.y) >= DRAG_THRESHOLD_PX) return;
    const rect = this.node.getBoundingClientRect();
    const at = this.plane.camera.screenToData({ x: event.clientX - rect.left, y: event.clientY - rect.top }, this.canvasSize());
    const position = this.plane.dims.point;
    const [row, col] = this.plane.dims.displayed;
    position[row] = at.row;
    position[col] = at.col;
    const button = ({ 0: 1, 1: 3, 2: 2 } as Record<number, 1 | 2 | 3>)[event.button] ?? 1;
    const modifiers = (['Shift', 'Control', 'Alt', 'Meta'] as const).filter(m => event.getModifierState(m));
    this.model.reportClick({ position, button, modifiers });
  };

  private onPointerLeave = (): void => {
    this.lastPointer = null;
    this.options.setCursorText('');
  };

  /** The status line for the pointer (see cursorReadout). */
  private updateCursorReadout(): void {
    if (!this.lastPointer) return;
    const at = this.plane.camera.screenToData(this.lastPointer, this.canvasSize());
    this.options.setCursorText(cursorReadout(this.model, this.plane.dims, at, this.model.scaleBar.unit));
  }
}
