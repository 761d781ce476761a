/**
 * Filling the segment tool's embeddings ahead of the clicks: micro-sam's "precompute" (every
 * slice now, with progress and cancel) and embeddings computed elsewhere (the kernel's
 * seglab.embeddings, checked plane by plane against the viewer's own pixels).
 */
import type { ImageLayer } from '../../viewer/model/imageLayer';
import type { SegmentAnnotator } from './annotator';
import { PlaneRef, spatialShape } from './promptLayers';

/** One plane's (or tile's) embeddings from elsewhere. */
export interface ImportedEmbedding {
  z: number | null;
  imageHash: string;
  tileBox: [number, number, number, number] | null;
  inputSize: [number, number];
  originalSize: [number, number];
}

/**
 * micro-sam's "precompute": the embeddings of every slice along the first sliced axis (the
 * slices segment without waiting afterwards), with progress and cancel. Slices beyond the
 * LRU's bound push out the oldest. Returns how many were computed.
 */
export async function precomputeSlices(annotator: SegmentAnnotator, signal?: AbortSignal): Promise<number> {
  const image = annotator.image;
  const plane = annotator.currentPlane();
  if (!image || !plane) throw new Error('start the segment tool on an image first');
  const axis = [...plane.step.keys()].find(a => !plane.displayed.includes(a));
  if (axis === undefined) {
    await annotator.embeddingOf(image, plane, signal);
    return 1;
  }
  const n = image.shape[axis];
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort());
  let done = 0;
  try {
    for (let z = 0; z < n && !controller.signal.aborted; z++) {
      annotator.events.progress?.(`embedding slice ${z + 1} of ${n}`, z / n, () => controller.abort());
      await annotator.embeddings.get(image, { step: plane.step.map((s, a) => (a === axis ? z : s)), displayed: plane.displayed }, {}, controller.signal);
      done++;
    }
  } finally {
    annotator.events.progress?.(null, 1);
  }
  annotator.events.message?.(controller.signal.aborted ? `precompute cancelled after ${done} of ${n} slices` : `embeddings of all ${n} slices computed`, false);
  return done;
}

/**
 * Embeddings computed elsewhere (the kernel's seglab.embeddings) for `image`, one
 * (256, 64, 64) block per entry. An entry whose plane no longer has the content it was
 * computed from (its hash differs) is left out: that plane is encoded here when needed.
 */
export async function importEmbeddings(annotator: SegmentAnnotator, image: ImageLayer, entries: readonly ImportedEmbedding[], features: Float32Array): Promise<{ accepted: number; rejected: number }> {
  const size = 256 * 64 * 64;
  if (features.length !== entries.length * size) throw new RangeError(`expected ${entries.length} embeddings of ${size} values, got ${features.length} values`);
  const n = spatialShape(image).length;
  let accepted = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if ((e.z === null) !== (n === 2) || (e.z !== null && !(e.z < image.shape[0])) || n > 3) continue;
    const plane: PlaneRef = { step: e.z === null ? [0, 0] : [e.z, 0, 0], displayed: [n - 2, n - 1] };
    if (annotator.embeddings.planeData(image, plane).hash !== e.imageHash) continue;
    await annotator.embeddings.set(image, plane, { embeddings: features.slice(i * size, (i + 1) * size), inputSize: e.inputSize, originalSize: e.originalSize }, e.tileBox);
    accepted++;
  }
  return { accepted, rejected: entries.length - accepted };
}
