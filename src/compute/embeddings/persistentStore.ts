/**
 * The persistent tier of the embedding cache: a byte-bounded store of embeddings that survives
 * a page reload, written against a small storage interface (`EmbeddingStorage`) so that the
 * logic (bound, eviction of the least recently used, validation of what comes back) is tested
 * in Node with `MemoryEmbeddingStorage`; `IndexedDBEmbeddingStorage` is the browser's.
 *
 * Records keep metadata and data apart (two object stores) so that listing entries to evict
 * never reads 4 MiB blobs. Several tabs may share one database: each keeps its own index of
 * sizes, so the bound is approximate across tabs (re-read on `open`).
 */

import type { CachedEmbedding } from './embeddingCache';

export interface StoredMeta {
  key: string;
  bytes: number;
  /** Last write or read (ms since the epoch): the eviction order. */
  lastUsed: number;
  inputSize: [number, number];
  originalSize: [number, number];
}

export interface EmbeddingStorage {
  getMeta(key: string): Promise<StoredMeta | undefined>;
  getData(key: string): Promise<ArrayBuffer | undefined>;
  put(meta: StoredMeta, data: ArrayBuffer): Promise<void>;
  putMeta(meta: StoredMeta): Promise<void>;
  delete(key: string): Promise<void>;
  listMeta(): Promise<StoredMeta[]>;
}

/** Node tests and browsers without IndexedDB. */
export class MemoryEmbeddingStorage implements EmbeddingStorage {
  readonly meta = new Map<string, StoredMeta>();
  readonly data = new Map<string, ArrayBuffer>();
  async getMeta(key: string) {
    const m = this.meta.get(key);
    return m && { ...m };
  }
  async getData(key: string) {
    return this.data.get(key);
  }
  async put(meta: StoredMeta, data: ArrayBuffer) {
    this.meta.set(meta.key, { ...meta });
    this.data.set(meta.key, data.slice(0));
  }
  async putMeta(meta: StoredMeta) {
    if (this.meta.has(meta.key)) this.meta.set(meta.key, { ...meta });
  }
  async delete(key: string) {
    this.meta.delete(key);
    this.data.delete(key);
  }
  async listMeta() {
    return [...this.meta.values()].map(m => ({ ...m }));
  }
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** IndexedDB: database `name` with object stores `meta` (keyPath 'key') and `data`. */
export class IndexedDBEmbeddingStorage implements EmbeddingStorage {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(name = 'seglab-embeddings', factory: IDBFactory = globalThis.indexedDB): Promise<IndexedDBEmbeddingStorage> {
    if (!factory) throw new Error('IndexedDB is not available here; use MemoryEmbeddingStorage');
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('data')) db.createObjectStore('data');
    };
    return new IndexedDBEmbeddingStorage(await request(req));
  }

  private store(names: string[], mode: IDBTransactionMode): IDBTransaction {
    return this.db.transaction(names, mode);
  }

  async getMeta(key: string): Promise<StoredMeta | undefined> {
    return request(this.store(['meta'], 'readonly').objectStore('meta').get(key));
  }

  async getData(key: string): Promise<ArrayBuffer | undefined> {
    return request(this.store(['data'], 'readonly').objectStore('data').get(key));
  }

  async put(meta: StoredMeta, data: ArrayBuffer): Promise<void> {
    const tx = this.store(['meta', 'data'], 'readwrite');
    tx.objectStore('data').put(data, meta.key);
    tx.objectStore('meta').put(meta);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (quota?)'));
    });
  }

  async putMeta(meta: StoredMeta): Promise<void> {
    await request(this.store(['meta'], 'readwrite').objectStore('meta').put(meta));
  }

  async delete(key: string): Promise<void> {
    const tx = this.store(['meta', 'data'], 'readwrite');
    tx.objectStore('meta').delete(key);
    tx.objectStore('data').delete(key);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }

  async listMeta(): Promise<StoredMeta[]> {
    return request(this.store(['meta'], 'readonly').objectStore('meta').getAll());
  }
}

export interface PersistentTierOptions {
  /** Bound of the tier (default 1 GiB: 256 SAM embeddings). */
  maxBytes?: number;
  now?: () => number;
}

/** Byte-bounded, least-recently-used-first eviction over an EmbeddingStorage. */
export class PersistentTier {
  readonly maxBytes: number;
  private index: Map<string, StoredMeta> | null = null;
  private readonly now: () => number;

  constructor(private readonly storage: EmbeddingStorage, options: PersistentTierOptions = {}) {
    this.maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  private async load(): Promise<Map<string, StoredMeta>> {
    if (!this.index) this.index = new Map((await this.storage.listMeta()).map(m => [m.key, m]));
    return this.index;
  }

  /** Total bytes stored (as this tab knows it). */
  async bytes(): Promise<number> {
    let n = 0;
    for (const m of (await this.load()).values()) n += m.bytes;
    return n;
  }

  async keys(): Promise<string[]> {
    return [...(await this.load()).keys()];
  }

  async get(key: string): Promise<CachedEmbedding | undefined> {
    const index = await this.load();
    const meta = (await this.storage.getMeta(key)) ?? undefined;
    if (!meta) {
      index.delete(key);
      return undefined;
    }
    const data = await this.storage.getData(key);
    if (!data || data.byteLength !== meta.bytes) {
      // Torn or foreign record: drop it rather than return wrong features.
      await this.storage.delete(key);
      index.delete(key);
      return undefined;
    }
    meta.lastUsed = this.now();
    index.set(key, meta);
    await this.storage.putMeta(meta);
    return { features: new Float32Array(data), inputSize: meta.inputSize, originalSize: meta.originalSize };
  }

  async put(key: string, value: CachedEmbedding): Promise<void> {
    const index = await this.load();
    const bytes = value.features.byteLength;
    if (bytes > this.maxBytes) return;
    index.delete(key);
    let total = 0;
    for (const m of index.values()) total += m.bytes;
    const oldestFirst = [...index.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const m of oldestFirst) {
      if (total + bytes <= this.maxBytes) break;
      await this.storage.delete(m.key);
      index.delete(m.key);
      total -= m.bytes;
    }
    const f = value.features;
    const data = f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer;
    const meta: StoredMeta = { key, bytes, lastUsed: this.now(), inputSize: value.inputSize, originalSize: value.originalSize };
    await this.storage.put(meta, data);
    index.set(key, meta);
  }

  async delete(key: string): Promise<void> {
    (await this.load()).delete(key);
    await this.storage.delete(key);
  }
}
