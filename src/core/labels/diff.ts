import { TypedArray } from '../dtypes';

/**
 * Sparse record of a labels edit: which flat (C-order) element indices changed, their values
 * before and after, and the bounding box they lie in. Undo writes `before`, redo writes
 * `after`; nothing else is kept, so history memory grows with the edit, not with the layer.
 */

/** A label id as a typed array yields it: bigint for (u)int64 data, number otherwise. */
export type LabelValue = number | bigint;

/** Flat element indices; Float64Array only when the data has more than 2^32 elements. */
export type IndexArray = Uint32Array | Float64Array;

/** Per data axis, the half-open range [start, end) that an edit touched. */
export type BoundingBox = Array<[number, number]>;

export interface LabelDiff {
  readonly indices: IndexArray;
  /** Same element type as the edited data. */
  readonly before: TypedArray;
  readonly after: TypedArray;
  /** Where the changed elements lie; null when the diff is empty. */
  readonly box: BoundingBox | null;
}

/**
 * Element access that reads and writes number and bigint typed arrays alike. TypeScript
 * cannot type `data[i] = v` on a union of typed arrays, so edits go through this view.
 */
export interface ValueArray {
  [index: number]: LabelValue;
  readonly length: number;
}

export function valuesOf(array: TypedArray): ValueArray {
  return array as unknown as ValueArray;
}

type ValueArrayConstructor = new (length: number) => TypedArray;

/** The constructor of `array`, to allocate arrays of the same element type. */
export function constructorOf(array: TypedArray): ValueArrayConstructor {
  return array.constructor as ValueArrayConstructor;
}

/** An index array wide enough for flat indices into `elementCount` elements. */
export function newIndexArray(length: number, elementCount: number): IndexArray {
  return elementCount > 2 ** 32 ? new Float64Array(length) : new Uint32Array(length);
}

/** A typed array like `like`, of `length` elements all equal to `value`. */
export function filledLike(like: TypedArray, length: number, value: LabelValue): TypedArray {
  const out = new (constructorOf(like))(length);
  (out as unknown as { fill(v: LabelValue): void }).fill(value);
  return out;
}

export function emptyDiff(like: TypedArray): LabelDiff {
  const Ctor = constructorOf(like);
  return { indices: new Uint32Array(0), before: new Ctor(0), after: new Ctor(0), box: null };
}

/** Bytes a diff keeps alive: what the undo history charges for it. */
export function diffBytes(diff: LabelDiff): number {
  return diff.indices.byteLength + diff.before.byteLength + diff.after.byteLength;
}

/** Writes the diff's `after` values ('redo') or its `before` values ('undo') into `data`. */
export function applyDiff(data: TypedArray, diff: LabelDiff, direction: 'redo' | 'undo'): void {
  const source = direction === 'redo' ? diff.after : diff.before;
  if (source.constructor !== data.constructor) {
    throw new TypeError(`a diff of ${source.constructor.name} values cannot be applied to ${data.constructor.name} data`);
  }
  const target = valuesOf(data);
  const values = valuesOf(source);
  const { indices } = diff;
  for (let k = 0; k < indices.length; k++) {
    target[indices[k]] = values[k];
  }
}

/** The smallest box containing both (either may be null, meaning empty). */
export function unionBox(a: BoundingBox | null, b: BoundingBox | null): BoundingBox | null {
  if (!a) return b ? b.map(([s, e]) => [s, e]) : null;
  if (!b) return a.map(([s, e]) => [s, e]);
  return a.map(([s, e], i) => [Math.min(s, b[i][0]), Math.max(e, b[i][1])]);
}

/**
 * Accumulates changes to one array, for example all stamps of one brush stroke. A pixel
 * recorded twice keeps its first `before` and its last `after`; pixels that end where they
 * started are dropped from the result, since undoing them would do nothing.
 */
export class DiffBuilder {
  // index -> entry slot, as an open-addressing hash table in typed arrays: a JS Map of a
  // long stroke's pixels cost GC pauses and rehash spikes of tens of ms mid-stroke.
  private readonly table = new SlotTable();
  private indices: Float64Array;
  private before: TypedArray;
  private after: TypedArray;
  private count = 0;
  private box: BoundingBox | null = null;

  /** `like`: an array of the data's element type; `elementCount`: the data's length. */
  constructor(private readonly like: TypedArray, private readonly elementCount: number) {
    const Ctor = constructorOf(like);
    this.indices = new Float64Array(256);
    this.before = new Ctor(256);
    this.after = new Ctor(256);
  }

