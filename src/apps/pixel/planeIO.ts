/**
 * Writing one 2D plane of an nD labels layer (the plane the viewer shows): pixel
 * classification works plane by plane, with 2D features (core/slicing's planeOf reads one).
 */
import type { NDArray } from '../../core/ndarray';
import type { LabelsLayer } from '../../viewer/model/labelsLayer';

export interface PlaneRef {
  /** Index on every axis (the displayed ones are ignored). */
  step: number[];
  /** [row, column] axes. */
  displayed: [number, number];
}

/** Writes a (h × w) block of values at (r0, c0) of the plane into a labels layer (one data event, no undo step). */
export function writeLabelsBlock(layer: LabelsLayer, plane: PlaneRef, r0: number, c0: number, h: number, w: number, values: Uint8Array): void {
  const [row, col] = plane.displayed;
  const nd = layer.shape.length;
  const start = plane.step.slice(0, nd).map((s, a) => (a === row ? r0 : a === col ? c0 : s));
  const shape = layer.shape.map((_, a) => (a === row ? h : a === col ? w : 1));
  // A C-ordered block whose only non-singleton axes are row < col (or col < row: transpose).
  let data: Uint8Array = values;
  if (col < row) {
    data = new Uint8Array(h * w);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[c * h + r] = values[r * w + c];
  }
  if (layer.data.dtype !== 'uint8') throw new Error(`expected the uint8 labels layer "${layer.name}", it is ${layer.data.dtype}`);
  layer.writeRegion(start, { dtype: 'uint8', shape, data } as NDArray);
}
