/**
 * Gets a model file's bytes: from the cache when it can tell the cached copy is the right one,
 * else downloaded with progress and cancellation, checked (size, sha256) and cached by content
 * hash. `fetch` and the server-path resolver are injected, so this runs unchanged in the page,
 * a worker and Node.
 *
 * When is a cached copy the right one?
 * - sha256 known up front (a manifest, or the settings): a cache hit skips the network.
 * - sha256 unknown: an index (source URL -> sha256 + the server's ETag / Last-Modified, kept in
 *   the cache too) lets a conditional request (If-None-Match / If-Modified-Since) ask the
 *   server; 304 serves the cached copy. The Jupyter server's /files/ handler (tornado's
 *   StaticFileHandler) answers those. Without a validator, or for a cross-origin URL (whose
 *   server would need to allow those headers in a CORS preflight and expose ETag), the file is
 *   downloaded again: a stale model gives wrong masks silently, a re-download only costs time.
 */

import { MAX_MODEL_FILE_BYTES, ModelEntry, ModelSource } from './types';
import { ModelCache } from './modelCache';
import { entryFromManifest } from './validate';

export type ProgressCallback = (loadedBytes: number, totalBytes: number | undefined) => void;

export interface LoadOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface LoadedFile {
  bytes: Uint8Array;
  sha256: string;
  /** True when no byte came over the network. */
  fromCache: boolean;
}

export interface CacheUsage {
  bytes: number;
  entries: number;
  persistent: boolean;
  /** Why the cache is not persistent (undefined when it is). */
  note?: string;
}

/** A download that failed: HTTP error, truncated body, wrong size or sha256, too large. */
export class ModelDownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}

export interface ModelStoreOptions {
  cache: ModelCache;
  /** URL of a file on the Jupyter server from its path relative to the server root. */
  resolveServerPath: (path: string) => string;
  fetch?: typeof fetch;
  /** The page's origin, to tell same-origin URLs (conditional requests allowed) from others. */
  origin?: string;
  warn?: (message: string) => void;
}

interface IndexRecord {
  sha256: string;
  bytes: number;
  etag?: string;
  lastModified?: string;
}

const INDEX_KEY = 'index.json';
const MANIFEST_MAX_BYTES = 1 << 20;
const shaKey = (sha256: string) => `sha256/${sha256}`;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('');
}

