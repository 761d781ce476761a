import { Widget } from '@lumino/widgets';
import { describeBackend, probeComputeBackend } from '../../compute/backend';
import { CanvasSize } from '../model/camera';
import { ViewerModel } from '../model/viewerModel';
import { ImageRenderer } from '../render/imageRenderer';
import { FileDropTool } from '../tools/fileDrop';
import { DEFAULT_PAN_ZOOM, PanZoomOptions, PanZoomTool } from '../tools/panZoom';
import { ViewerStatusBar } from './statusBar';

export interface ViewerWidgetOptions {
  panZoom?: () => PanZoomOptions;
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toPrecision(5);
}

/**
 * One view of a ViewerModel: a WebGL2 canvas with pan/zoom and a status line. Several widgets
 * may show the same model (a notebook output and a main-area panel); each only observes it.
 */
export class ViewerWidget extends Widget {
  readonly model: ViewerModel;
  readonly statusBar = new ViewerStatusBar();
  private readonly canvasHost = document.createElement('div');
  private readonly canvas = document.createElement('canvas');
  private readonly overlay = document.createElement('div');
  private renderer: ImageRenderer | null = null;
  private tool: PanZoomTool | null = null;
  private readonly dropTool: FileDropTool;
  private frameRequested = 0;
  private viewFitted = false;
  private readonly resizeObserver: ResizeObserver;
  private lastPointer: { x: number; y: number } | null = null;

  constructor(model: ViewerModel, options: ViewerWidgetOptions = {}) {
    super();
    this.model = model;
    this.addClass('jp-SegLab-viewer');
    this.canvasHost.className = 'jp-SegLab-canvasHost';
    this.canvasHost.tabIndex = 0; // keyboard navigation needs focus
    this.canvasHost.setAttribute('role', 'img');
    this.canvasHost.setAttribute('aria-label', 'SegLab image canvas: drag to pan, wheel or +/- to zoom, Home to reset');
    this.canvas.className = 'jp-SegLab-canvas';
    this.canvasHost.appendChild(this.canvas);
    this.overlay.className = 'jp-SegLab-overlay';
    this.overlay.hidden = true;
    this.canvasHost.appendChild(this.overlay);
    this.node.appendChild(this.canvasHost);
    this.node.appendChild(this.statusBar.node);

    try {
      this.renderer = new ImageRenderer(this.canvas);
      this.tool = new PanZoomTool(this.canvasHost, model, () => this.canvasSize(), () => this.resetView(), options.panZoom ?? (() => DEFAULT_PAN_ZOOM));
    } catch (err) {
      this.statusBar.setMessage(String((err as Error).message ?? err), true);
    }
    this.dropTool = new FileDropTool(this.canvasHost, model, (text, isError) => this.showMessage(text, isError));
    model.layersChanged.connect(this.onLayersChanged, this);
    model.layerChanged.connect(this.scheduleRender, this);
    model.camera.changed.connect(this.onCameraChanged, this);
    this.canvasHost.addEventListener('pointermove', this.onPointerMove);
    this.canvasHost.addEventListener('pointerleave', this.onPointerLeave);
    this.resizeObserver = new ResizeObserver(() => {
      this.fitOnceVisible();
      this.scheduleRender();
    });
    this.resizeObserver.observe(this.canvasHost);
    void probeComputeBackend().then(info => {
      if (!this.isDisposed) this.statusBar.setBackend(describeBackend(info), JSON.stringify(info, null, 1));
    });
  }

  dispose(): void {
    if (this.isDisposed) return;
    cancelAnimationFrame(this.frameRequested);
    this.resizeObserver.disconnect();
    this.tool?.dispose();
    this.dropTool.dispose();
    this.renderer?.dispose();
    this.canvasHost.removeEventListener('pointermove', this.onPointerMove);
    this.canvasHost.removeEventListener('pointerleave', this.onPointerLeave);
    super.dispose();
  }

  /** Fits all layers into the canvas (napari's "reset view"). */
  resetView(): void {
    const extent = this.model.extent;
    const size = this.canvasSize();
    if (extent && size.width > 0 && size.height > 0) {
      this.model.camera.fit(extent.rows, extent.cols, size);
      this.viewFitted = true;
    }
  }

  /** Shows a message (or an error) in the status line. */
  showMessage(text: string, isError = false): void {
    this.statusBar.setMessage(text, isError);
  }

  /**
   * Shows text over the canvas: for errors that leave nothing to look at (a file that could not
   * be decoded) and for hints in an empty viewer. An empty string hides it.
   */
  showOverlay(text: string, isError = false): void {
    this.overlay.textContent = text;
    this.overlay.hidden = text.length === 0;
    this.overlay.classList.toggle('jp-SegLab-overlayError', isError);
    if (isError) this.statusBar.setMessage(text, true);
  }

  private canvasSize(): CanvasSize {
    return { width: this.canvasHost.clientWidth, height: this.canvasHost.clientHeight };
  }

  private fitOnceVisible(): void {
    if (!this.viewFitted) this.resetView();
  }

  private onLayersChanged(): void {
    if (this.model.layers.length === 0) this.viewFitted = false;
    this.fitOnceVisible();
    this.scheduleRender();
  }

  private onCameraChanged(): void {
    this.updateCursorReadout();
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (this.frameRequested || !this.renderer) return;
    this.frameRequested = requestAnimationFrame(() => {
      this.frameRequested = 0;
      const size = this.canvasSize();
      if (this.isDisposed || size.width === 0 || size.height === 0) return;
      try {
        this.renderer?.render(this.model, size, window.devicePixelRatio || 1);
      } catch (err) {
        this.statusBar.setMessage(`rendering failed: ${(err as Error).message ?? err}`, true);
      }
    });
  }

  private onPointerMove = (event: PointerEvent): void => {
    const rect = this.canvasHost.getBoundingClientRect();
    this.lastPointer = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    this.updateCursorReadout();
  };

  private onPointerLeave = (): void => {
    this.lastPointer = null;
    this.statusBar.setCursor('');
  };

  private updateCursorReadout(): void {
    if (!this.lastPointer) return;
    const p = this.model.camera.screenToData(this.lastPointer, this.canvasSize());
    const row = Math.floor(p.row);
    const col = Math.floor(p.col);
    const parts = [`[${row}, ${col}]`];
    for (const layer of this.model.layers) {
      const values = layer.visible ? layer.valueAt(row, col) : null;
      if (values) {
        const shown = values.length === 1 ? formatValue(values[0]) : `(${values.map(formatValue).join(', ')})`;
        parts.push(`${layer.name}: ${shown}`);
      }
    }
    this.statusBar.setCursor(parts.join('  '));
  }
}
