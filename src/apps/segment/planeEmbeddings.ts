/**
 * The embeddings of an image's planes (or of a plane's tiles), computed once each and kept in
 * an EmbeddingCache (an LRU in memory, optionally a persistent tier in IndexedDB) under a key
 * of what determines them: the model, the plane's content hash, dtype and shape, the tile.
 * Changed pixels make a new key, so stale embeddings are never used. A computation in flight
 * is shared: asking twice for one plane runs the encoder once.
 */
import { contentHash } from '../../compute/embeddings/contentHash';
import { EmbeddingCache, embeddingKey } from '../../compute/embeddings/embeddingCache';
import type { NDArray } from '../../core/ndarray';
import { BlockBox, cropPlane, Tile } from '../../core/sam/tiling';
import { intensityRange, SAM_INPUT_SIZE } from '../../core/sam/transforms';
import { planeOf } from '../../core/slicing';
import type { ImageLayer } from '../../viewer/model/imageLayer';
import type { AnnotatorEvents } from './annotator';
import { embedPlane, PlaneEmbedding, SegmentRuntime } from './planeSegmenter';
import type { PlaneRef } from './promptLayers';

/** A plane's pixels with what the key and the tiles need; kept per plane until the image changes. */
interface PlaneData {
  pixels: NDArray;
  hash: string;
  range: [number, number];
}

export class PlaneEmbeddings {
  private readonly planes = new Map<string, PlaneData>();

  constructor(
    private readonly runtime: () => Promise<SegmentRuntime>,
    private readonly modelId: () => string,
    readonly cache: EmbeddingCache = new EmbeddingCache()
  ) {}

  /** The plane's (or, with `tile`, its outer block's) embeddings, from the cache or computed now. */
  async get(image: ImageLayer, plane: PlaneRef, events: AnnotatorEvents = {}, signal?: AbortSignal, tile?: Tile | null): Promise<PlaneEmbedding> {
    const data = this.planeData(image, plane);
    const key = embeddingKey({
      modelId: this.modelId(),
      imageHash: data.hash,
      dtype: data.pixels.dtype,
      shape: data.pixels.shape,
      tileBox: tile ? tile.outer : null,
      inputSize: SAM_INPUT_SIZE
    });
    const cached = await this.cache.getOrCompute(key, async () => {
      events.progress?.(`computing embeddings of "${image.name}"${tile ? ` (tile ${tile.id + 1})` : ''}`, 0);
      try {
        const pixels = tile ? cropOf(data.pixels, image.rgb, tile) : data.pixels;
        const e = await embedPlane(await this.runtime(), pixels, image.rgb, signal, data.range);
        return { features: e.embeddings, inputSize: e.inputSize, originalSize: e.originalSize };
      } finally {
        events.progress?.(null, 1);
      }
    });
    return { embeddings: cached.features, inputSize: cached.inputSize, originalSize: cached.originalSize };
  }

  /** Puts embeddings computed elsewhere (the kernel, a file) in place for a plane or tile. */
  async set(image: ImageLayer, plane: PlaneRef, embedding: PlaneEmbedding, tileBox?: BlockBox | null): Promise<void> {
    const data = this.planeData(image, plane);
    const key = embeddingKey({ modelId: this.modelId(), imageHash: data.hash, dtype: data.pixels.dtype, shape: data.pixels.shape, tileBox: tileBox ?? null, inputSize: SAM_INPUT_SIZE });
    await this.cache.put(key, { features: embedding.embeddings, inputSize: embedding.inputSize, originalSize: embedding.originalSize });
  }

  /** The plane's pixels (hashed once: a click must not rehash a large plane). */
  planeData(image: ImageLayer, plane: PlaneRef): PlaneData {
    const id = `${image.id}|${plane.step.join(',')}|${plane.displayed.join(',')}`;
    let data = this.planes.get(id);
    if (!data) {
      const all = image.data;
      const channels = image.rgb ? all.shape[all.shape.length - 1] : 0;
      const pixels = planeOf(all, plane.step, plane.displayed, channels);
      data = { pixels, hash: contentHash(pixels.data as ArrayBufferView), range: intensityRange(pixels, image.rgb) };
      this.planes.set(id, data);
      while (this.planes.size > 256) this.planes.delete(this.planes.keys().next().value!);
    }
    return data;
  }

  /** The image's pixels changed (or a new model): plane hashes are recomputed; the cache keeps old keys until they age out. */
  forgetPlanes(): void {
    this.planes.clear();
  }
}

function cropOf(pixels: NDArray, rgb: boolean, tile: Tile): NDArray {
  const [y0, x0, y1, x1] = tile.outer;
  const channels = rgb ? pixels.shape[2] : 1;
  const data = cropPlane(pixels.data as never, [pixels.shape[0], pixels.shape[1]], tile.outer, channels);
  return { dtype: pixels.dtype, shape: rgb ? [y1 - y0, x1 - x0, channels] : [y1 - y0, x1 - x0], data };
}
