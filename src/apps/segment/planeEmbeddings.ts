/**
 * The embeddings of an image's planes, computed once each and kept in a small LRU (4 MiB per
 * plane), keyed by image layer, plane and model. A computation in flight is shared: asking
 * twice for the same plane runs the encoder once.
 */
import { planeOf } from '../../core/slicing';
import type { ImageLayer } from '../../viewer/model/imageLayer';
import type { AnnotatorEvents } from './annotator';
import { embedPlane, PlaneEmbedding, SegmentRuntime } from './planeSegmenter';
import type { PlaneRef } from './promptLayers';

/** Planes kept: 64 × 4 MiB. A 3D stack beyond that recomputes the oldest slices. */
export const DEFAULT_MAX_PLANES = 64;

export class PlaneEmbeddings {
  private readonly entries = new Map<string, Promise<PlaneEmbedding>>();

  constructor(
    private readonly runtime: () => Promise<SegmentRuntime>,
    private readonly maxPlanes = DEFAULT_MAX_PLANES
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(image: ImageLayer, plane: PlaneRef): boolean {
    return this.entries.has(keyOf(image, plane));
  }

  /** The plane's embeddings, from the LRU or computed now (with a progress line). */
  get(image: ImageLayer, plane: PlaneRef, events: AnnotatorEvents = {}, signal?: AbortSignal): Promise<PlaneEmbedding> {
    const key = keyOf(image, plane);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit;
    }
    const computing = (async () => {
      events.progress?.(`computing embeddings of "${image.name}"`, 0);
      try {
        const pixels = image.data;
        const channels = image.rgb ? pixels.shape[pixels.shape.length - 1] : 0;
        const data = planeOf(pixels, plane.step, plane.displayed, channels);
        const runtime = await this.runtime();
        return await embedPlane(runtime, data, image.rgb, signal);
      } finally {
        events.progress?.(null, 1);
      }
    })();
    this.entries.set(key, computing);
    computing.catch(() => this.entries.get(key) === computing && this.entries.delete(key)); // failures are not kept
    while (this.entries.size > this.maxPlanes) this.entries.delete(this.entries.keys().next().value!);
    return computing;
  }

  /** Puts embeddings computed elsewhere (the kernel, a file) in place for `plane`. */
  set(image: ImageLayer, plane: PlaneRef, embedding: PlaneEmbedding): void {
    this.entries.set(keyOf(image, plane), Promise.resolve(embedding));
  }

  clear(): void {
    this.entries.clear();
  }
}

function keyOf(image: ImageLayer, plane: PlaneRef): string {
  return `${image.id}|${plane.step.join(',')}|${plane.displayed.join(',')}`;
}
