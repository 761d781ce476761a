/**
 * The pre- and post-processing of Segment Anything's `SamPredictor`, for the ONNX files
 * `python -m seglab.models export` writes (the encoder takes the normalised, padded 1024²
 * image; the decoder returns low-resolution logits and IoU predictions):
 *
 * - `toRgb8`: microscopy images (any dtype, gray or RGB) become the uint8 RGB image SAM
 *   expects: min-max scaled to 0..255 (`floor(255 (x - min) / (max - min) + 0.5)`), gray
 *   repeated on three channels. This is SegLab's rule; the same array goes to both sides of
 *   every parity test.
 * - `prepareImage`: `ResizeLongestSide(1024).apply_image` (Pillow bilinear, see pilResize),
 *   then `Sam.preprocess`: `(x - pixel_mean) / pixel_std` in float32, zero padding to 1024².
 * - `transformPoints` / `transformBox`: `ResizeLongestSide.apply_coords` / `apply_boxes`.
 * - `upscaleLogits`: `Sam.postprocess_masks` (bilinear to 1024², crop to the resized image,
 *   bilinear to the original size, both with align_corners=False), threshold 0 in `toMask`.
 */

import { NDArray } from '../ndarray';
import { resizeBilinearLikePillow } from './pilResize';

export const SAM_INPUT_SIZE = 1024;
export const SAM_LOW_RES = 256;
export const SAM_PIXEL_MEAN: readonly [number, number, number] = [123.675, 116.28, 103.53];
export const SAM_PIXEL_STD: readonly [number, number, number] = [58.395, 57.12, 57.375];

/** `ResizeLongestSide.get_preprocess_shape`: the size the image has inside the 1024² input. */
export function preprocessShape(height: number, width: number, longSide = SAM_INPUT_SIZE): [number, number] {
  const scale = longSide / Math.max(height, width);
  // Python's int(x + 0.5) on positive numbers.
  return [Math.floor(height * scale + 0.5), Math.floor(width * scale + 0.5)];
}

/**
 * The min and max over the colour channels (alpha left out) of a 2D gray (H, W) or RGB(A)
 * (H, W, 3|4) image: the range toRgb8 maps to 0..255. A tile of a large plane is converted
 * with the whole plane's range, so an object looks the same in every tile's halo.
 */
export function intensityRange(image: NDArray, rgb: boolean): [number, number] {
  const [height, width] = image.shape;
  const channels = rgb ? image.shape[2] : 1;
  if (image.shape.length !== (rgb ? 3 : 2) || (rgb && channels !== 3 && channels !== 4)) {
    throw new RangeError(`expected a 2D gray (H, W) or RGB(A) (H, W, 3|4) image, got shape (${image.shape.join(', ')})`);
  }
  const values = image.data as ArrayLike<number | bigint>;
  const n = height * width;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < Math.min(channels, 3); c++) {
      const v = Number(values[p * channels + c]);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** A 2D gray (H, W) or RGB(A) (H, W, 3|4) image of any dtype as uint8 RGB (H, W, 3); see the module comment. */
export function toRgb8(image: NDArray, rgb: boolean, limits: readonly [number, number] = intensityRange(image, rgb)): Uint8Array {
  const [height, width] = image.shape;
  const channels = rgb ? image.shape[2] : 1;
  const values = image.data as ArrayLike<number | bigint>;
  const n = height * width;
  const [lo, hi] = limits;
  const out = new Uint8Array(n * 3);
  const range = hi - lo;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const v = Number(values[p * channels + (channels === 1 ? 0 : c)]);
      out[p * 3 + c] = range > 0 ? Math.floor((255 * (v - lo)) / range + 0.5) : 0;
    }
  }
  return out;
}

export interface PreparedImage {
  /** The encoder's input: float32 (1, 3, 1024, 1024). */
  tensor: Float32Array;
  /** The image's size inside the input (before padding). */
  inputSize: [number, number];
  originalSize: [number, number];
}

/** `SamPredictor.set_image`'s input for an RGB uint8 (H, W, 3) image: resized, normalised, padded. */
export function prepareImage(rgb8: Uint8Array, height: number, width: number): PreparedImage {
  const [h, w] = preprocessShape(height, width);
  const resized = resizeBilinearLikePillow(rgb8, height, width, 3, h, w);
  const size = SAM_INPUT_SIZE;
  const tensor = new Float32Array(3 * size * size); // the padding is zeros
  const mean = SAM_PIXEL_MEAN.map(Math.fround);
  const std = SAM_PIXEL_STD.map(Math.fround);
  for (let c = 0; c < 3; c++) {
    const plane = c * size * size;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // torch: uint8 - float32 buffer, then / float32 buffer, each rounded to float32.
        tensor[plane + y * size + x] = Math.fround(Math.fround(resized[(y * w + x) * 3 + c] - mean[c]) / std[c]);
      }
    }
  }
  return { tensor, inputSize: [h, w], originalSize: [height, width] };
}

/** `apply_coords`: points as (x, y) = (column, row) in the original image, into the 1024 frame. */
export function transformPoints(points: ReadonlyArray<readonly [number, number]>, originalSize: readonly [number, number]): Float32Array {
  const [height, width] = originalSize;
  const [h, w] = preprocessShape(height, width);
  const out = new Float32Array(points.length * 2);
  points.forEach(([x, y], i) => {
    out[i * 2] = x * (w / width);
    out[i * 2 + 1] = y * (h / height);
  });
  return out;
}

