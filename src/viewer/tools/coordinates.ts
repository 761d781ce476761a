import { Point2 } from '../../core/geometry/primitives';
import { Camera, CanvasSize, ScreenPoint } from '../model/camera';
import { Dims } from '../model/dims';

/**
 * What the mapping needs of a layer: its number of axes and its data-to-world transform
 * `world = data * scale + translate` (napari's). `Layer` has exactly these.
 */
export interface TransformedLayer {
  readonly ndim: number;
  readonly scale: readonly number[];
  readonly translate: readonly number[];
}

/**
 * How one layer appears in the current view, computed once per frame or gesture: which of its
 * data axes are drawn as screen rows and columns, the affine map from those two data
 * coordinates to canvas CSS pixels, and where the current slice lies on its other axes.
 *
 *   x = data[colAxis] * sx + bx,   y = data[rowAxis] * sy + by
 *
 * World axes are aligned to the right as napari broadcasts layers: layer axis k is world axis
 * k + (dims.ndim - layer.ndim).
 */
export interface LayerView {
  readonly ndim: number;
  /** Layer data axis shown along the screen's y (rows). */
  readonly rowAxis: number;
  /** Layer data axis shown along the screen's x (columns). */
  readonly colAxis: number;
  readonly sx: number;
  readonly bx: number;
  readonly sy: number;
  readonly by: number;
  /**
   * Per layer axis, the integer data index of the current slice, as `ViewerModel.sliceOf`
   * computes it (the floor of the slice centre in data coordinates); 0 on the displayed
   * axes, so it can be passed as the `step` of `PointsLayer.visibleIndices`. Unlike
   * `sliceOf` it is defined outside the layer's extent too, where tools add new data.
   */
  readonly sliceIndex: readonly number[];
  /** The layer's data axes that are not displayed, in layer axis order. */
  readonly slicedAxes: readonly number[];
  /** Canvas size in CSS pixels the view was computed for. */
  readonly size: CanvasSize;
}

/** Layer axis of world axis `worldAxis`, or -1 when the layer does not have that axis. */
export function layerAxisOf(worldAxis: number, layerNdim: number, worldNdim: number): number {
  const axis = worldAxis - (worldNdim - layerNdim);
  return axis >= 0 && axis < layerNdim ? axis : -1;
}

export interface LayerViewOptions {
  /**
   * Whether data coordinate k is the centre of pixel k, as napari and scikit-image place
   * points, shape vertices and label pixels (true), or its top-left edge, as the raster
   * renderer and the camera draw pixel k over [k, k + 1) (false, the default). Points and
   * shapes use true, so a point at (5, 5) sits in the middle of image pixel (5, 5) and a
   * shape covers on screen the pixels its mask (skimage.draw) holds.
   */
  pixelCentres?: boolean;
}

/**
 * The view of one layer, or null when it cannot be drawn in this orientation (a displayed
 * world axis the layer does not have, e.g. a 2D layer while a 3D stack is shown as XZ).
 */
export function layerView(layer: TransformedLayer, camera: Camera, dims: Dims, size: CanvasSize, options: LayerViewOptions = {}): LayerView | null {
  const worldNdim = Math.max(dims.ndim, layer.ndim);
  const [worldRow, worldCol] = dims.displayed;
  // A layer with more axes than the dims (dims not yet updated) is aligned the same way.
  const shift = worldNdim - dims.ndim;
  const rowAxis = layerAxisOf(worldRow + shift, layer.ndim, worldNdim);
  const colAxis = layerAxisOf(worldCol + shift, layer.ndim, worldNdim);
  if (rowAxis < 0 || colAxis < 0) return null;
  const { scale, translate } = layer;
  const { center, zoom } = camera;
  const point = dims.point;
  const sliceIndex: number[] = new Array(layer.ndim).fill(0);
  const slicedAxes: number[] = [];
  for (let axis = 0; axis < layer.ndim; axis++) {
    if (axis === rowAxis || axis === colAxis) continue;
    slicedAxes.push(axis);
    const worldAxis = axis + worldNdim - layer.ndim - shift;
    const world = worldAxis >= 0 ? point[worldAxis] : 0;
    sliceIndex[axis] = Math.floor((world - translate[axis]) / scale[axis]);
  }
  const half = options.pixelCentres ? 0.5 : 0;
  return {
    ndim: layer.ndim,
    rowAxis,
    colAxis,
    sx: scale[colAxis] * zoom,
    bx: (translate[colAxis] + half * scale[colAxis] - center.col) * zoom + size.width / 2,
    sy: scale[rowAxis] * zoom,
    by: (translate[rowAxis] + half * scale[rowAxis] - center.row) * zoom + size.height / 2,
    sliceIndex,
    slicedAxes,
    size: { ...size }
  };
}

