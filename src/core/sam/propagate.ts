/**
 * Propagating one object's mask from a slice through z (or t), as micro-sam's
 * `segment_mask_in_volume` does for one segmented slice (multi_dimensional_segmentation.py):
 * first downwards from z0, then upwards; slice z is prompted with prompts derived from the
 * mask of its neighbour towards z0 (`promptFromMask`, projection mode), and a direction stops
 * at the first slice whose result fails the criterion; that slice is not kept.
 *
 * Stop criterion, as micro-sam (criterion_choice 1): the IoU between the new mask and the
 * neighbour's mask it was prompted from (`overlap`) below `iouThreshold`. An empty prediction
 * always stops (its overlap is 0; micro-sam would crash on it with a threshold of 0).
 * Optionally (`minPredictedIou`) also the decoder's own IoU prediction below a bound: useful with
 * trained models, off by default because micro-sam does not use it.
 *
 * Defaults: iouThreshold 0.8 and projection 'points', box extension 0, as micro-sam's library
 * function `segment_3d_from_slice`. micro-sam's annotator widget starts at projection 'points',
 * IoU 0.5, box extension 0.05, and for its light-microscopy models (vit_*_lm) switches to
 * 'box', 0.8, 0.025: those are MICRO_SAM_PRESETS, for the UI to offer.
 *
 * Cancellation: when `signal` aborts, the promise rejects with a PropagationAbortedError
 * (name 'AbortError') whose `partial` holds everything segmented so far (the UI may keep it).
 */

import { promptFromMask, type MaskPrompt, type Projection } from './promptsFromMask';

export const MICRO_SAM_PRESETS = {
  /** segment_3d_from_slice's defaults (ours). */
  library: { projection: 'points' as Projection, iouThreshold: 0.8, boxExtension: 0 },
  /** The annotator widget's initial values. */
  annotator: { projection: 'points' as Projection, iouThreshold: 0.5, boxExtension: 0.05 },
  /** The annotator's ND_SEGMENT_SETTINGS for vit_b_lm / vit_l_lm / vit_t_lm. */
  lightMicroscopy: { projection: 'box' as Projection, iouThreshold: 0.8, boxExtension: 0.025 }
} as const;

export interface SliceResult {
  mask: Uint8Array;
  /** The decoder's IoU prediction for the mask returned. */
  iou: number;
}

export type StopReason = 'volume-end' | 'overlap' | 'predicted-iou' | 'empty' | 'start-at-end';

export interface DirectionReport {
  /** Last slice kept in this direction (z0 when none was). */
  lastKept: number;
  /** The slice that failed the criterion, or null when the volume's end was reached. */
  stoppedAt: number | null;
  reason: StopReason;
}

export interface SliceReport {
  z: number;
  /** 'start': the given mask; 'kept'; 'rejected': the slice that stopped its direction; 'not-reached'. */
  status: 'start' | 'kept' | 'rejected' | 'not-reached';
  /** Predicted IoU and overlap with the neighbour's mask (NaN where not segmented). */
  predictedIou: number;
  overlap: number;
  /** The prompt the slice was segmented with (null where not segmented). */
  prompt: MaskPrompt | null;
}

export interface PropagationResult {
  /** (nSlices, height, width) 0/1 stack: the start mask and every kept slice. */
  masks: Uint8Array;
  slices: SliceReport[];
  lower: DirectionReport;
  upper: DirectionReport;
  /** First and last slice holding the object. */
  range: [number, number];
}

export class PropagationAbortedError extends Error {
  constructor(readonly partial: PropagationResult) {
    super('mask propagation was cancelled');
    this.name = 'AbortError';
  }
}

export interface PropagateOptions {
  /** The slice the mask belongs to. */
  start: number;
  /** (height, width) 0/1 mask of the object in slice `start`. */
  mask: Uint8Array;
  nSlices: number;
  shape: readonly [number, number];
  /** Segments slice z from a prompt in full-plane coordinates (any tiling is the callback's business). */
  segmentSlice: (z: number, prompt: MaskPrompt, previous: Uint8Array) => Promise<SliceResult>;
  iouThreshold?: number;
  projection?: Projection;
  boxExtension?: number;
  minPredictedIou?: number;
  /** Builds slice z's prompt from its neighbour's mask (default: promptFromMask with the projection). */
  makePrompt?: (previous: Uint8Array, z: number) => MaskPrompt | null;
  onProgress?: (p: { z: number; done: number; direction: 'lower' | 'upper'; report: SliceReport }) => void;
  signal?: AbortSignal;
}

