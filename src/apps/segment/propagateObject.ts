/**
 * Shift+S: the object segmented in the slice shown goes through the stack, as micro-sam's
 * "Segment All Slices" (segment_mask_in_volume): each next slice is prompted from its
 * neighbour's mask, and a direction stops when the predicted IoU or the overlap with the
 * neighbour drops (src/core/sam/propagate.ts). Slices go into `current_object`; commit (C)
 * then writes the whole 3D object with one id. Shows progress and can be cancelled.
 */
import { MICRO_SAM_PRESETS, propagateMask, PropagationAbortedError, PropagationResult } from '../../core/sam/propagate';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import type { SegmentAnnotator } from './annotator';
import { CURRENT_OBJECT, findLayer } from './promptLayers';

export interface PropagateSettings {
  iouThreshold?: number;
  projection?: (typeof MICRO_SAM_PRESETS)['annotator']['projection'] | 'mask' | 'box' | 'points_and_mask' | 'single_point';
  boxExtension?: number;
}

/** Propagates the current object from the slice shown along the first sliced axis. */
export async function propagateObject(annotator: SegmentAnnotator, settings: PropagateSettings = {}): Promise<PropagationResult | null> {
  const image = annotator.image;
  const plane = annotator.currentPlane();
  const current = findLayer(annotator.model, CURRENT_OBJECT, LabelsLayer);
  if (!image || !plane || !current) throw new Error('start the segment tool on an image first');
  const axis = [...plane.step.keys()].find(a => !plane.displayed.includes(a));
  if (axis === undefined) throw new Error(`"${image.name}" is 2D: there are no slices to propagate through`);
  await annotator.settled();
  const [row, col] = plane.displayed;
  const shape: [number, number] = [image.shape[row], image.shape[col]];
  const start = plane.step[axis];
  const mask = planeMask(current, plane.step, plane.displayed);
  if (!mask.some(v => v)) throw new Error('segment the object in this slice first (click it), then propagate');
  const controller = new AbortController();
  const nSlices = image.shape[axis];
  const events = annotator.events;
  const progress = (done: number) => events.progress?.(`propagating through ${nSlices} slices`, done / nSlices, () => controller.abort());
  progress(1);
  const atSlice = (z: number) => ({ step: plane.step.map((s, a) => (a === axis ? z : s)), displayed: plane.displayed });
  let result: PropagationResult;
  try {
    result = await propagateMask({
      start,
      mask,
      nSlices,
      shape,
      iouThreshold: settings.iouThreshold ?? MICRO_SAM_PRESETS.annotator.iouThreshold,
      projection: settings.projection ?? MICRO_SAM_PRESETS.annotator.projection,
      boxExtension: settings.boxExtension ?? MICRO_SAM_PRESETS.annotator.boxExtension,
      signal: controller.signal,
      onProgress: ({ done }) => progress(done + 1),
      segmentSlice: async (z, prompt) => {
        // The mask input is in the whole plane's frame: it applies untiled only (tileId null).
        const out = await annotator.segmentOn(image, atSlice(z), prompt, { maskInput: prompt.maskInput, tileId: null, multimask: false, signal: controller.signal });
        return { mask: out.mask, iou: out.iou };
      }
    });
  } catch (err) {
    if (!(err instanceof PropagationAbortedError)) throw err;
    result = err.partial; // keep what was done: the user can commit it or clear it
    events.message?.('propagation cancelled; the slices done so far are in current_object', false);
  } finally {
    events.progress?.(null, 1);
  }
  const planeSize = shape[0] * shape[1];
  for (let z = result.range[0]; z <= result.range[1]; z++) {
    annotator.writeCurrent(atSlice(z), result.masks.subarray(z * planeSize, (z + 1) * planeSize));
  }
  if (!controller.signal.aborted) {
    events.message?.(`object in slices ${result.range[0]}–${result.range[1]} (stopped: ${result.lower.reason} below, ${result.upper.reason} above); C commits it`, false);
  }
  return result;
}

/** The 0/1 mask of `layer` on a plane, as (rows, columns) of the displayed axes. */
function planeMask(layer: LabelsLayer, step: readonly number[], displayed: readonly [number, number]): Uint8Array {
  const shape = layer.shape;
  const [row, col] = displayed;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const base = step.reduce((acc, s, a) => acc + (a === row || a === col ? 0 : s * strides[a]), 0);
  const data = layer.data.data as ArrayLike<number | bigint>;
  const out = new Uint8Array(shape[row] * shape[col]);
  for (let r = 0; r < shape[row]; r++) for (let c = 0; c < shape[col]; c++) out[r * shape[col] + c] = data[base + r * strides[row] + c * strides[col]] ? 1 : 0;
  return out;
}
