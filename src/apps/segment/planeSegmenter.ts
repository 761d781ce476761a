/**
 * One 2D plane through a SAM-family model, as `SamPredictor` does it: `embedPlane` is
 * `set_image` (the min-max uint8 rule, longest side to 1024, normalise, pad, encode) and
 * `segmentPrompt` is `predict` (prompt encoding, decode, the mask the upstream predictor would
 * return, at the plane's size). The runtime (a Web Worker in the browser, a SamSession in Node)
 * is injected, so the annotator, `viewer.segment` and the tests share this code.
 */
import type { NDArray } from '../../core/ndarray';
import {
  chooseMask,
  prepareImage,
  promptArrays,
  SAM_LOW_RES,
  SamPrompt,
  toMask,
  toRgb8,
  upscaleLogits
} from '../../core/sam/transforms';
import type { DecoderOutput } from '../../compute/sam/samSession';
import { planTiling } from '../../core/sam/tiling';

/** What the segmenter needs of a model runtime (`SamRuntime` and `SamSession` both have it). */
export interface SegmentRuntime {
  encode(prepared: Float32Array, signal?: AbortSignal): Promise<Float32Array>;
  decode(embeddings: Float32Array, coords: Float32Array, labels: Float32Array, maskInput?: Float32Array, signal?: AbortSignal): Promise<DecoderOutput>;
}

/** A plane's embeddings with the sizes needed to map prompts in and masks out. */
export interface PlaneEmbedding {
  embeddings: Float32Array;
  /** The plane's (height, width). */
  originalSize: [number, number];
  /** The resized image's (height, width) inside the 1024² input. */
  inputSize: [number, number];
}

export interface SegmentResult {
  /** (height, width) 0/1 mask at the plane's size. */
  mask: Uint8Array;
  /** The decoder's predicted IoU of the returned mask. */
  iou: number;
  /** Its 256² low-resolution logits: the `maskInput` that refines it with the next prompt. */
  lowRes: Float32Array;
  /** Which of the decoder's four outputs it is (0 single-mask, 1..3 multimask). */
  output: number;
}

/**
 * SAM's embeddings of a 2D gray (H, W) or RGB(A) (H, W, 3|4) plane. `range`: the intensities
 * mapped to 0..255 (default the plane's own; a tile passes its whole plane's).
 */
export async function embedPlane(runtime: SegmentRuntime, plane: NDArray, rgb: boolean, signal?: AbortSignal, range?: readonly [number, number]): Promise<PlaneEmbedding> {
  const [height, width] = plane.shape;
  if (height < 1 || width < 1) throw new RangeError(`cannot segment an empty (${height} × ${width}) plane`);
  planTiling([height, width]); // refuses a plane too large to embed whole (TilingRequiredError)
  const prepared = prepareImage(toRgb8(plane, rgb, range), height, width);
  const embeddings = await runtime.encode(prepared.tensor, signal);
  return { embeddings, originalSize: [height, width], inputSize: prepared.inputSize };
}

/**
 * The mask for `prompt` (coordinates in the plane's pixels, x = column, y = row). `multimask`
 * defaults to SAM's advice: the best of three for a lone point (ambiguous), the single-mask
 * output otherwise. `maskInput`: the previous mask's logits, to refine it.
 */
export async function segmentPrompt(
  runtime: SegmentRuntime,
  embedding: PlaneEmbedding,
  prompt: SamPrompt,
  options: { multimask?: boolean; maskInput?: Float32Array; signal?: AbortSignal } = {}
): Promise<SegmentResult> {
  const [height, width] = embedding.originalSize;
  checkInside(prompt, height, width);
  const { coords, labels } = promptArrays(prompt, embedding.originalSize);
  const lonePoint = (prompt.points?.length ?? 0) === 1 && !prompt.box && !options.maskInput;
  const multimask = options.multimask ?? lonePoint;
  const out = await runtime.decode(embedding.embeddings, coords, labels, options.maskInput, options.signal);
  const output = chooseMask(out.iou, multimask);
  const plane = SAM_LOW_RES * SAM_LOW_RES;
  const lowRes = out.lowRes.slice(output * plane, (output + 1) * plane);
  const mask = toMask(upscaleLogits(lowRes, embedding.inputSize, embedding.originalSize));
  return { mask, iou: out.iou[output], lowRes, output };
}

/** Prompts outside the plane are refused with where they are, rather than clamped silently. */
function checkInside(prompt: SamPrompt, height: number, width: number): void {
  for (const [x, y] of prompt.points ?? []) {
    if (!(x >= 0 && y >= 0 && x < width && y < height)) {
      throw new RangeError(`point (x ${x.toFixed(1)}, y ${y.toFixed(1)}) is outside the ${height} × ${width} image`);
    }
  }
  if (prompt.box) {
    const [x0, y0, x1, y1] = prompt.box;
    if (!(x1 > x0 && y1 > y0)) throw new RangeError(`expected a box (x0, y0, x1, y1) with x1 > x0 and y1 > y0, got (${prompt.box.join(', ')})`);
    if (x1 <= 0 || y1 <= 0 || x0 >= width || y0 >= height) {
      throw new RangeError(`box (${prompt.box.map(v => v.toFixed(1)).join(', ')}) does not overlap the ${height} × ${width} image`);
    }
  }
}
