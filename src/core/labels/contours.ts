import { TypedArray } from '../dtypes';
import { constructorOf, LabelValue, ValueArray, valuesOf } from './diff';

/**
 * Which pixels of one 2D label plane napari draws when the layer's `contour` is > 0.
 *
 * napari (`napari/layers/labels/_labels_utils.py: get_contours`) keeps a pixel when
 *   grey_dilation(labels, cross)[p] != grey_erosion(labels, iterate_structure(cross, t))[p]
 * and blanks everything else to the background; scipy's default 'reflect' border mode means
 * the image edge is NOT a boundary. A background pixel can pass the test but stays
 * background, so the mask here is that test AND value != background. For t = 1 this is
 * "some 4-neighbour has a different label". The outer edge is 1 pixel wide whatever t (the
 * dilation footprint stays the cross); t widens the inner side.
 *
 * Erosion by the diamond of radius t is done as t erosions by the cross: with a symmetric
 * footprint and the mirror ('reflect') extension, the two are equal, and t passes of 5
 * neighbours beat one pass over a (2t+1)^2 footprint.
 */
export function contourMask(
  plane: TypedArray,
  rows: number,
  cols: number,
  thickness: number,
  background: LabelValue = typeof plane[0] === 'bigint' ? 0n : 0
): Uint8Array {
  if (plane.length !== rows * cols || !(rows > 0 && cols > 0)) {
    throw new RangeError(`a ${rows}x${cols} plane needs ${rows * cols} elements, got ${plane.length}`);
  }
  if (!Number.isInteger(thickness) || thickness < 1) {
    throw new RangeError(`contour thickness must be an integer >= 1, got ${thickness}`);
  }
  const labels = valuesOf(plane);
  let eroded: ValueArray = labels;
  const scratch = [valuesOf(new (constructorOf(plane))(plane.length)), valuesOf(new (constructorOf(plane))(plane.length))];
  for (let pass = 0; pass < thickness; pass++) {
    const out = scratch[pass % 2];
    crossMinimum(eroded, out, rows, cols);
    eroded = out;
  }
  const mask = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    // 'reflect' mirrors about the edge: the neighbour beyond the border is the pixel itself.
    const up = r > 0 ? -cols : 0;
    const down = r < rows - 1 ? cols : 0;
    for (let c = 0; c < cols; c++) {
      const p = r * cols + c;
      const value = labels[p];
      if (value === background) continue;
      let dilated = value;
      const left = c > 0 ? labels[p - 1] : value;
      const right = c < cols - 1 ? labels[p + 1] : value;
      if (left > dilated) dilated = left;
      if (right > dilated) dilated = right;
      if (labels[p + up] > dilated) dilated = labels[p + up];
      if (labels[p + down] > dilated) dilated = labels[p + down];
      if (dilated !== eroded[p]) mask[p] = 1;
    }
  }
  return mask;
}

/** out[p] = the minimum of p and its 4 neighbours, mirrored at the edges ('reflect'). */
function crossMinimum(input: ValueArray, out: ValueArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const up = r > 0 ? -cols : 0;
    const down = r < rows - 1 ? cols : 0;
    for (let c = 0; c < cols; c++) {
      const p = r * cols + c;
      let min = input[p];
      if (c > 0 && input[p - 1] < min) min = input[p - 1];
      if (c < cols - 1 && input[p + 1] < min) min = input[p + 1];
      if (input[p + up] < min) min = input[p + up];
      if (input[p + down] < min) min = input[p + down];
      out[p] = min;
    }
  }
}