/** IoU of two 0/1 masks (1 when both are empty, as micro-sam's compute_iou gives 0/0 → treated as equal). */
export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

function isEmpty(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i]) return false;
  return true;
}

export async function propagateMask(options: PropagateOptions): Promise<PropagationResult> {
  const { start, nSlices, shape, segmentSlice, signal } = options;
  const [h, w] = shape;
  const plane = h * w;
  const iouThreshold = options.iouThreshold ?? MICRO_SAM_PRESETS.library.iouThreshold;
  const projection = options.projection ?? MICRO_SAM_PRESETS.library.projection;
  const boxExtension = options.boxExtension ?? MICRO_SAM_PRESETS.library.boxExtension;
  const makePrompt = options.makePrompt ?? ((prev: Uint8Array) => promptFromMask(prev, h, w, projection, boxExtension));
  if (!Number.isInteger(start) || start < 0 || start >= nSlices) throw new RangeError(`expected a start slice in [0, ${nSlices}), got ${start}`);
  if (options.mask.length !== plane) throw new RangeError(`expected a ${h} × ${w} start mask, got ${options.mask.length} values`);
  if (isEmpty(options.mask)) throw new RangeError(`the start mask (slice ${start}) is empty`);

  const masks = new Uint8Array(nSlices * plane);
  for (let i = 0; i < plane; i++) masks[start * plane + i] = options.mask[i] ? 1 : 0;
  const slices: SliceReport[] = Array.from({ length: nSlices }, (_, z) => ({
    z,
    status: z === start ? 'start' : 'not-reached',
    predictedIou: NaN,
    overlap: NaN,
    prompt: null
  }));
  const report = (): DirectionReport => ({ lastKept: start, stoppedAt: null, reason: 'start-at-end' });
  const result: PropagationResult = { masks, slices, lower: report(), upper: report(), range: [start, start] };
  let done = 0;

  const checkAbort = () => {
    if (signal?.aborted) throw new PropagationAbortedError(result);
  };

  const run = async (step: -1 | 1): Promise<void> => {
    const dir = step < 0 ? result.lower : result.upper;
    const end = step < 0 ? 0 : nSlices - 1;
    if (start === end) return; // nothing beyond z0 in this direction
    dir.reason = 'volume-end';
    for (let z = start + step; step < 0 ? z >= 0 : z < nSlices; z += step) {
      checkAbort();
      const previous = masks.subarray((z - step) * plane, (z - step + 1) * plane);
      const prompt = makePrompt(previous, z);
      const slice = slices[z];
      if (!prompt) {
        dir.stoppedAt = z;
        dir.reason = 'empty';
        return;
      }
      const out = await segmentSlice(z, prompt, previous);
      checkAbort();
      if (out.mask.length !== plane) throw new RangeError(`segmentSlice(${z}) returned ${out.mask.length} values, expected ${plane}`);
      slice.prompt = prompt;
      slice.predictedIou = out.iou;
      slice.overlap = maskIoU(out.mask, previous);
      let reason: StopReason | null = null;
      if (isEmpty(out.mask)) reason = 'empty';
      else if (slice.overlap < iouThreshold) reason = 'overlap';
      else if (options.minPredictedIou !== undefined && out.iou < options.minPredictedIou) reason = 'predicted-iou';
      done++;
      if (reason) {
        slice.status = 'rejected';
        dir.stoppedAt = z;
        dir.reason = reason;
      } else {
        slice.status = 'kept';
        const target = masks.subarray(z * plane, (z + 1) * plane);
        for (let i = 0; i < plane; i++) target[i] = out.mask[i] ? 1 : 0;
        dir.lastKept = z;
        if (step < 0) result.range[0] = z;
        else result.range[1] = z;
      }
      options.onProgress?.({ z, done, direction: step < 0 ? 'lower' : 'upper', report: slice });
      if (reason) return;
    }
  };

  await run(-1);
  await run(1);
  checkAbort();
  return result;
}
