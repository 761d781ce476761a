/** Small pure helpers of the segment tool: which image, whether a prompt refines, mask boxes. */
import type { NDArray } from '../../core/ndarray';
import type { SamPrompt } from '../../core/sam/transforms';
import { ImageLayer } from '../../viewer/model/imageLayer';
import type { ViewerModel } from '../../viewer/model/viewerModel';

/** The selected image layer, else the topmost one. */
export function pickImage(model: ViewerModel): ImageLayer | null {
  const active = model.activeLayer;
  if (active instanceof ImageLayer) return active;
  const images = model.layers.filter((l): l is ImageLayer => l instanceof ImageLayer);
  return images.length ? images[images.length - 1] : null;
}

/** Whether `next` adds prompts to `previous` (same box, previous points first): a refinement. */
export function extendsPrompt(next: SamPrompt, previous: SamPrompt): boolean {
  const [a, b] = [previous.points ?? [], next.points ?? []];
  if (b.length <= a.length || JSON.stringify(next.box) !== JSON.stringify(previous.box)) return false;
  return a.every((p, i) => p[0] === b[i][0] && p[1] === b[i][1] && previous.labels?.[i] === next.labels?.[i]);
}

/** The bounding box of the nonzero pixels of `data` and the mask inside it; null when all zero. */
export function nonzeroBox(data: NDArray): { start: number[]; mask: NDArray } | null {
  const shape = data.shape;
  const values = data.data as ArrayLike<number | bigint>;
  const lo = shape.map(() => Infinity);
  const hi = shape.map(() => -Infinity);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < values.length; k++) {
    if (values[k]) {
      for (let a = 0; a < shape.length; a++) {
        if (index[a] < lo[a]) lo[a] = index[a];
        if (index[a] > hi[a]) hi[a] = index[a];
      }
    }
    for (let a = shape.length - 1; a >= 0 && ++index[a] === shape[a]; a--) index[a] = 0;
  }
  if (lo[0] === Infinity) return null;
  const boxShape = lo.map((l, a) => hi[a] - l + 1);
  const mask = new Uint8Array(boxShape.reduce((x, y) => x * y, 1));
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const at = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < mask.length; k++) {
    let flat = 0;
    for (let a = 0; a < shape.length; a++) flat += (lo[a] + at[a]) * strides[a];
    mask[k] = values[flat] ? 1 : 0;
    for (let a = shape.length - 1; a >= 0 && ++at[a] === boxShape[a]; a--) at[a] = 0;
  }
  return { start: lo, mask: { dtype: 'uint8', shape: boxShape, data: mask } };
}

export function zerosLike(data: NDArray): NDArray {
  const Ctor = (data.data as unknown as { constructor: new (n: number) => NDArray['data'] }).constructor;
  return { dtype: data.dtype, shape: data.shape.slice(), data: new Ctor(data.data.length) };
}
