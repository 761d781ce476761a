/**
 * Prompts derived from a binary mask, as micro-sam's `segment_from_mask` builds them
 * (micro_sam/prompt_based_segmentation.py: `_compute_box_from_mask`, `_process_box`,
 * `_compute_points_from_mask`, `_compute_logits_from_mask`), in SamPrompt's conventions
 * (points (x, y) = (column, row) in pixel indices, box (x0, y0, x1, y1) with exclusive ends),
 * plus the projection modes of `segment_mask_in_volume`. Checked against those definitions
 * reimplemented with scipy/skimage/torch in src/core/sam/__tests__/promptsFromMask.spec.ts.
 */

import { distanceTransformEdt, gaussianSigma1, outerBoundaries, peakLocalMax } from './distance';
import { SAM_LOW_RES, type SamPrompt } from './transforms';
import { roundHalfEven } from '../labels/brush';

/** micro-sam's projection modes (segment_mask_in_volume): which prompts a mask becomes. */
export type Projection = 'mask' | 'points' | 'box' | 'points_and_mask' | 'single_point';
export const PROJECTIONS: readonly Projection[] = ['mask', 'points', 'box', 'points_and_mask', 'single_point'];

const USES: Record<Projection, { box: boolean; mask: boolean; points: boolean; single: boolean }> = {
  mask: { box: true, mask: true, points: false, single: false },
  points: { box: false, mask: false, points: true, single: false },
  box: { box: true, mask: false, points: false, single: false },
  points_and_mask: { box: false, mask: true, points: true, single: false },
  single_point: { box: false, mask: false, points: true, single: true }
};

/** A SAM prompt plus, optionally, the decoder's mask input (256² low-resolution logits). */
export interface MaskPrompt extends SamPrompt {
  maskInput?: Float32Array;
}

/** [y0, x0, y1, x1) of the non-zero pixels, or null for an empty mask. */
export function maskBounds(mask: ArrayLike<number>, height: number, width: number): [number, number, number, number] | null {
  let y0 = height;
  let x0 = width;
  let y1 = -1;
  let x1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x]) {
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
      }
    }
  }
  return y1 < 0 ? null : [y0, x0, y1 + 1, x1 + 1];
}

/**
 * `_compute_box_from_mask` + `_process_box`: the mask's bounding box (x0, y0, x1, y1), ends
 * exclusive, grown by `boxExtension` (0: none; >= 1: that many pixels; < 1: that fraction of
 * the box's size on each side), clipped to the plane and rounded half-to-even. Null if empty.
 */
export function boxFromMask(mask: ArrayLike<number>, height: number, width: number, boxExtension = 0): [number, number, number, number] | null {
  const b = maskBounds(mask, height, width);
  if (!b) return null;
  const [y0, x0, y1, x1] = b;
  let ey = 0;
  let ex = 0;
  if (boxExtension >= 1) {
    ey = ex = boxExtension;
  } else if (boxExtension > 0) {
    ey = boxExtension * (y1 - y0);
    ex = boxExtension * (x1 - x0);
  }
  return [
    roundHalfEven(Math.max(x0 - ex, 0)),
    roundHalfEven(Math.max(y0 - ey, 0)),
    roundHalfEven(Math.min(x1 + ex, width)),
    roundHalfEven(Math.min(y1 + ey, height))
  ];
}

/**
 * `_compute_points_from_mask`: inside the (extended) bounding box, the distance of every pixel
 * to the mask's outer boundary, smoothed (Gaussian, σ = 1). Positive points at its local maxima
 * inside the mask (min_distance 3), negative ones at its local maxima outside (min_distance 5);
 * with `singlePoint` only the one positive point at the maximum inside. Deviation: when the box
 * holds no background pixel (a mask that fills its box), distances are to the box's outside
 * (micro-sam would take scipy's distances to an arbitrary point there).
 */
export function pointsFromMask(
  mask: ArrayLike<number>,
  height: number,
  width: number,
  options: { boxExtension?: number; singlePoint?: boolean } = {}
): { points: Array<[number, number]>; labels: Array<0 | 1> } {
  const box = boxFromMask(mask, height, width, options.boxExtension ?? 0);
  if (!box) return { points: [], labels: [] };
  const [bx0, by0, bx1, by1] = box;
  const h = by1 - by0;
  const w = bx1 - bx0;
  const crop = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) crop[y * w + x] = mask[(y + by0) * width + x + bx0] ? 1 : 0;
  const boundary = outerBoundaries(crop, h, w);
  let raw: Float64Array;
  if (boundary.includes(1)) {
    const notBoundary = boundary.map(b => 1 - b);
    raw = distanceTransformEdt(notBoundary, h, w);
  } else {
    // Pad with a ring of boundary pixels: the distance to the outside of the box.
    const ph = h + 2;
    const pw = w + 2;
    const padded = new Uint8Array(ph * pw);
    for (let y = 0; y < h; y++) padded.fill(1, (y + 1) * pw + 1, (y + 1) * pw + 1 + w);
    const d = distanceTransformEdt(padded, ph, pw);
    raw = new Float64Array(h * w);
    for (let y = 0; y < h; y++) raw.set(d.subarray((y + 1) * pw + 1, (y + 1) * pw + 1 + w), y * w);
  }
  const distances = gaussianSigma1(raw, h, w);
  const inner = distances.map((d, i) => (crop[i] ? d : 0));
  if (options.singlePoint) {
    let best = 0;
    for (let i = 1; i < inner.length; i++) if (inner[i] > inner[best]) best = i;
    return { points: [[(best % w) + bx0, Math.floor(best / w) + by0]], labels: [1] };
  }
  const outer = distances.map((d, i) => (crop[i] ? 0 : d));
  const pos = peakLocalMax(inner, h, w, 3);
  const neg = peakLocalMax(outer, h, w, 5);
  return {
    points: [...pos, ...neg].map(([y, x]) => [x + bx0, y + by0] as [number, number]),
    labels: [...pos.map(() => 1 as const), ...neg.map(() => 0 as const)]
  };
}

