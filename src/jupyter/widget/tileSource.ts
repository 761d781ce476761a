import { bytesPerElement, DType, TypedArray, typedArrayConstructor } from '../../core/dtypes';
import { ImageRegion, LazyImageSource } from '../../viewer/model/lazyImage';
import { FrontendMessage, TileData, tileRequestMessage } from '../protocol';

export interface TileSourceOptions {
  /** Requests the kernel may be working on at once (back-pressure: the rest wait here). */
  maxInFlight?: number;
  /** Browser memory for regions that arrived (values under the cursor, re-uploads). */
  cacheBytes?: number;
  /** A request unanswered this long counts as failed, so nothing waits forever on a dead kernel. */
  timeoutMs?: number;
  /** A queued request nobody asked for again within this long is dropped: the view moved on. */
  staleMs?: number;
  /** A failed region is asked again after this long (the kernel may be back). */
  retryMs?: number;
  now?: () => number;
}

interface Entry {
  region: ImageRegion;
  state: 'queued' | 'sent' | 'done' | 'failed';
  /** When a frame last asked for it: the newest are sent first. */
  wanted: number;
  sentAt?: number;
  requestId?: string;
  pixels?: TypedArray;
  error?: Error;
}

let requestCounter = 0;

const keyOf = (r: ImageRegion) => `${r.level}|${r.start.join(',')}|${r.stop.join(',')}|${r.step.join(',')}`;

/**
 * A lazy image layer's pixels, fetched from the kernel region by region (`tile-request` →
 * `tile-data`, PROTOCOL.md). At most `maxInFlight` requests are outstanding; the others
 * queue and go newest first, and queued ones no frame asked for lately are dropped, so a fast
 * pan never leaves the kernel reading tiles that have scrolled away. Arrived regions live in
 * a bytes-bounded LRU cache.
 */
export class KernelTileSource implements LazyImageSource {
  private readonly entries = new Map<string, Entry>();
  private readonly byRequest = new Map<string, string>();
  private queue: string[] = [];
  private inFlight = 0;
  private bytes = 0;
  private readonly options: Required<TileSourceOptions>;
  private disposed = false;

  constructor(
    readonly layerId: string,
    readonly dtype: DType,
    readonly shapes: readonly (readonly number[])[],
    readonly rgb: boolean,
    private readonly post: (message: FrontendMessage) => void,
    options: TileSourceOptions = {}
  ) {
    this.options = {
      maxInFlight: 6,
      cacheBytes: 128 * 1024 * 1024,
      timeoutMs: 30000,
      staleMs: 1000,
      retryMs: 10000,
      now: () => performance.now(),
      ...options
    };
  }

  /** Counters for tests and benchmarks. */
  get stats(): { cachedBytes: number; inFlight: number; queued: number; regions: number } {
    return { cachedBytes: this.bytes, inFlight: this.inFlight, queued: this.queue.length, regions: this.entries.size };
  }

  region(region: ImageRegion): TypedArray | null | Error {
    const now = this.options.now();
    const key = keyOf(region);
    let entry = this.entries.get(key);
    if (entry?.state === 'failed' && now - (entry.sentAt ?? 0) > this.options.retryMs) {
      this.entries.delete(key);
      entry = undefined;
    }
    if (entry?.state === 'sent' && now - entry.sentAt! > this.options.timeoutMs) {
      this.settle(entry, new Error(`the kernel did not answer a tile request within ${this.options.timeoutMs / 1000} s`));
    }
    if (entry) {
      entry.wanted = now;
      this.entries.delete(key); // re-inserted: Map order is the LRU order
      this.entries.set(key, entry);
      if (entry.state === 'done') return entry.pixels!;
      if (entry.state === 'failed') return entry.error!;
      return null;
    }
    if (this.disposed) return new Error('the viewer was closed');
    this.entries.set(key, { region: { level: region.level, start: [...region.start], stop: [...region.stop], step: [...region.step] }, state: 'queued', wanted: now });
    this.queue.push(key);
    this.pump();
    return null;
  }

  valueAt(index: readonly number[]): number[] | null {
    const channels = this.rgb ? this.shapes[0][this.shapes[0].length - 1] : 1;
    for (const entry of this.entries.values()) {
      const { region, pixels } = entry;
      if (entry.state !== 'done' || region.level !== 0) continue;
      let offset = 0;
      let inside = true;
      for (let a = 0; a < index.length && inside; a++) {
        const k = index[a] - region.start[a];
        inside = k >= 0 && index[a] < region.stop[a] && k % region.step[a] === 0;
        const n = Math.ceil((region.stop[a] - region.start[a]) / region.step[a]);
        offset = offset * n + k / region.step[a];
      }
      if (!inside) continue;
      return Array.from({ length: channels }, (_, ch) => Number(pixels![offset * channels + ch]));
    }
    return null;
  }

  /** A `tile-data` reply with its buffer; false when it answers no request of this source. */
  receive(message: TileData, buffer: Uint8Array): boolean {
    const key = this.byRequest.get(message.request_id);
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (!entry || entry.state !== 'sent') return key !== undefined;
    const expected = keyOf(message);
    if (expected !== key) {
      this.settle(entry, new Error(`the kernel answered a tile request with another region (${expected})`));
      return true;
    }
    const count = message.shape.reduce((a, n) => a * n, 1);
    if (message.dtype !== this.dtype || buffer.byteLength !== count * bytesPerElement(this.dtype)) {
      this.settle(entry, new Error(`expected ${count} ${this.dtype} values for shape (${message.shape.join(', ')}), got ${buffer.byteLength} bytes of ${message.dtype}`));
      return true;
    }
    // A copy into an aligned buffer of its own: the comm's buffer may be a view at any offset.
    const pixels = new (typedArrayConstructor(this.dtype))(count);
    new Uint8Array(pixels.buffer).set(buffer);
    this.settle(entry, pixels);
    return true;
  }

  /** An `error` naming one of this source's requests; false when it names none. */
  fail(requestId: string, message: string): boolean {
    const key = this.byRequest.get(requestId);
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (entry?.state === 'sent') this.settle(entry, new Error(message));
    return key !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.entries.clear();
    this.byRequest.clear();
    this.queue = [];
    this.bytes = 0;
  }

  private settle(entry: Entry, result: TypedArray | Error): void {
    if (entry.requestId) this.byRequest.delete(entry.requestId);
    this.inFlight--;
    if (result instanceof Error) {
      entry.state = 'failed';
      entry.error = result;
    } else {
      entry.state = 'done';
      entry.pixels = result;
      this.bytes += result.byteLength;
      this.evict();
    }
    this.pump();
  }

  private pump(): void {
    const now = this.options.now();
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const key = this.queue.pop()!; // newest first: what the view shows now
      const entry = this.entries.get(key);
      if (!entry || entry.state !== 'queued') continue;
      if (now - entry.wanted > this.options.staleMs) {
        this.entries.delete(key); // scrolled away; asked again if it comes back
        continue;
      }
      const requestId = `${this.layerId}:tile-${++requestCounter}`;
      entry.state = 'sent';
      entry.sentAt = now;
      entry.requestId = requestId;
      this.byRequest.set(requestId, key);
      this.inFlight++;
      this.post(tileRequestMessage(requestId, this.layerId, entry.region as TileData));
    }
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.options.cacheBytes) return;
      if (entry.state !== 'done') continue;
      this.bytes -= entry.pixels!.byteLength;
      this.entries.delete(key);
    }
  }
}
