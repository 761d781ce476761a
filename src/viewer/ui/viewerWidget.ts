import { Panel, Widget } from '@lumino/widgets';
import { describeBackend, probeComputeBackend } from '../../compute/backend';
import { NDArray } from '../../core/ndarray';
import { LabelsLayer } from '../model/labelsLayer';
import { Layer } from '../model/layerBase';
import { PointsLayer } from '../model/pointsLayer';
import { ShapesLayer } from '../model/shapesLayer';
import { ViewerModel } from '../model/viewerModel';
import { PanZoomOptions } from '../tools/panZoom';
import { CanvasGrid } from './canvasGrid';
import { CanvasView } from './canvasView';
import { DimsSliders } from './dimsSliders';
import { runShortcut } from './shortcutActions';
import { matchShortcut, ShortcutOverrides } from './shortcuts';
import { ViewerSidePanel } from './sidePanel';
import { ViewerStatusBar } from './statusBar';
import { ViewerToolbar } from './toolbar';

export interface ViewerWidgetOptions {
  panZoom?: () => PanZoomOptions;
  /** The user's key binding overrides (settings), read on every key press. */
  shortcuts?: () => ShortcutOverrides;
  /** Start with the side panel (layer list and controls) collapsed, e.g. in small outputs. */
  sidePanelCollapsed?: boolean;
}

/**
 * A workflow's hook into the viewer's keys (src/apps adds tools this layer cannot know): its
 * `segment.*` shortcuts are live while `active()` and go to `run`.
 */
export interface ViewerToolExtension {
  active(): boolean;
  run(actionId: string): boolean;
}

/**
 * One view of a ViewerModel, laid out as napari: tools above the canvas, layer controls and
 * the layer list beside it, dims sliders and the status line below. Several widgets may show
 * the same model (a notebook output and a main-area panel); each only observes and edits it.
 */
export class ViewerWidget extends Panel {
  readonly model: ViewerModel;
  readonly statusBar = new ViewerStatusBar();
  /** The main (editing) canvas. */
  readonly canvasView: CanvasView;
  private readonly canvases: CanvasGrid;
  private readonly toolbar: ViewerToolbar;
  private readonly sidePanel: ViewerSidePanel;
  private readonly dims: DimsSliders;
  private sliderAxis: number | null = null;
  /** Workflows' key hooks; the first active one gets the tool scope's keys. */
  private readonly toolExtensions: ViewerToolExtension[] = [];

  constructor(model: ViewerModel, options: ViewerWidgetOptions = {}) {
    super();
    this.model = model;
    this.addClass('jp-SegLab-viewer');
    const message = (text: string, isError: boolean) => this.showMessage(text, isError);
    this.canvases = new CanvasGrid(
      model,
      { panZoom: options.panZoom, showMessage: message, setCursorText: text => this.statusBar.setCursor(text) },
      view => {
        // Capture phase on the canvas: after the editing tools (registered earlier, they keep
        // Enter/Escape/Delete for their gestures), before pan/zoom's own arrow keys.
        view.node.addEventListener('keydown', event => this.onKeyDown(event, options.shortcuts), true);
        view.node.addEventListener('pointerdown', () => view.node.focus());
      }
    );
    this.canvasView = this.canvases.main;
    this.canvases.orthoChanged.connect((_, on) => this.toolbar.setOrthoViews(on));
    this.toolbar = new ViewerToolbar(model, {
      onScreenshot: () => this.downloadScreenshot(),
      onToggleOrthoViews: () => this.toggleOrthoViews(),
      shortcuts: options.shortcuts
    });
    this.sidePanel = new ViewerSidePanel(model, {
      onNewLabels: source => this.addEmptyLayer('labels', source),
      onNewPoints: source => this.addEmptyLayer('points', source),
      onNewShapes: source => this.addEmptyLayer('shapes', source),
      onMessage: message,
      collapsed: options.sidePanelCollapsed
    });
    this.dims = new DimsSliders(model);
    const body = new Panel();
    body.addClass('jp-SegLab-body');
    body.addWidget(this.sidePanel);
    body.addWidget(this.canvases);
    this.addWidget(this.toolbar);
    this.addWidget(body);
    this.addWidget(this.dims);
    this.addWidget(this.statusBar);

    void probeComputeBackend().then(info => {
      if (!this.isDisposed) this.statusBar.setBackend(describeBackend(info), JSON.stringify(info, null, 1));
    });
  }

