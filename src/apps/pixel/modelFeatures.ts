/**
 * Model features for pixel classification: a SAM-family encoder's embedding of the plane
 * (../../core/features/embeddingFeatures.ts says how it becomes pixel features), taken from
 * the segment tool's model and embedding cache so that a plane is encoded once for segmenting
 * and classifying, checked, and sent to the engines once per plane and model.
 */
import { EmbeddingGrid, varyingChannels } from '../../core/features/embeddingFeatures';
import type { EmbeddingFeatureInfo } from '../../core/forest/portable';
import { SAM_INPUT_SIZE } from '../../core/sam/transforms';
import type { PixelEngine } from '../../compute/pixel/engine';
import type { ImageLayer } from '../../viewer/model/imageLayer';
import type { PlaneRef } from './planeIO';

/** SAM's embedding grid: 64 × 64 cells of 16 pixels over the 1024² input. */
export const EMBEDDING_GRID = 64;

/** Where model features come from (the Jupyter plugin gives the segment tool's model). */
export interface ModelFeatureSource {
  /** The model now in use (id, and its encoder's sha256 when known). */
  model(): { id: string; sha256: string | null };
  embedding(image: ImageLayer, plane: PlaneRef, signal: AbortSignal): Promise<{ embeddings: Float32Array; inputSize: [number, number]; originalSize: [number, number] }>;
}

export interface EmbeddingRequest {
  image: ImageLayer;
  plane: PlaneRef;
  /** The run's domain shape: model features need a plane. */
  shape: readonly number[];
  /** Identifies the plane's pixels (the engines' plane key). */
  planeKey: string;
  signal: AbortSignal;
  progress(label: string): void;
}

export class EmbeddingFeeder {
  /** The channels used, per embedding key (found once per plane and model). */
  private readonly channelsByKey = new Map<string, number[]>();
  /** What the engines hold now (null: no embedding). */
  private sentKey: string | null = null;

  /**
   * With `source`: the plane's embedding goes to the engines with its channels that vary over
   * the image, and the classifier's description of them is returned; without: engines get none.
   */
  async send(engines: readonly PixelEngine[], source: ModelFeatureSource | null, r: EmbeddingRequest): Promise<EmbeddingFeatureInfo | null> {
    if (!source) {
      if (this.sentKey !== null) await Promise.all(engines.map(e => e.setEmbedding(null)));
      this.sentKey = null;
      return null;
    }
    if (r.shape.length !== 2) throw new Error('model features are 2D: turn "3D" off to classify this image slice by slice');
    const [h, w] = r.shape;
    const model = source.model();
    r.progress(`embedding "${r.image.name}" with ${model.id}`);
    const e = await source.embedding(r.image, r.plane, r.signal);
    if (e.originalSize[0] !== h || e.originalSize[1] !== w) throw new Error(`the embedding is of a ${e.originalSize.join('×')} plane, "${r.image.name}" shows ${h}×${w}`);
    const cells = EMBEDDING_GRID * EMBEDDING_GRID;
    if (e.embeddings.length % cells !== 0) throw new Error(`the model's embedding has ${e.embeddings.length} values, not a multiple of ${EMBEDDING_GRID}×${EMBEDDING_GRID}`);
    const grid: EmbeddingGrid = { data: e.embeddings, channels: e.embeddings.length / cells, grid: EMBEDDING_GRID, frame: SAM_INPUT_SIZE, inputSize: e.inputSize, planeShape: [h, w] };
    const key = `${model.id}@${model.sha256 ?? ''}|${r.planeKey}`;
    let channels = this.channelsByKey.get(key);
    if (!channels) {
      channels = varyingChannels(grid);
      if (channels.length === 0) throw new Error(`${model.id}'s embedding of "${r.image.name}" is the same everywhere: it has nothing to classify by`);
      this.channelsByKey.set(key, channels);
      while (this.channelsByKey.size > 64) this.channelsByKey.delete(this.channelsByKey.keys().next().value!);
    }
    // Sent once per key (4 MB for SAM, copied to every worker).
    const used = channels; // (narrowed to defined for the closure below)
    if (key !== this.sentKey) await Promise.all(engines.map(en => en.setEmbedding({ key, grid, channels: used })));
    this.sentKey = key;
    return { model_id: model.id, model_sha256: model.sha256, channels: [...channels], grid: EMBEDDING_GRID, frame: SAM_INPUT_SIZE };
  }
}