/** `apply_boxes`: a box (x0, y0, x1, y1) into the 1024 frame, as its two corner points. */
export function transformBox(box: readonly [number, number, number, number], originalSize: readonly [number, number]): Float32Array {
  return transformPoints([[box[0], box[1]], [box[2], box[3]]], originalSize);
}

/** One axis of torch's bilinear interpolation (align_corners=False): source indices and weights. */
function bilinearAxis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l1: Float32Array } {
  const scale = Math.fround(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l1 = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(Math.fround(Math.fround(scale * (d + 0.5)) - 0.5), 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    l1[d] = Math.fround(src - lo);
  }
  return { i0, i1, l1 };
}

/** torch.nn.functional.interpolate(mode="bilinear", align_corners=False) of one (H, W) plane. */
export function resizeBilinearLikeTorch(src: Float32Array, height: number, width: number, outHeight: number, outWidth: number): Float32Array {
  const ys = bilinearAxis(height, outHeight);
  const xs = bilinearAxis(width, outWidth);
  const out = new Float32Array(outHeight * outWidth);
  for (let y = 0; y < outHeight; y++) {
    const r0 = ys.i0[y] * width;
    const r1 = ys.i1[y] * width;
    const ly = ys.l1[y];
    for (let x = 0; x < outWidth; x++) {
      const lx = xs.l1[x];
      const a = src[r0 + xs.i0[x]] * (1 - lx) + src[r0 + xs.i1[x]] * lx;
      const b = src[r1 + xs.i0[x]] * (1 - lx) + src[r1 + xs.i1[x]] * lx;
      out[y * outWidth + x] = a * (1 - ly) + b * ly;
    }
  }
  return out;
}

/**
 * `Sam.postprocess_masks` for one low-resolution logit plane (256², row-major): the logits at
 * the original image size.
 */
export function upscaleLogits(lowRes: Float32Array, inputSize: readonly [number, number], originalSize: readonly [number, number]): Float32Array {
  if (lowRes.length !== SAM_LOW_RES * SAM_LOW_RES) {
    throw new RangeError(`expected a ${SAM_LOW_RES} × ${SAM_LOW_RES} logit plane, got ${lowRes.length} values`);
  }
  const full = resizeBilinearLikeTorch(lowRes, SAM_LOW_RES, SAM_LOW_RES, SAM_INPUT_SIZE, SAM_INPUT_SIZE);
  const [h, w] = inputSize;
  const cropped = new Float32Array(h * w);
  for (let y = 0; y < h; y++) cropped.set(full.subarray(y * SAM_INPUT_SIZE, y * SAM_INPUT_SIZE + w), y * w);
  return resizeBilinearLikeTorch(cropped, h, w, originalSize[0], originalSize[1]);
}

/** The mask where the logits are above SAM's threshold (0), as 0/1 bytes. */
export function toMask(logits: Float32Array, threshold = 0): Uint8Array {
  const mask = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) mask[i] = logits[i] > threshold ? 1 : 0;
  return mask;
}

/**
 * Which of the decoder's four masks to use: with `multimask` the best predicted IoU among the
 * three multimask outputs (1..3), as `SamPredictor.predict(multimask_output=True)` followed by
 * argmax; otherwise the single-mask output (0).
 */
export function chooseMask(iouPredictions: ArrayLike<number>, multimask: boolean): number {
  if (iouPredictions.length !== 4) throw new RangeError(`expected 4 IoU predictions, got ${iouPredictions.length}`);
  if (!multimask) return 0;
  let best = 1;
  for (let i = 2; i < 4; i++) if (iouPredictions[i] > iouPredictions[best]) best = i;
  return best;
}

export interface SamPrompt {
  /** Points as (x, y) in the original image, with labels 1 (object) or 0 (background). */
  points?: ReadonlyArray<readonly [number, number]>;
  labels?: ReadonlyArray<0 | 1>;
  /** A box (x0, y0, x1, y1) in the original image. */
  box?: readonly [number, number, number, number];
}

/**
 * The decoder's `point_coords` (1024 frame) and `point_labels` for a prompt, as SAM's prompt
 * encoder builds them: points, then the box as two corners labelled 2 and 3; without a box a
 * padding point (0, 0) labelled -1, as `SamPredictor` adds.
 */
export function promptArrays(prompt: SamPrompt, originalSize: readonly [number, number]): { coords: Float32Array; labels: Float32Array } {
  const points = prompt.points ?? [];
  const labels = prompt.labels ?? [];
  if (labels.length !== points.length) throw new RangeError(`expected one label per point, got ${labels.length} labels for ${points.length} points`);
  if (points.length === 0 && !prompt.box) throw new RangeError('expected at least one point or a box');
  for (const [x, y] of points) {
    if (!(Number.isFinite(x) && Number.isFinite(y))) throw new RangeError(`expected finite point coordinates, got (${x}, ${y})`);
  }
  const n = points.length + (prompt.box ? 2 : 1);
  const coords = new Float32Array(n * 2);
  const out = new Float32Array(n);
  coords.set(transformPoints(points, originalSize));
  labels.forEach((l, i) => (out[i] = l));
  if (prompt.box) {
    coords.set(transformBox(prompt.box, originalSize), points.length * 2);
    out[points.length] = 2;
    out[points.length + 1] = 3;
  } else {
    out[points.length] = -1; // its coordinates stay (0, 0)
  }
  return { coords, labels: out };
}