  get size(): number {
    return this.count;
  }

  record(index: number, before: LabelValue, after: LabelValue): void {
    const slot = this.table.find(index);
    if (slot >= 0) {
      valuesOf(this.after)[slot] = after;
      return;
    }
    if (this.count === this.indices.length) this.grow();
    const k = this.count++;
    this.table.insert(index, k, this.indices);
    this.indices[k] = index;
    valuesOf(this.before)[k] = before;
    valuesOf(this.after)[k] = after;
  }

  includeBox(box: BoundingBox | null): void {
    this.box = unionBox(this.box, box);
  }

  /** Records every entry of `diff` as happening after what was recorded so far. */
  append(diff: LabelDiff): void {
    const before = valuesOf(diff.before);
    const after = valuesOf(diff.after);
    for (let k = 0; k < diff.indices.length; k++) this.record(diff.indices[k], before[k], after[k]);
    this.includeBox(diff.box);
  }

  build(): LabelDiff {
    const before = valuesOf(this.before);
    const after = valuesOf(this.after);
    let kept = 0;
    for (let k = 0; k < this.count; k++) if (before[k] !== after[k]) kept++;
    const Ctor = constructorOf(this.like);
    const out = {
      indices: newIndexArray(kept, this.elementCount),
      before: new Ctor(kept),
      after: new Ctor(kept)
    };
    const outBefore = valuesOf(out.before);
    const outAfter = valuesOf(out.after);
    let j = 0;
    for (let k = 0; k < this.count; k++) {
      if (before[k] === after[k]) continue;
      out.indices[j] = this.indices[k];
      outBefore[j] = before[k];
      outAfter[j] = after[k];
      j++;
    }
    return { ...out, box: kept > 0 ? this.box : null };
  }

  private grow(): void {
    const size = this.indices.length * 2;
    const Ctor = constructorOf(this.like);
    const indices = new Float64Array(size);
    indices.set(this.indices);
    const before = new Ctor(size);
    (before as unknown as { set(a: TypedArray): void }).set(this.before);
    const after = new Ctor(size);
    (after as unknown as { set(a: TypedArray): void }).set(this.after);
    this.indices = indices;
    this.before = before;
    this.after = after;
  }
}

/**
 * Flat index -> slot, open addressing with linear probing. Keys are stored as index + 1 in a
 * Float64Array (0 marks an empty cell), so indices beyond 2^32 work too.
 */
class SlotTable {
  private keys = new Float64Array(1024);
  private slots = new Int32Array(1024);
  private size = 0;

  find(index: number): number {
    const mask = this.keys.length - 1;
    for (let cell = hashIndex(index) & mask; ; cell = (cell + 1) & mask) {
      const key = this.keys[cell];
      if (key === 0) return -1;
      if (key === index + 1) return this.slots[cell];
    }
  }

  /** Adds an index known to be absent; `allIndices[0..slot]` lets it rehash when growing. */
  insert(index: number, slot: number, allIndices: Float64Array): void {
    if (2 * (this.size + 1) > this.keys.length) {
      // Keep the load under 1/2; rebuild from the entries rather than the old table.
      this.keys = new Float64Array(this.keys.length * 2);
      this.slots = new Int32Array(this.keys.length);
      this.size = 0;
      for (let k = 0; k < slot; k++) this.place(allIndices[k], k);
    }
    this.place(index, slot);
  }

  private place(index: number, slot: number): void {
    const mask = this.keys.length - 1;
    let cell = hashIndex(index) & mask;
    while (this.keys[cell] !== 0) cell = (cell + 1) & mask;
    this.keys[cell] = index + 1;
    this.slots[cell] = slot;
    this.size++;
  }
}

/** Fibonacci hashing of the low and high 32-bit halves of a flat index. */
function hashIndex(index: number): number {
  const mixed = Math.imul(index | 0, 0x9e3779b1) ^ Math.imul((index / 4294967296) | 0, 0x85ebca6b);
  return (mixed ^ (mixed >>> 15)) >>> 0;
}

/** One diff equivalent to applying `first` then `second` (same data array). */
export function mergeDiffs(first: LabelDiff, second: LabelDiff, elementCount: number): LabelDiff {
  const builder = new DiffBuilder(first.before, elementCount);
  builder.append(first);
  builder.append(second);
  return builder.build();
}