/** Per-axis weights of torch's bilinear interpolation with antialias=True (align_corners=False). */
function aaAxis(inSize: number, outSize: number): { start: Int32Array; size: Int32Array; weights: Float64Array; k: number } {
  const scale = inSize / outSize;
  const support = scale >= 1 ? scale : 1;
  const invscale = scale >= 1 ? 1 / scale : 1;
  const k = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const size = new Int32Array(outSize);
  const weights = new Float64Array(outSize * k);
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const t = Math.abs((j + xmin - center + 0.5) * invscale);
      const wgt = t < 1 ? 1 - t : 0;
      weights[i * k + j] = wgt;
      total += wgt;
    }
    if (total !== 0) for (let j = 0; j < xsize; j++) weights[i * k + j] /= total;
    start[i] = xmin;
    size[i] = xsize;
  }
  return { start, size, weights, k };
}

/** torch.nn.functional.interpolate(mode='bilinear', antialias=True) of one plane (width pass first). */
export function resizeBilinearAntialias(src: ArrayLike<number>, height: number, width: number, outHeight: number, outWidth: number): Float64Array {
  const xs = aaAxis(width, outWidth);
  const ys = aaAxis(height, outHeight);
  const tmp = new Float64Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      let acc = 0;
      for (let j = 0; j < xs.size[x]; j++) acc += src[y * width + xs.start[x] + j] * xs.weights[x * xs.k + j];
      tmp[y * outWidth + x] = acc;
    }
  }
  const out = new Float64Array(outHeight * outWidth);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let acc = 0;
      for (let j = 0; j < ys.size[y]; j++) acc += tmp[(ys.start[y] + j) * outWidth + x] * ys.weights[y * ys.k + j];
      out[y * outWidth + x] = acc;
    }
  }
  return out;
}

/**
 * `_compute_logits_from_mask`: the decoder's mask input (256², row-major) for a mask on the
 * plane. Mask pixels get logit(1 - 1e-3), others logit(1e-3) (±6.9068, in float32), resized
 * (bilinear, antialiased) so that the longest side is 256 (`ResizeLongestSide(256)`), placed
 * top-left and padded with 0 (SAM's low-resolution frame is the 1024 input frame / 4).
 */
export function logitsFromMask(mask: ArrayLike<number>, height: number, width: number): Float32Array {
  const eps = 1e-3;
  const hiP = Math.fround(1 - eps);
  const loP = Math.fround(eps);
  const logit = (p: number) => Math.fround(Math.log(Math.fround(p / Math.fround(1 - p))));
  const pos = logit(hiP);
  const neg = logit(loP);
  const logits = new Float32Array(height * width);
  for (let i = 0; i < logits.length; i++) logits[i] = mask[i] ? pos : neg;
  const out = new Float32Array(SAM_LOW_RES * SAM_LOW_RES);
  if (height === SAM_LOW_RES && width === SAM_LOW_RES) {
    out.set(logits);
    return out;
  }
  // ResizeLongestSide.get_preprocess_shape(h, w, 256)
  const scale = SAM_LOW_RES / Math.max(height, width);
  const oh = Math.floor(height * scale + 0.5);
  const ow = Math.floor(width * scale + 0.5);
  const resized = resizeBilinearAntialias(logits, height, width, oh, ow);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[y * SAM_LOW_RES + x] = resized[y * ow + x];
  return out;
}

/**
 * The prompt `segment_from_mask` gives the decoder for a mask under a projection mode
 * (`segment_mask_in_volume`'s table: mask = box + mask logits; points; box; points_and_mask =
 * points + mask logits; single_point). Null for an empty mask (nothing to prompt with).
 * In 'points' modes a mask whose box holds no usable point yields the box instead, so the
 * prompt is never empty.
 */
export function promptFromMask(mask: ArrayLike<number>, height: number, width: number, projection: Projection, boxExtension = 0): MaskPrompt | null {
  const use = USES[projection];
  if (!use) throw new RangeError(`unknown projection ${JSON.stringify(projection)}; expected one of ${PROJECTIONS.join(', ')}`);
  const box = boxFromMask(mask, height, width, boxExtension);
  if (!box) return null;
  const prompt: MaskPrompt = {};
  if (use.points) {
    const { points, labels } = pointsFromMask(mask, height, width, { boxExtension, singlePoint: use.single });
    if (labels.includes(1)) {
      prompt.points = points;
      prompt.labels = labels;
    }
  }
  if (use.box || !prompt.points) prompt.box = box;
  if (use.mask) prompt.maskInput = logitsFromMask(mask, height, width);
  return prompt;
}
