/**
 * Where downloaded model files are kept between sessions: a small key -> bytes interface, with
 * the browser's Cache Storage behind it (`caches.open('seglab-models')`), and an in-memory
 * implementation for when Cache Storage does not exist (an insecure context: a page served
 * over plain http from a host other than localhost; Node). Keys are strings such as
 * `sha256/<hex>`; ./modelStore.ts decides what they mean.
 */

export interface CacheRecord {
  key: string;
  bytes: number;
}

export interface ModelCache {
  /** False when the bytes are gone after a page reload. */
  readonly persistent: boolean;
  /** Why this cache is not persistent, in a sentence for the user (undefined when it is). */
  readonly note?: string;
  get(key: string): Promise<Uint8Array | undefined>;
  has(key: string): Promise<boolean>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<boolean>;
  list(): Promise<CacheRecord[]>;
  /** Removes everything; returns what was there. */
  clear(): Promise<CacheRecord[]>;
}

export const CACHE_NAME = 'seglab-models';
/**
 * Cache Storage keys must be http(s) requests; this origin is reserved (RFC 6761 .invalid),
 * so a key can never be confused with (or served as) a real resource.
 */
const KEY_PREFIX = 'https://seglab-models.invalid/';
const SIZE_HEADER = 'X-SegLab-Bytes';

/** The subset of the DOM's CacheStorage this needs (kept small so it is easy to see what is used). */
interface CacheStorageLike {
  open(name: string): Promise<Cache>;
  delete(name: string): Promise<boolean>;
}

export class CacheStorageModelCache implements ModelCache {
  readonly persistent = true;
  readonly note = undefined;

  constructor(
    private readonly storage: CacheStorageLike,
    private readonly name = CACHE_NAME
  ) {}

  private open(): Promise<Cache> {
    return this.storage.open(this.name);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const response = await (await this.open()).match(KEY_PREFIX + key);
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async has(key: string): Promise<boolean> {
    return (await (await this.open()).match(KEY_PREFIX + key)) !== undefined;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength), [SIZE_HEADER]: String(bytes.byteLength) };
    await (await this.open()).put(KEY_PREFIX + key, new Response(bytes, { headers }));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.open()).delete(KEY_PREFIX + key);
  }

  async list(): Promise<CacheRecord[]> {
    const cache = await this.open();
    const out: CacheRecord[] = [];
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(KEY_PREFIX)) continue;
      // The size header, not the body: listing must not read gigabytes.
      const response = await cache.match(request);
      out.push({ key: request.url.slice(KEY_PREFIX.length), bytes: Number(response?.headers.get(SIZE_HEADER) ?? 0) });
    }
    return out;
  }

  async clear(): Promise<CacheRecord[]> {
    const had = await this.list();
    await this.storage.delete(this.name);
    return had;
  }
}

/**
 * Keeps files in memory for this session, up to `maxBytes` (oldest use dropped first), so a
 * model opened twice is downloaded once and bytes the kernel sent stay available.
 */
export class MemoryModelCache implements ModelCache {
  readonly persistent = false;
  private readonly items = new Map<string, Uint8Array>();

  constructor(
    readonly note: string | undefined = 'models are kept in memory for this session only',
    private readonly maxBytes = 2 * 1024 ** 3
  ) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    const bytes = this.items.get(key);
    if (bytes) {
      this.items.delete(key);
      this.items.set(key, bytes); // most recently used last
    }
    return bytes;
  }

  async has(key: string): Promise<boolean> {
    return this.items.has(key);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.items.delete(key);
    this.items.set(key, bytes);
    let total = [...this.items.values()].reduce((s, b) => s + b.byteLength, 0);
    for (const [k, b] of this.items) {
      if (total <= this.maxBytes || k === key) break;
      this.items.delete(k);
      total -= b.byteLength;
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.items.delete(key);
  }

  async list(): Promise<CacheRecord[]> {
    return [...this.items].map(([key, b]) => ({ key, bytes: b.byteLength }));
  }

  async clear(): Promise<CacheRecord[]> {
    const had = await this.list();
    this.items.clear();
    return had;
  }
}

/**
 * The browser's Cache Storage when this page may use it, else a MemoryModelCache whose `note`
 * says why models will not survive a reload.
 */
export async function openModelCache(): Promise<ModelCache> {
  const g = globalThis as { caches?: CacheStorageLike; isSecureContext?: boolean };
  if (!g.caches) {
    const why = g.isSecureContext === false
      ? 'this page is not a secure context (served over plain http from a host other than localhost), so the browser offers no Cache Storage'
      : 'this browser offers no Cache Storage';
    return new MemoryModelCache(`${why}; models are kept in memory for this session only and downloaded again after a reload`);
  }
  try {
    await g.caches.open(CACHE_NAME); // fails e.g. in some private-browsing modes
    return new CacheStorageModelCache(g.caches);
  } catch (err) {
    return new MemoryModelCache(
      `the browser refused to open Cache Storage (${(err as Error).message ?? err}); models are kept in memory for this session only`
    );
  }
}