  /** A workflow's toolbar buttons (before undo/redo) and, optionally, its keys; see ViewerToolExtension. */
  addTool(buttons: HTMLElement, extension?: ViewerToolExtension): void {
    this.toolbar.addExtra(buttons);
    if (extension) this.toolExtensions.push(extension);
  }

  /** A workflow's bar under the toolbar (the segment tool's model and backend line). */
  addBar(widget: Widget): void {
    this.insertWidget(1, widget);
  }

  /** Fits all layers into the canvas (napari's "reset view"), in every plane shown. */
  resetView(): void {
    this.canvasView.resetView();
    for (const pane of this.canvases.orthoPanes) pane.resetView();
  }

  /** Whether the orthogonal views (XZ, YZ beside the main view) are shown. */
  get orthoViews(): boolean {
    return this.canvases.orthoActive;
  }

  set orthoViews(on: boolean) {
    this.canvases.setOrtho(on);
  }

  toggleOrthoViews(): void {
    this.orthoViews = !this.orthoViews;
  }

  /** Shows the progress of a transfer (a bar in the status line, with a cancel button when `cancel` is given); null hides it. */
  showProgress(label: string | null, fraction = 0, cancel?: () => void): void {
    this.statusBar.setProgress(label, fraction, cancel);
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
    this.canvasView.showOverlay(text, isError);
    if (isError) this.statusBar.setMessage(text, true);
  }

  /** The canvas as RGBA bytes (device pixels), what `viewer.screenshot()` returns in Python. */
  screenshot(): NDArray {
    const image = this.canvasView.screenshot();
    const bytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    return { dtype: 'uint8', shape: [image.height, image.width, 4], data: bytes };
  }

  private downloadScreenshot(): void {
    const image = this.canvasView.screenshot();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.getContext('2d')!.putImageData(image, 0, 0);
    canvas.toBlob(blob => {
      if (!blob) return this.showMessage('could not encode the screenshot as PNG', true);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'seglab-screenshot.png';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    }, 'image/png');
  }

  private onKeyDown(event: KeyboardEvent, shortcuts?: () => ShortcutOverrides): void {
    const tool = this.toolExtensions.find(t => t.active()) ?? this.toolExtensions[0];
    const action = matchShortcut(event, this.model.activeLayer?.kind ?? null, shortcuts?.() ?? {}, tool?.active() ?? false);
    const handled = runShortcut(this.model, action, {
      segmentAction: tool ? id => tool.run(id) : undefined,
      resetView: () => this.resetView(),
      toggleOrthoViews: () => this.toggleOrthoViews(),
      sliderAxis: () => this.sliderAxis,
      setSliderAxis: axis => (this.sliderAxis = axis),
      showMessage: (text, isError) => this.showMessage(text, isError)
    });
    if (handled) {
      event.preventDefault();
      event.stopImmediatePropagation(); // pan/zoom listens on the same element
    }
  }

  /** napari's "new labels/points/shapes layer" buttons: sized and placed like `source`. */
  private addEmptyLayer(kind: 'labels' | 'points' | 'shapes', source: Layer | undefined): void {
    const model = this.model;
    const reference = source ?? model.layers[model.layers.length - 1];
    const placement = reference ? { scale: reference.scale, translate: reference.translate } : {};
    try {
      if (kind === 'labels') {
        if (!reference) return this.showMessage('add an image first: a new labels layer takes its shape', true);
        const shape = reference.dataExtent.map(([lo, hi]) => Math.max(1, Math.ceil(hi - lo)));
        const size = shape.reduce((a, b) => a * b, 1);
        const data: NDArray = { dtype: 'int32', shape, data: new Int32Array(size) };
        model.addLayer(new LabelsLayer(data, { id: model.newLayerId(), name: 'Labels', ...placement }));
      } else {
        const ndim = reference ? reference.ndim : 2;
        const options = { id: model.newLayerId(), ndim, ...(reference ? placement : {}) };
        model.addLayer(kind === 'points' ? new PointsLayer({ ...options, name: 'Points' }) : new ShapesLayer({ ...options, name: 'Shapes' }));
      }
    } catch (err) {
      this.showMessage(String((err as Error).message ?? err), true);
    }
  }
}