const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`;

function abortError(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The download was cancelled', 'AbortError');
}

export class ModelStore {
  readonly cache: ModelCache;
  private readonly fetchFn: typeof fetch;
  private readonly resolveServerPath: (path: string) => string;
  private readonly origin: string | undefined;
  private readonly warn: (message: string) => void;
  private index: Promise<Map<string, IndexRecord>> | null = null;
  private indexWrite: Promise<void> = Promise.resolve();

  constructor(options: ModelStoreOptions) {
    this.cache = options.cache;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.resolveServerPath = options.resolveServerPath;
    this.origin = options.origin ?? (globalThis as { location?: { origin?: string } }).location?.origin;
    this.warn = options.warn ?? (m => console.warn(`SegLab models: ${m}`));
  }

  /** The URL a server or url source is fetched from. */
  resolve(source: ModelSource): string {
    if (source.kind === 'server') return this.resolveServerPath(source.path);
    if (source.kind === 'url') return source.url;
    throw new ModelDownloadError('a kernel source has no URL: its bytes come from the kernel');
  }

  /** The bytes of one model file (see the file comment for when the cache answers). */
  async loadFile(source: ModelSource, options: LoadOptions = {}): Promise<LoadedFile> {
    const { signal, onProgress } = options;
    signal?.throwIfAborted();
    if (source.kind === 'kernel') {
      const bytes = await this.cache.get(shaKey(source.sha256));
      if (!bytes) {
        throw new ModelDownloadError(
          `the model file with sha256 ${source.sha256} came from the kernel and is no longer in the browser's model cache ` +
            `(cleared, or not persistent here); send the model from the kernel again`
        );
      }
      onProgress?.(bytes.byteLength, bytes.byteLength);
      return { bytes, sha256: source.sha256, fromCache: true };
    }
    if (source.bytes !== undefined && source.bytes > MAX_MODEL_FILE_BYTES) {
      throw new ModelDownloadError(`${this.resolve(source)} is ${source.bytes} bytes, more than the 4 GiB SegLab loads into a browser`);
    }
    const url = this.resolve(source);
    if (source.sha256) {
      const cached = await this.cache.get(shaKey(source.sha256));
      if (cached) {
        onProgress?.(cached.byteLength, cached.byteLength);
        return { bytes: cached, sha256: source.sha256, fromCache: true };
      }
    }
    const index = await this.loadIndex();
    const known = source.sha256 ? undefined : index.get(url);
    const conditional = known && (known.etag || known.lastModified) && this.sameOrigin(url) && (await this.cache.has(shaKey(known.sha256)));
    const headers: Record<string, string> = {};
    if (conditional && known) {
      if (known.etag) headers['If-None-Match'] = known.etag;
      if (known.lastModified) headers['If-Modified-Since'] = known.lastModified;
    }
    const response = await this.request(url, headers, signal);
    if (response.status === 304 && conditional && known) {
      void response.body?.cancel().catch(() => undefined);
      const cached = await this.cache.get(shaKey(known.sha256));
      if (cached) {
        onProgress?.(cached.byteLength, cached.byteLength);
        return { bytes: cached, sha256: known.sha256, fromCache: true };
      }
      // Evicted between the check and now: ask again without validators.
      return this.loadFile(source, options);
    }
    const bytes = await this.readBody(url, response, source, options);
    const sha256 = await sha256Hex(bytes);
    if (source.sha256 && sha256 !== source.sha256) {
      const sizes = source.bytes !== undefined && source.bytes !== bytes.byteLength ? ` (${bytes.byteLength} bytes, expected ${source.bytes})` : '';
      throw new ModelDownloadError(
        `downloaded ${url}: sha256 ${sha256} but expected ${source.sha256}${sizes}; the file changed since its manifest was written, or the download was corrupted`
      );
    }
    if (source.bytes !== undefined && bytes.byteLength !== source.bytes) {
      throw new ModelDownloadError(`downloaded ${url}: ${bytes.byteLength} bytes but expected ${source.bytes}`);
    }
    await this.remember(url, bytes, sha256, response);
    return { bytes, sha256, fromCache: false };
  }

  /**
   * Both files of `entry`, fetched side by side (so both sizes, and a total for the progress,
   * are known early). If one fails or `signal` aborts, the other is cancelled.
   */
  async loadModel(entry: ModelEntry, options: LoadOptions = {}): Promise<{ encoder: LoadedFile; decoder: LoadedFile }> {
    const inner = new AbortController();
    const stop = () => inner.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    const loaded = [0, 0];
    const totals: (number | undefined)[] = [entry.encoder.bytes, entry.decoder.bytes];
    const started = [false, false];
    const report = () => {
      const total = started.every(Boolean) && totals.every(t => t !== undefined) ? (totals[0] as number) + (totals[1] as number) : undefined;
      options.onProgress?.(loaded[0] + loaded[1], total);
    };
    const one = (source: ModelSource, i: number) =>
      this.loadFile(source, {
        signal: inner.signal,
        onProgress: (n, total) => {
          loaded[i] = n;
          totals[i] = total ?? totals[i];
          started[i] = true;
          report();
        }
      });
    try {
      const both = Promise.all([one(entry.encoder, 0), one(entry.decoder, 1)]);
      both.catch(() => inner.abort()); // the first failure cancels the other download
      const [encoder, decoder] = await both;
      return { encoder, decoder };
    } catch (err) {
      if (options.signal?.aborted) throw abortError(options.signal);
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
  }

  /** Reads and parses a seglab-model.json (never cached: it says which bytes are current). */
  async fetchManifest(
    manifest: ModelSource & { kind: 'server' | 'url' },
    overrides: { id?: string; name?: string; description?: string } = {},
    signal?: AbortSignal
  ): Promise<ModelEntry> {
    const url = this.resolve(manifest);
    const response = await this.request(url, {}, signal, 'no-cache');
    const text = new TextDecoder().decode(await this.readBody(url, response, { kind: 'url', url }, { signal }, MANIFEST_MAX_BYTES));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ModelDownloadError(`manifest ${url} is not JSON: ${(err as Error).message}`);
    }
    return entryFromManifest(json, manifest, overrides);
  }

  /** Puts bytes that did not come from a URL (the kernel's) into the cache; returns their source. */
  async putBytes(bytes: Uint8Array, expectedSha256?: string, what = 'model file'): Promise<ModelSource & { kind: 'kernel' }> {
    if (bytes.byteLength > MAX_MODEL_FILE_BYTES) throw new ModelDownloadError(`${what} is ${bytes.byteLength} bytes, more than 4 GiB`);
    const sha256 = await sha256Hex(bytes);
    if (expectedSha256 && sha256 !== expectedSha256.toLowerCase()) {
      throw new ModelDownloadError(`${what} from the kernel: sha256 ${sha256} but expected ${expectedSha256.toLowerCase()}`);
    }
    await this.cache.put(shaKey(sha256), bytes);
    return { kind: 'kernel', sha256, bytes: bytes.byteLength };
  }

  async usage(): Promise<CacheUsage> {
    const files = (await this.cache.list()).filter(r => r.key !== INDEX_KEY);
    return { bytes: files.reduce((s, r) => s + r.bytes, 0), entries: files.length, persistent: this.cache.persistent, note: this.cache.note };
  }

  /** Empties the cache (index included); returns what was freed. */
  async clear(): Promise<{ bytes: number; entries: number }> {
    await this.indexWrite;
    const had = (await this.cache.clear()).filter(r => r.key !== INDEX_KEY);
    this.index = Promise.resolve(new Map());
    return { bytes: had.reduce((s, r) => s + r.bytes, 0), entries: had.length };
  }

  private sameOrigin(url: string): boolean {
    if (!this.origin) return true; // Node, a worker without location: no CORS to worry about
    try {
      return new URL(url, this.origin).origin === this.origin;
    } catch {
      return false;
    }
  }

  private async request(url: string, headers: Record<string, string>, signal: AbortSignal | undefined, cache: RequestCache = 'no-store'): Promise<Response> {
    let response: Response;
    try {
      // no-store: the model cache holds the copy; the HTTP cache would be a second one.
      response = await this.fetchFn(url, { headers, signal, cache, credentials: 'same-origin' });
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      throw new ModelDownloadError(
        `could not download ${url}: ${(err as Error).message ?? err} (a URL on another server must allow this page's origin with CORS)`
      );
    }
    if (response.status === 304 && Object.keys(headers).length) return response;
    if (!response.ok) {
      // The body is not read: an error page can be large and says nothing the status does not.
      void response.body?.cancel().catch(() => undefined);
      const hint = response.status === 404 ? ' (no such file)' : response.status === 403 ? ' (not allowed: a hidden file, or outside the server root?)' : '';
      throw new ModelDownloadError(`could not download ${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${hint}`);
    }
    return response;
  }

  private async readBody(url: string, response: Response, source: ModelSource, options: LoadOptions, max = MAX_MODEL_FILE_BYTES): Promise<Uint8Array> {
    const { signal, onProgress } = options;
    const header = response.headers.get('Content-Length');
    const encoding = response.headers.get('Content-Encoding');
    // With a content encoding, Content-Length counts the compressed bytes, not what we read.
    const length = header !== null && /^\d+$/.test(header) && (!encoding || encoding === 'identity') ? Number(header) : undefined;
    const total = length ?? source.bytes;
    if (total !== undefined && total > max) {
      void response.body?.cancel().catch(() => undefined);
      throw new ModelDownloadError(`${url} is ${total} bytes (${mib(total)}), more than the ${mib(max)} SegLab loads${max === MAX_MODEL_FILE_BYTES ? ' into a browser' : ' for this file'}`);
    }
    if (!response.body) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      onProgress?.(bytes.byteLength, total ?? bytes.byteLength);
      return bytes;
    }
    const reader = response.body.getReader();
    // One buffer of the announced size: no second copy of a large file while joining chunks.
    let buffer = new Uint8Array(total ?? 1 << 20);
    let received = 0;
    onProgress?.(0, total);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (received + value.byteLength > max) {
          throw new ModelDownloadError(`${url} is more than ${mib(max)}, the most SegLab loads${max === MAX_MODEL_FILE_BYTES ? ' into a browser' : ''}`);
        }
        if (received + value.byteLength > buffer.byteLength) {
          if (length !== undefined) throw new ModelDownloadError(`downloaded ${url}: the server sent more than the ${length} bytes its Content-Length announced`);
          const grown = new Uint8Array(Math.min(max, Math.max(buffer.byteLength * 2, received + value.byteLength)));
          grown.set(buffer.subarray(0, received));
          buffer = grown;
        }
        buffer.set(value, received);
        received += value.byteLength;
        onProgress?.(received, total);
      }
    } catch (err) {
      void reader.cancel().catch(() => undefined);
      if (signal?.aborted) throw abortError(signal);
      if (err instanceof ModelDownloadError) throw err;
      const of = total !== undefined ? ` of ${total}` : '';
      throw new ModelDownloadError(
        `downloading ${url} failed after ${received}${of} bytes (the connection closed early?): ${(err as Error).message ?? err}`
      );
    }
    if (length !== undefined && received < length) {
      throw new ModelDownloadError(`downloaded ${url}: truncated, got ${received} of the ${length} bytes the server announced`);
    }
    return received === buffer.byteLength ? buffer : buffer.slice(0, received);
  }

  private loadIndex(): Promise<Map<string, IndexRecord>> {
    this.index ??= this.cache.get(INDEX_KEY).then(
      bytes => {
        try {
          const parsed = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : {};
          return new Map(Object.entries((parsed.sources ?? {}) as Record<string, IndexRecord>));
        } catch {
          return new Map<string, IndexRecord>(); // a damaged index only costs re-downloads
        }
      },
      () => new Map<string, IndexRecord>()
    );
    return this.index;
  }

  /** Caches the bytes under their hash and records which source they came from. */
  private async remember(url: string, bytes: Uint8Array, sha256: string, response: Response): Promise<void> {
    const index = await this.loadIndex();
    const etag = response.headers.get('ETag') ?? undefined;
    const lastModified = response.headers.get('Last-Modified') ?? undefined;
    index.set(url, { sha256, bytes: bytes.byteLength, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) });
    const write = async () => {
      await this.cache.put(shaKey(sha256), bytes);
      const json = JSON.stringify({ version: 1, sources: Object.fromEntries(index) });
      await this.cache.put(INDEX_KEY, new TextEncoder().encode(json));
    };
    // Serialised, so two downloads finishing together cannot write an older index last.
    this.indexWrite = this.indexWrite.then(write).catch(err => {
      // Quota exceeded and the like: the model still loads, it just is not cached.
      this.warn(`could not cache ${url} (${mib(bytes.byteLength)}): ${(err as Error).message ?? err}`);
    });
    await this.indexWrite;
  }
}
