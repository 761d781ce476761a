/**
 * SAM image embeddings cached by what determines them: an in-memory LRU bounded by bytes (one
 * SAM embedding is 256×64×64 float32 = 4 MiB), in front of an optional persistent tier
 * (IndexedDB in the browser, see persistentStore.ts).
 *
 * Keys (`embeddingKey`) are built from the model id, the seglab-hash64 of the plane's bytes
 * together with its dtype and shape, the tile's outer block (or none) and the encoder's input
 * size. Invalidation is by construction: any change of pixels, dtype, shape, tiling or model
 * makes a different key, so a stale embedding is never returned; old entries only age out of
 * the LRU / the persistent tier's byte bound. The plane is hashed whole even for a tile,
 * because SegLab's uint8 conversion uses the plane's min/max (seglab.embeddings documents
 * this).
 */

import type { PersistentTier } from './persistentStore';

export const EMBEDDING_KEY_VERSION = 1;

export interface EmbeddingKeyParts {
  modelId: string;
  /** contentHash of the plane's bytes. */
  imageHash: string;
  dtype: string;
  shape: readonly number[];
  /** The tile's outer block [y0, x0, y1, x1), or null/undefined for the whole plane. */
  tileBox?: readonly [number, number, number, number] | null;
  /** The encoder's input side (1024 for SAM). */
  inputSize: number;
}

export function embeddingKey(p: EmbeddingKeyParts): string {
  const tile = p.tileBox ? p.tileBox.join(',') : 'full';
  return [`v${EMBEDDING_KEY_VERSION}`, p.modelId, p.dtype, p.shape.join('x'), p.imageHash, tile, p.inputSize].join('|');
}

export interface CachedEmbedding {
  /** (256, 64, 64) float32 for SAM. */
  features: Float32Array;
  /** The image's size inside the encoder input (before padding). */
  inputSize: [number, number];
  /** The encoded image's (plane's or tile's) size. */
  originalSize: [number, number];
}

export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
  persistentHits: number;
  misses: number;
  evictions: number;
}

export interface EmbeddingCacheOptions {
  /** Bound of the in-memory tier (default 256 MiB: 64 SAM embeddings). */
  maxBytes?: number;
  persistent?: PersistentTier;
}

export class EmbeddingCache {
  readonly maxBytes: number;
  private readonly entries = new Map<string, CachedEmbedding>();
  private readonly pending = new Map<string, Promise<CachedEmbedding>>();
  private bytes = 0;
  private readonly counts = { hits: 0, persistentHits: 0, misses: 0, evictions: 0 };

  constructor(private readonly options: EmbeddingCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  get stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.bytes, ...this.counts };
  }

  /** Memory tier only, without touching the persistent one. */
  peek(key: string): CachedEmbedding | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used goes last
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** Memory, then the persistent tier (promoted to memory on a hit). */
  async get(key: string): Promise<CachedEmbedding | undefined> {
    const hit = this.peek(key);
    if (hit) {
      this.counts.hits++;
      return hit;
    }
    const stored = await this.options.persistent?.get(key);
    if (stored) {
      this.counts.persistentHits++;
      this.remember(key, stored);
      return stored;
    }
    this.counts.misses++;
    return undefined;
  }

  /** Stores in memory and (awaited) in the persistent tier. */
  async put(key: string, value: CachedEmbedding): Promise<void> {
    this.remember(key, value);
    await this.options.persistent?.put(key, value);
  }

  /** The cached value, or `compute()`'s (stored); concurrent calls for one key share one computation. */
  async getOrCompute(key: string, compute: () => Promise<CachedEmbedding>): Promise<CachedEmbedding> {
    const running = this.pending.get(key);
    if (running) return running;
    const task = (async () => {
      const cached = await this.get(key);
      if (cached) return cached;
      const value = await compute();
      await this.put(key, value);
      return value;
    })();
    this.pending.set(key, task);
    try {
      return await task;
    } finally {
      this.pending.delete(key);
    }
  }

  delete(key: string): void {
    const v = this.entries.get(key);
    if (v) {
      this.entries.delete(key);
      this.bytes -= v.features.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remember(key: string, value: CachedEmbedding): void {
    this.delete(key);
    const size = value.features.byteLength;
    if (size > this.maxBytes) return; // larger than the whole tier: not kept in memory
    while (this.bytes + size > this.maxBytes) {
      const [oldest, v] = this.entries.entries().next().value as [string, CachedEmbedding];
      this.entries.delete(oldest);
      this.bytes -= v.features.byteLength;
      this.counts.evictions++;
    }
    this.entries.set(key, value);
    this.bytes += size;
  }
}
