/**
 * Where pixel classification's heavy work runs: features of image blocks, the samples at
 * scribbled pixels, trees, and predictions of blocks. `PixelEngine` is the interface; the
 * implementation here (`PixelWorkerHost`) does the work in the calling thread, and is what
 * each Web Worker of ./pixelPool.ts runs (and what tests and a worker-less page use).
 *
 * A host keeps one image plane and the features of the blocks it computed (LRU by bytes), so
 * training samples and then predictions of the same block reuse them.
 */

import { Block } from '../../core/features/pad';
import { computeBlockFeatures } from '../../core/features/blockFeatures';
import { embeddingBlockFeatures, EmbeddingGrid } from '../../core/features/embeddingFeatures';
import type { FeatureSpec } from '../../core/features/featureSet';
import type { Binned } from '../../core/forest/binning';
import { accumulateCodes, CompiledForest, encodeFeatures } from '../../core/forest/compiled';
import { sizeOf } from '../../core/ndarray';
import { PartialForest, trainTrees } from '../../core/forest/forest';

export interface PlaneData {
  /** Identifies the pixels (content hash and plane): a new key drops every cached block. */
  key: string;
  data: Float32Array;
  /** Spatial shape: a plane [h, w] or a volume [d, h, w]. */
  shape: number[];
  channels: number;
  /** Voxel size per axis (3D features scale σ by it). */
  spacing?: number[];
}

/** A foundation model's embedding of the plane, whose upsampled `channels` follow the filter features. */
export interface PlaneEmbeddingFeatures {
  /** Identifies the embedding (model and plane): a new key drops every cached block. */
  key: string;
  grid: EmbeddingGrid;
  channels: number[];
}

export interface PixelEngine {
  setPlane(plane: PlaneData): Promise<void>;
  /** Model features on (after the filters' features) or off (null). */
  setEmbedding(embedding: PlaneEmbeddingFeatures | null): Promise<void>;
  /** (nFeatures × indices.length) features at pixels of `block` (indices relative to the block, row-major). */
  samples(block: Block, specs: FeatureSpec[], indices: Int32Array): Promise<Float32Array>;
  trainTrees(binned: Binned, y: Uint8Array, nClasses: number, from: number, to: number, seed: number): Promise<PartialForest>;
  setForest(forest: CompiledForest | null): Promise<void>;
  /** (nClasses × block size) probabilities of `block`. */
  predict(block: Block, specs: FeatureSpec[]): Promise<Float32Array>;
  dispose(): void;
}

/** Cached block features above this many bytes are evicted, oldest first. */
export const FEATURE_CACHE_BYTES = 256 * 1024 ** 2;

export class PixelWorkerHost implements PixelEngine {
  private plane: PlaneData | null = null;
  private embedding: PlaneEmbeddingFeatures | null = null;
  private forest: CompiledForest | null = null;
  private readonly cache = new Map<string, Float32Array>();
  private cachedBytes = 0;

  async setPlane(plane: PlaneData): Promise<void> {
    if (this.plane?.key === plane.key) return;
    this.plane = plane;
    this.clearCache();
  }

  async setEmbedding(embedding: PlaneEmbeddingFeatures | null): Promise<void> {
    if (this.embedding?.key === embedding?.key) return;
    this.embedding = embedding;
    this.clearCache();
  }

  async samples(block: Block, specs: FeatureSpec[], indices: Int32Array): Promise<Float32Array> {
    const features = this.features(block, specs);
    const size = sizeOf(block.shape);
    const nf = features.length / size;
    const out = new Float32Array(nf * indices.length);
    for (let f = 0; f < nf; f++) for (let k = 0; k < indices.length; k++) out[f * indices.length + k] = features[f * size + indices[k]];
    return out;
  }

  async trainTrees(binned: Binned, y: Uint8Array, nClasses: number, from: number, to: number, seed: number): Promise<PartialForest> {
    return trainTrees(binned, y, nClasses, from, to, { seed });
  }

  async setForest(forest: CompiledForest | null): Promise<void> {
    this.forest = forest;
  }

  async predict(block: Block, specs: FeatureSpec[]): Promise<Float32Array> {
    if (!this.forest) throw new Error('no classifier trained yet');
    const features = this.features(block, specs);
    const size = sizeOf(block.shape);
    if (features.length !== this.forest.nFeatures * size) {
      throw new Error(`the classifier takes ${this.forest.nFeatures} features, this feature set makes ${features.length / size}`);
    }
    const sums = new Float32Array(this.forest.nClasses * size);
    accumulateCodes(this.forest, encodeFeatures(this.forest, features, size), size, sums);
    const inv = 1 / this.forest.roots.length;
    for (let i = 0; i < sums.length; i++) sums[i] *= inv;
    return sums;
  }

  dispose(): void {
    this.clearCache();
    this.plane = null;
    this.embedding = null;
    this.forest = null;
  }

  /** The filters' features, then the embedding's channels (either may be absent: model features alone). */
  private computeFeatures(plane: PlaneData, block: Block, specs: FeatureSpec[]): Float32Array {
    const size = sizeOf(block.shape);
    const filters = specs.length ? computeBlockFeatures({ data: plane.data, shape: plane.shape, channels: plane.channels, spacing: plane.spacing }, block, specs).data : new Float32Array(0);
    const e = this.embedding;
    if (!e) {
      if (!specs.length) throw new Error('no features: choose filters or turn the model features on');
      return filters;
    }
    if (plane.shape.length !== 2 || e.grid.planeShape[0] !== plane.shape[0] || e.grid.planeShape[1] !== plane.shape[1]) {
      throw new Error(`the embedding was computed for a ${e.grid.planeShape.join('×')} plane, the plane is ${plane.shape.join('×')}`);
    }
    const out = new Float32Array(filters.length + e.channels.length * size);
    out.set(filters);
    out.set(embeddingBlockFeatures(e.grid, block, e.channels), filters.length);
    return out;
  }

  private clearCache(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }

  private features(block: Block, specs: FeatureSpec[]): Float32Array {
    const plane = this.plane;
    if (!plane) throw new Error('no image plane set');
    const key = `${block.start.join(',')}:${block.shape.join(',')}:${JSON.stringify(specs)}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key); // re-inserted: most recently used last
      this.cache.set(key, hit);
      return hit;
    }
    const data = this.computeFeatures(plane, block, specs);
    this.cache.set(key, data);
    this.cachedBytes += data.byteLength;
    for (const [k, v] of this.cache) {
      if (this.cachedBytes <= FEATURE_CACHE_BYTES || k === key) break;
      this.cache.delete(k);
      this.cachedBytes -= v.byteLength;
    }
    return data;
  }
}

/** Which engine of `n` a block of a `tile` grid goes to: the same one every time (its features stay cached there). */
export function engineFor(block: Block, tile: readonly number[], n: number): number {
  let h = 0;
  block.start.forEach((s, a) => (h = (h * 7919 + Math.floor(s / tile[a])) % 1000003));
  return h % n;
}
