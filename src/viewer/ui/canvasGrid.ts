import { ISignal, Signal } from '@lumino/signaling';
import { Panel } from '@lumino/widgets';
import { OrthoPlane, OrthoViews } from '../model/orthoViews';
import { ViewerModel } from '../model/viewerModel';
import { CanvasView, CanvasViewOptions } from './canvasView';

/**
 * The canvas area of a viewer: the main view alone, or with orthogonal views laid out as
 * ImageJ's Orthogonal Views — (row, depth) to the right of the main view, sharing its rows,
 * and (depth, col) below it, sharing its columns — all three cutting through one linked
 * cursor (the model's dims point). Only the main view edits; the others navigate and move
 * the cursor (click, or Shift+drag).
 */
export class CanvasGrid extends Panel {
  readonly main: CanvasView;
  private ortho: { views: OrthoViews; panes: CanvasView[] } | null = null;
  private readonly _orthoChanged = new Signal<this, boolean>(this);

  /**
   * `decorate` is called with every canvas this grid creates (the main one at once, the
   * orthogonal ones when shown), e.g. to bind the viewer's keyboard shortcuts to it.
   */
  constructor(
    private readonly model: ViewerModel,
    private readonly canvasOptions: CanvasViewOptions,
    private readonly decorate: (view: CanvasView) => void = () => undefined
  ) {
    super();
    this.addClass('jp-SegLab-canvasGrid');
    this.main = new CanvasView(model, canvasOptions);
    this.main.addClass('jp-SegLab-plane-xy');
    this.addWidget(this.main);
    decorate(this.main);
  }

  /** Emitted with the new state when the orthogonal views open or close (also on their own). */
  get orthoChanged(): ISignal<this, boolean> {
    return this._orthoChanged;
  }

  get orthoActive(): boolean {
    return this.ortho !== null;
  }

  /** The orthogonal planes' canvases while they are shown (xz, then yz), else []. */
  get orthoPanes(): readonly CanvasView[] {
    return this.ortho?.panes ?? [];
  }

  /**
   * Shows or hides the orthogonal views; returns whether they are shown. Refused (with a
   * message, nothing changes) while the world has only two axes: there is no depth to cut.
   */
  setOrtho(on: boolean): boolean {
    if (on === this.orthoActive) return on;
    if (!on) {
      this.closeOrtho();
      return false;
    }
    const views = new OrthoViews(this.model);
    if (views.depthAxis === null) {
      views.dispose();
      this.canvasOptions.showMessage('orthogonal views need a third axis: add a 3D (or higher) image, labels, points or shapes layer', true);
      return false;
    }
    const pane = (plane: OrthoPlane) => {
      const view = new CanvasView(this.model, { ...this.canvasOptions, ortho: { views, plane } });
      view.addClass(`jp-SegLab-plane-${plane}`);
      this.decorate(view);
      return view;
    };
    const panes = [pane('xz'), pane('yz')];
    panes.forEach(p => this.addWidget(p));
    this.ortho = { views, panes };
    this.addClass('jp-mod-ortho');
    this.main.setLinkedCursor(views);
    this._orthoChanged.emit(true);
    // The world lost its depth axis (the 3D layers were removed): back to one view.
    views.changed.connect(() => {
      if (views.depthAxis === null) {
        this.closeOrtho();
        this.canvasOptions.showMessage('orthogonal views closed: no layer has a third axis any more', false);
      }
    });
    return true;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.closeOrtho();
    super.dispose();
  }

  private closeOrtho(): void {
    if (!this.ortho) return;
    const { views, panes } = this.ortho;
    this.ortho = null;
    panes.forEach(p => p.dispose());
    views.dispose();
    this.removeClass('jp-mod-ortho');
    if (!this.main.isDisposed) this.main.setLinkedCursor(null);
    this._orthoChanged.emit(false);
  }
}
