import { TypedArray } from '../dtypes';
import { NDArray } from '../ndarray';
import { stridesOf } from '../slicing';
import { BoundingBox, emptyDiff, filledLike, IndexArray, LabelDiff, LabelValue, newIndexArray, ValueArray, valuesOf } from './diff';

export { stridesOf };

/**
 * Bucket fill for labels, as napari's Labels `fill`: every element equal to the value at
 * `seed` that is connected to it through face neighbours (4-connectivity in a plane,
 * 6-connectivity in a volume; scipy.ndimage.label with connectivity 1, the same region as
 * skimage.segmentation.flood_fill(connectivity=1)) becomes `newValue`. With
 * `contiguous: false`, every element equal to the seed value in the plane/volume changes.
 *
 * Only the `axes` (usually 2 or 3 of the data's axes) are searched; every other axis stays at the
 * seed's index, which is how a 2D fill on one slice of a 3D/4D stack works.
 */
export interface FillOptions {
  /** Data axes the region may extend along; any 1 to 3 distinct axes. */
  readonly axes: readonly number[];
  /** Default true: only the connected region; false: every equal element. */
  readonly contiguous?: boolean;
}

/**
 * Fills in place and returns the diff (indices, old values, new values, dirty box) that
 * undoes or redoes the fill. Scanline algorithm with an explicit stack: no recursion, and no
 * visited mask (an element already set to `newValue` no longer matches), so the only memory
 * that grows with the region is the diff itself. Returns an empty diff when the seed already
 * holds `newValue`.
 */
export function floodFill(array: NDArray, seed: readonly number[], newValue: LabelValue, options: FillOptions): LabelDiff {
  const { shape } = array;
  checkSeed(shape, seed);
  const axes = checkAxes(shape.length, options.axes);
  const data = valuesOf(array.data);
  const strides = stridesOf(shape);
  const seedIndex = seed.reduce((acc, s, i) => acc + s * strides[i], 0);
  const oldValue = data[seedIndex];
  if (typeof newValue !== typeof oldValue) {
    throw new TypeError(`fill value ${String(newValue)} is a ${typeof newValue} but ${array.dtype} elements are ${typeof oldValue}s`);
  }
  if (oldValue === newValue) {
    return emptyDiff(array.data);
  }
  // Scan along the fill axis with the smallest stride (usually the last): memory order.
  const order = [...axes].sort((a, b) => strides[a] - strides[b]);
  const [u, v, w] = [order[0], order[1], order[2]];
  const geometry: Geometry = {
    U: shape[u],
    su: strides[u],
    V: v === undefined ? 1 : shape[v],
    sv: v === undefined ? 0 : strides[v],
    W: w === undefined ? 1 : shape[w],
    sw: w === undefined ? 0 : strides[w],
    // Flat index of the sub-box origin: seed with the fill axes set to 0.
    base: seedIndex - axes.reduce((acc, a) => acc + seed[a] * strides[a], 0)
  };
  const start: [number, number, number] = [seed[u], v === undefined ? 0 : seed[v], w === undefined ? 0 : seed[w]];
  const region = new Region(data.length);
  if (options.contiguous === false) {
    fillAllEqual(array.data, oldValue, newValue, geometry, region);
  } else if (array.data instanceof BigUint64Array || array.data instanceof BigInt64Array) {
    const words = new Uint32Array(array.data.buffer, array.data.byteOffset, 2 * array.data.length);
    fillConnectedWide(words, oldValue as bigint, newValue as bigint, geometry, start, region);
  } else {
    fillConnectedNarrow(data, oldValue, newValue, geometry, start, region);
  }
  const count = region.count;
  let box: BoundingBox | null = null;
  if (count > 0) {
    box = seed.map(s => [s, s + 1] as [number, number]);
    order.forEach((axis, k) => (box![axis] = [region.lo[k], region.hi[k] + 1]));
  }
  return {
    indices: region.indices.slice(0, count),
    before: filledLike(array.data, count, oldValue),
    after: filledLike(array.data, count, newValue),
    box
  };
}

