import { ISignal, Signal } from '@lumino/signaling';

/**
 * A point on the displayed plane in world coordinates: (row, column) along the two displayed
 * dims axes. With unit scale and no translate that is the image's own pixel grid, pixel
 * (r, c) covering [r, r+1) × [c, c+1).
 */
export interface DataPoint {
  row: number;
  col: number;
}

/** A canvas position in CSS pixels from the canvas' top-left corner. */
export interface ScreenPoint {
  x: number;
  y: number;
}

export interface CanvasSize {
  width: number;
  height: number;
}

/** The zoom range (screen pixels per world unit); the kernel's camera accepts the same. */
export const MIN_ZOOM = 1e-4;
export const MAX_ZOOM = 1e4;

/**
 * The 2D camera, as napari's: the data point at the canvas centre and the zoom in screen
 * pixels per data pixel. Pure state plus the operations tools perform on it, so pan and zoom
 * can be tested without a canvas.
 */
export class Camera {
  private _center: DataPoint = { row: 0, col: 0 };
  private _zoom = 1;
  private readonly _changed = new Signal<this, void>(this);

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get center(): DataPoint {
    return { ...this._center };
  }

  get zoom(): number {
    return this._zoom;
  }

  set(center: DataPoint, zoom: number): void {
    if (!Number.isFinite(center.row) || !Number.isFinite(center.col) || !Number.isFinite(zoom) || zoom <= 0) {
      return; // a degenerate canvas (0 px) must not poison the camera with NaN
    }
    this._center = { ...center };
    this._zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    this._changed.emit();
  }

  screenToData(p: ScreenPoint, canvas: CanvasSize): DataPoint {
    return {
      row: this._center.row + (p.y - canvas.height / 2) / this._zoom,
      col: this._center.col + (p.x - canvas.width / 2) / this._zoom
    };
  }

  dataToScreen(d: DataPoint, canvas: CanvasSize): ScreenPoint {
    return {
      x: (d.col - this._center.col) * this._zoom + canvas.width / 2,
      y: (d.row - this._center.row) * this._zoom + canvas.height / 2
    };
  }

  /** Moves the view so that the content follows a drag of (dx, dy) screen pixels. */
  panBy(dx: number, dy: number): void {
    this.set({ row: this._center.row - dy / this._zoom, col: this._center.col - dx / this._zoom }, this._zoom);
  }

  /** Zooms by `factor` keeping the data point under `anchor` fixed on screen (as napari and maps do). */
  zoomAt(factor: number, anchor: ScreenPoint, canvas: CanvasSize): void {
    const fixed = this.screenToData(anchor, canvas);
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this._zoom * factor));
    this.set(
      {
        row: fixed.row - (anchor.y - canvas.height / 2) / zoom,
        col: fixed.col - (anchor.x - canvas.width / 2) / zoom
      },
      zoom
    );
  }

  /** Shows the whole extent (rows × cols from the origin) centred, with a small margin like napari's reset view. */
  fit(rows: number, cols: number, canvas: CanvasSize, margin = 0.05): void {
    this.fitExtent({ top: 0, left: 0, rows, cols }, canvas, margin);
  }

  /** Shows a world box whose top-left corner may be anywhere (translated layers). */
  fitExtent(extent: { top: number; left: number; rows: number; cols: number }, canvas: CanvasSize, margin = 0.05): void {
    const { top, left, rows, cols } = extent;
    if (canvas.width <= 0 || canvas.height <= 0 || !(rows > 0) || !(cols > 0)) {
      return;
    }
    const zoom = Math.min(canvas.width / cols, canvas.height / rows) * (1 - margin);
    this.set({ row: top + rows / 2, col: left + cols / 2 }, zoom);
  }
}