/** Screen point (CSS px) to the layer's displayed data coordinates (row, col). */
export function screenToData2(view: LayerView, p: ScreenPoint): Point2 {
  return [(p.y - view.by) / view.sy, (p.x - view.bx) / view.sx];
}

/** The layer's displayed data coordinates (row, col) to a screen point (CSS px). */
export function data2ToScreen(view: LayerView, [row, col]: Point2): ScreenPoint {
  return { x: col * view.sx + view.bx, y: row * view.sy + view.by };
}

/**
 * Screen point to a full nD layer data point: the displayed axes from the cursor, the others
 * at the current slice (rounded to integer indices, so added points and shapes land exactly
 * on the slice the user sees and are found again by `round(coordinate) == step`).
 */
export function screenToLayerData(view: LayerView, p: ScreenPoint): number[] {
  const out = view.sliceIndex.slice();
  const [row, col] = screenToData2(view, p);
  out[view.rowAxis] = row;
  out[view.colAxis] = col;
  return out;
}

/** Screen position of an nD layer data point (its non-displayed coordinates are ignored). */
export function layerDataToScreen(view: LayerView, data: ArrayLike<number>, offset = 0): ScreenPoint {
  return { x: data[offset + view.colAxis] * view.sx + view.bx, y: data[offset + view.rowAxis] * view.sy + view.by };
}

/**
 * The nD layer data point of a displayed (row, col) data position on the current slice:
 * what tools hand to model operations.
 */
export function data2ToLayerData(view: LayerView, [row, col]: Point2): number[] {
  const out = view.sliceIndex.slice();
  out[view.rowAxis] = row;
  out[view.colAxis] = col;
  return out;
}

/** The displayed (row, col) of an nD layer data point. */
export function layerDataTo2(view: LayerView, data: ArrayLike<number>, offset = 0): Point2 {
  return [data[offset + view.rowAxis], data[offset + view.colAxis]];
}

/**
 * A length of `pixels` screen pixels in the layer's displayed data units. With anisotropic
 * scale the two axes differ; the larger is taken, so a hit tolerance is never smaller on
 * screen than asked.
 */
export function screenLengthToData(view: LayerView, pixels: number): number {
  return pixels / Math.min(Math.abs(view.sx), Math.abs(view.sy));
}

/** A length in the layer's displayed data units in screen pixels (the mean of both axes). */
export function dataLengthToScreen(view: LayerView, length: number): number {
  return (length * (Math.abs(view.sx) + Math.abs(view.sy))) / 2;
}

/** Screen point to the nD world point: displayed axes from the camera, the others at the current slice. */
export function screenToWorld(camera: Camera, dims: Dims, size: CanvasSize, p: ScreenPoint): number[] {
  const world = dims.point;
  const d = camera.screenToData(p, size);
  const [row, col] = dims.displayed;
  world[row] = d.row;
  world[col] = d.col;
  return world;
}

/** World point to the screen (its non-displayed coordinates are ignored). */
export function worldToScreen(camera: Camera, dims: Dims, size: CanvasSize, world: readonly number[]): ScreenPoint {
  const [row, col] = dims.displayed;
  return camera.dataToScreen({ row: world[row], col: world[col] }, size);
}

/**
 * Whether an nD layer data point lies on the current slice: its sliced coordinates round
 * (halves up) to the slice index, `PointsLayer.visibleIndices`' rule.
 */
export function onCurrentSlice(view: LayerView, data: ArrayLike<number>, offset = 0): boolean {
  for (const axis of view.slicedAxes) {
    if (Math.floor(data[offset + axis] + 0.5) !== view.sliceIndex[axis]) return false;
  }
  return true;
}