/** The fill region as a sub-box of the data: scan axis (U, su), then V, W, from `base`. */
interface Geometry {
  U: number;
  su: number;
  V: number;
  sv: number;
  W: number;
  sw: number;
  base: number;
}

/** The filled indices in fill order (growable), and their box in scan/V/W coordinates. */
class Region {
  indices: IndexArray;
  count = 0;
  readonly lo = [Infinity, Infinity, Infinity];
  readonly hi = [-1, -1, -1];
  constructor(private readonly elementCount: number) {
    this.indices = newIndexArray(1024, elementCount);
  }
  /** Records the run [l, r) of line (v, w), whose first flat index is `first`. */
  addRun(first: number, step: number, l: number, r: number, v: number, w: number): void {
    const needed = this.count + (r - l);
    if (needed > this.indices.length) {
      const grown = newIndexArray(Math.max(needed, 2 * this.indices.length), this.elementCount);
      grown.set(this.indices);
      this.indices = grown;
    }
    const indices = this.indices;
    let k = this.count;
    for (let x = l, index = first; x < r; x++, index += step) indices[k++] = index;
    this.count = k;
    if (l < this.lo[0]) this.lo[0] = l;
    if (r - 1 > this.hi[0]) this.hi[0] = r - 1;
    if (v < this.lo[1]) this.lo[1] = v;
    if (v > this.hi[1]) this.hi[1] = v;
    if (w < this.lo[2]) this.lo[2] = w;
    if (w > this.hi[2]) this.hi[2] = w;
  }
}

/**
 * Kernels come in two copies: `narrow` for up to 32-bit ids (read straight from the typed
 * array) and `wide` for 64-bit ids, compared as two 32-bit words of a Uint32Array view,
 * because reading a BigInt64Array allocates a BigInt per element (several times slower).
 * One kernel with a matcher function or an inline `wide` branch measured 1.5-2x slower than
 * these straight loops, hence the duplication.
 */
function fillConnectedNarrow(
  values: ValueArray,
  oldValue: LabelValue,
  newValue: LabelValue,
  g: Geometry,
  start: readonly number[],
  region: Region
): void {
  const { U, su, V, sv, W, sw, base } = g;
  const stack = new SeedStack();
  stack.push(start[0], start[1], start[2]);
  while (stack.top > 0) {
    const w = stack.data[--stack.top];
    const v = stack.data[--stack.top];
    const x = stack.data[--stack.top];
    const lineBase = base + v * sv + w * sw;
    // Another run may have taken this seed since it was pushed.
    if (values[lineBase + x * su] !== oldValue) continue;
    let l = x;
    while (l > 0 && values[lineBase + (l - 1) * su] === oldValue) l--;
    let r = x + 1;
    while (r < U && values[lineBase + r * su] === oldValue) r++;
    // Writing the new value is what marks the run as visited.
    for (let i = l, index = lineBase + l * su; i < r; i++, index += su) values[index] = newValue;
    region.addRun(lineBase + l * su, su, l, r, v, w);
    for (const [nv, nw] of neighbourLines(v, w, V, W)) {
      // One seed per run of matching elements of the neighbouring line within [l, r).
      let inRun = false;
      for (let i = l, index = base + l * su + nv * sv + nw * sw; i < r; i++, index += su) {
        const matches = values[index] === oldValue;
        if (matches && !inRun) stack.push(i, nv, nw);
        inRun = matches;
      }
    }
  }
}

function fillConnectedWide(words: Uint32Array, oldValue: bigint, newValue: bigint, g: Geometry, start: readonly number[], region: Region): void {
  const { U, su, V, sv, W, sw, base } = g;
  const [oldLo, oldHi] = wordsOf(oldValue);
  const [newLo, newHi] = wordsOf(newValue);
  // Word 2i is the low half of element i (little-endian, as every SegLab array).
  const matches = (i: number): boolean => words[2 * i] === oldLo && words[2 * i + 1] === oldHi;
  const stack = new SeedStack();
  stack.push(start[0], start[1], start[2]);
  while (stack.top > 0) {
    const w = stack.data[--stack.top];
    const v = stack.data[--stack.top];
    const x = stack.data[--stack.top];
    const lineBase = base + v * sv + w * sw;
    if (!matches(lineBase + x * su)) continue;
    let l = x;
    while (l > 0 && matches(lineBase + (l - 1) * su)) l--;
    let r = x + 1;
    while (r < U && matches(lineBase + r * su)) r++;
    for (let i = l, index = lineBase + l * su; i < r; i++, index += su) {
      words[2 * index] = newLo;
      words[2 * index + 1] = newHi;
    }
    region.addRun(lineBase + l * su, su, l, r, v, w);
    for (const [nv, nw] of neighbourLines(v, w, V, W)) {
      let inRun = false;
      for (let i = l, index = base + l * su + nv * sv + nw * sw; i < r; i++, index += su) {
        const m = matches(index);
        if (m && !inRun) stack.push(i, nv, nw);
        inRun = m;
      }
    }
  }
}

