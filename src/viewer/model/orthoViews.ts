import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import { Camera, DataPoint } from './camera';
import { Dims } from './dims';
import { ViewerModel } from './viewerModel';

/**
 * What one canvas shows of a viewer: a plane of its world (the `dims` say which axes are
 * displayed and where every other axis is cut) and a camera on that plane. The main view is
 * `{ camera: model.camera, dims: model.dims }`; orthogonal views have dims of their own that
 * stay linked to the model's.
 */
export interface PlaneView {
  readonly camera: Camera;
  readonly dims: Dims;
}

export type OrthoPlane = 'xz' | 'yz';

/**
 * Orthogonal views of an nD viewer, as medical and volume users expect (ImageJ's
 * Orthogonal Views, ITK-SNAP, 3D Slicer): beside the main (row, col) plane, the (depth, col)
 * plane below it and the (row, depth) plane to its right, where depth is the sliced axis
 * nearest the displayed ones (napari's "z": the last slider). The three cut through one
 * world point, the linked cursor, which is simply the model's `dims.point`: its displayed
 * coordinates in the main view (napari keeps a step for every axis) and the depth slice.
 * Moving the cursor in any plane is a step change of the model's dims, so sliders, the
 * kernel and every other view follow without knowing that orthogonal views exist.
 *
 * Each orthogonal plane has a Dims of its own whose ranges, labels and steps mirror the
 * model's both ways and whose order puts its two axes last; and its own camera.
 */
export class OrthoViews implements IDisposable {
  readonly xz: PlaneView = { camera: new Camera(), dims: new Dims() };
  readonly yz: PlaneView = { camera: new Camera(), dims: new Dims() };
  private readonly _changed = new Signal<this, void>(this);
  private syncing = false;
  private _isDisposed = false;

  constructor(readonly model: ViewerModel) {
    const main = model.dims;
    main.rangeChanged.connect(this.fromMain, this);
    main.orderChanged.connect(this.fromMain, this);
    main.stepChanged.connect(this.fromMain, this);
    main.axisLabelsChanged.connect(this.fromMain, this);
    for (const view of [this.xz, this.yz]) view.dims.stepChanged.connect(this.fromPlane, this);
    this.fromMain();
  }

  /** Emitted when the planes' axes change (ndim, transpose, roll): views refit. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The world axis the orthogonal planes add, or null while the world has only two axes. */
  get depthAxis(): number | null {
    const sliced = this.model.dims.notDisplayed;
    return sliced.length > 0 ? sliced[sliced.length - 1] : null;
  }

  /** The plane's dims and camera. */
  view(plane: OrthoPlane): PlaneView {
    return plane === 'xz' ? this.xz : this.yz;
  }

  /** The cursor in a view's displayed world coordinates (the centre of the current slices). */
  cursorIn(view: PlaneView): DataPoint {
    const point = this.model.dims.point;
    const [row, col] = view.dims.displayed;
    return { row: point[row], col: point[col] };
  }

  /**
   * Moves the linked cursor to `world` (row, col of `view`'s displayed axes, e.g. from a
   * click): the model's steps on those two axes change, the third keeps its slice.
   */
  setCursor(view: PlaneView, world: DataPoint): void {
    const [row, col] = view.dims.displayed;
    const dims = this.model.dims;
    // Both axes in one step change: one signal, one message to the kernel.
    const steps = dims.currentStep;
    steps[row] = dims.stepAt(row, world.row);
    steps[col] = dims.stepAt(col, world.col);
    dims.currentStep = steps;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    Signal.disconnectReceiver(this);
    Signal.clearData(this);
  }

  private fromMain(): void {
    if (this.syncing) return;
    const main = this.model.dims;
    const before = [this.xz, this.yz].map(v => `${v.dims.ndim}:${v.dims.displayed}`).join('|');
    this.syncing = true;
    try {
      for (const plane of ['xz', 'yz'] as const) {
        const dims = this.view(plane).dims;
        dims.setRange(main.range);
        dims.axisLabels = main.axisLabels;
        dims.order = planeOrder(main.order, plane);
        dims.currentStep = main.currentStep;
      }
    } finally {
      this.syncing = false;
    }
    const after = [this.xz, this.yz].map(v => `${v.dims.ndim}:${v.dims.displayed}`).join('|');
    if (after !== before) this._changed.emit();
  }

  private fromPlane(dims: Dims): void {
    if (this.syncing) return;
    this.syncing = true;
    try {
      this.model.dims.currentStep = dims.currentStep;
    } finally {
      this.syncing = false;
    }
    this.fromMain(); // the other plane follows
  }
}

/**
 * The order of an orthogonal plane's dims from the main order [..., depth, row, col]:
 * 'xz' displays (depth, col), 'yz' displays (row, depth), so XZ shares the main view's
 * columns (drawn below it) and YZ its rows (drawn beside it). With two axes there is no
 * depth and the main order is kept.
 */
export function planeOrder(order: readonly number[], plane: OrthoPlane): number[] {
  const n = order.length;
  if (n < 3) return [...order];
  const rest = order.slice(0, n - 3);
  const [depth, row, col] = order.slice(n - 3);
  return plane === 'xz' ? [...rest, row, depth, col] : [...rest, col, row, depth];
}
