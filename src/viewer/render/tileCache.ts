/**
 * A least-recently-used cache of GPU tiles bounded in bytes: what keeps GPU memory flat
 * however large the image or however long the user browses. Entries used by the frame being
 * drawn are never evicted by that frame (they are on screen), so the bound can be exceeded
 * only while the tiles visible at once exceed it, and is restored on the next frame.
 * Generic over the value and its release function, so the policy is tested without a GPU.
 */
export class LruTileCache<T> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  private readonly entries = new Map<string, { value: T; bytes: number; frame: number }>();
  private _bytes = 0;
  private frame = 0;

  constructor(
    private budgetBytes: number,
    private readonly release: (value: T) => void
  ) {}

  get bytes(): number {
    return this._bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get budget(): number {
    return this.budgetBytes;
  }

  setBudget(bytes: number): void {
    this.budgetBytes = bytes;
    this.evict();
  }

  /** Starts a frame: entries used from now on are pinned until the next call. */
  beginFrame(): void {
    this.frame++;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value, marked as used by the current frame; undefined when not cached. */
  use(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    entry.frame = this.frame;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Adds a value used by the current frame, then evicts down to the budget. */
  add(key: string, value: T, bytes: number): void {
    this.delete(key);
    this.entries.set(key, { value, bytes, frame: this.frame });
    this._bytes += bytes;
    this.evict();
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this._bytes -= entry.bytes;
    this.release(entry.value);
  }

  /** Drops every entry whose key starts with `prefix` (a removed layer, replaced data). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix)) this.delete(key);
    }
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this._bytes <= this.budgetBytes) return;
      if (entry.frame === this.frame) continue; // on screen now
      this.delete(key);
    }
  }
}