/** The lines (v, w) that share a face with line (v, w): up to 4 in a volume, 2 in a plane. */
function neighbourLines(v: number, w: number, V: number, W: number): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  if (v > 0) lines.push([v - 1, w]);
  if (v + 1 < V) lines.push([v + 1, w]);
  if (w > 0) lines.push([v, w - 1]);
  if (w + 1 < W) lines.push([v, w + 1]);
  return lines;
}

/** Pending seeds (x, v, w), growable. */
class SeedStack {
  data = new Int32Array(3 * 256);
  top = 0;
  push(x: number, v: number, w: number): void {
    if (this.top + 3 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.top++] = x;
    this.data[this.top++] = v;
    this.data[this.top++] = w;
  }
}

function fillAllEqual(data: TypedArray, oldValue: LabelValue, newValue: LabelValue, g: Geometry, region: Region): void {
  const wide = data instanceof BigUint64Array || data instanceof BigInt64Array;
  const values = valuesOf(data);
  const words = wide ? new Uint32Array(data.buffer, data.byteOffset, 2 * data.length) : null;
  const [oldLo, oldHi] = wide ? wordsOf(oldValue as bigint) : [0, 0];
  const [newLo, newHi] = wide ? wordsOf(newValue as bigint) : [0, 0];
  const { U, su, V, sv, W, sw, base } = g;
  // One pass over every line; only the comparison differs between narrow and wide ids.
  for (let w = 0; w < W; w++) {
    for (let v = 0; v < V; v++) {
      const lineBase = base + v * sv + w * sw;
      let runStart = -1;
      for (let x = 0, index = lineBase; x <= U; x++, index += su) {
        const matches = x < U && (words ? words[2 * index] === oldLo && words[2 * index + 1] === oldHi : values[index] === oldValue);
        if (matches) {
          if (runStart < 0) runStart = x;
        } else if (runStart >= 0) {
          region.addRun(lineBase + runStart * su, su, runStart, x, v, w);
          runStart = -1;
        }
      }
    }
  }
  // Write afterwards: the region's indices are exactly the elements to change.
  const indices = region.indices;
  for (let k = 0; k < region.count; k++) {
    const index = indices[k];
    if (words) {
      words[2 * index] = newLo;
      words[2 * index + 1] = newHi;
    } else {
      values[index] = newValue;
    }
  }
}

function wordsOf(value: bigint): [number, number] {
  const bits = BigInt.asUintN(64, value);
  return [Number(bits & 0xffffffffn), Number(bits >> 32n)];
}

function checkSeed(shape: readonly number[], seed: readonly number[]): void {
  const inside = seed.length === shape.length && seed.every((s, i) => Number.isInteger(s) && s >= 0 && s < shape[i]);
  if (!inside) {
    throw new RangeError(`fill seed [${seed.join(', ')}] is not an integer index inside shape [${shape.join(', ')}]`);
  }
}

function checkAxes(ndim: number, axes: readonly number[]): number[] {
  const valid =
    axes.length >= 1 &&
    axes.length <= 3 &&
    new Set(axes).size === axes.length &&
    axes.every(a => Number.isInteger(a) && a >= 0 && a < ndim);
  if (!valid) {
    throw new RangeError(`fill axes must be 1 to 3 distinct axes of a ${ndim}D array, got [${axes.join(', ')}]`);
  }
  return [...axes];
}
