// Covers src/core/labels/diff.ts: applying diffs both ways, byte accounting, the stroke
// builder (first `before`, last `after`, no-op pixels dropped), merging and boxes.
import { applyDiff, DiffBuilder, diffBytes, emptyDiff, LabelDiff, mergeDiffs, newIndexArray, unionBox } from '../diff';
import { listOf } from './arrays';

describe('label diffs', () => {
  const diff = (indices: number[], before: number[], after: number[]): LabelDiff => ({
    indices: Uint32Array.from(indices),
    before: Uint16Array.from(before),
    after: Uint16Array.from(after),
    box: [[0, 1], [0, 8]]
  });

  it('applies after values on redo and before values on undo', () => {
    const data = Uint16Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const d = diff([1, 6], [2, 7], [40, 70]);
    applyDiff(data, d, 'redo');
    expect(listOf(data)).toEqual([1, 40, 3, 4, 5, 6, 70, 8]);
    applyDiff(data, d, 'undo');
    expect(listOf(data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses to apply values of another element type', () => {
    expect(() => applyDiff(new Uint8Array(8), diff([0], [0], [1]), 'redo')).toThrow(/Uint16Array.*Uint8Array/);
  });

  it('counts the bytes of indices, before and after', () => {
    expect(diffBytes(diff([1, 6, 7], [0, 0, 0], [1, 1, 1]))).toBe(3 * 4 + 3 * 2 + 3 * 2);
    expect(diffBytes(emptyDiff(new BigUint64Array(1)))).toBe(0);
    const wide: LabelDiff = { indices: new Uint32Array(2), before: new BigUint64Array(2), after: new BigUint64Array(2), box: null };
    expect(diffBytes(wide)).toBe(8 + 16 + 16);
  });

  it('uses 64-bit float indices only for arrays beyond 2^32 elements', () => {
    expect(newIndexArray(3, 2 ** 32)).toBeInstanceOf(Uint32Array);
    expect(newIndexArray(3, 2 ** 32 + 1)).toBeInstanceOf(Float64Array);
  });

  it('keeps the first before and last after of a pixel recorded twice', () => {
    const builder = new DiffBuilder(new Uint8Array(0), 100);
    builder.record(5, 0, 3);
    builder.record(9, 1, 3);
    builder.record(5, 3, 4);
    const d = builder.build();
    expect(listOf(d.indices)).toEqual([5, 9]);
    expect(listOf(d.before)).toEqual([0, 1]);
    expect(listOf(d.after)).toEqual([4, 3]);
    expect(d.before).toBeInstanceOf(Uint8Array);
  });

  it('drops pixels that end where they started, and has no box when empty', () => {
    const builder = new DiffBuilder(new Int32Array(0), 10);
    builder.includeBox([[2, 3]]);
    builder.record(2, -1, 7);
    builder.record(2, 7, -1);
    const d = builder.build();
    expect(d.indices.length).toBe(0);
    expect(d.box).toBeNull();
  });

  it('grows past its initial capacity and still finds every pixel recorded before', () => {
    const builder = new DiffBuilder(new Uint32Array(0), 100000);
    for (let i = 0; i < 5000; i++) builder.record(i * 7, i, i + 1);
    // Record every third pixel again, after several table growths.
    for (let i = 0; i < 5000; i += 3) builder.record(i * 7, 999999, 77);
    expect(builder.size).toBe(5000);
    const d = builder.build();
    expect(d.indices.length).toBe(5000);
    for (const i of [0, 1, 2, 3, 2998, 4999]) {
      expect(d.indices[i]).toBe(i * 7);
      expect(d.before[i]).toBe(i); // the first `before` survives
      expect(d.after[i]).toBe(i % 3 === 0 ? 77 : i + 1);
    }
  });

  it('tells apart flat indices beyond 2^32 that share their low 32 bits', () => {
    const builder = new DiffBuilder(new Uint8Array(0), 2 ** 40);
    builder.record(5, 0, 1);
    builder.record(2 ** 32 + 5, 0, 2);
    builder.record(2 ** 33 + 5, 0, 3);
    builder.record(2 ** 32 + 5, 2, 4);
    const d = builder.build();
    expect(d.indices).toBeInstanceOf(Float64Array);
    expect(listOf(d.indices)).toEqual([5, 2 ** 32 + 5, 2 ** 33 + 5]);
    expect(listOf(d.after)).toEqual([1, 4, 3]);
  });

  it('merges two successive diffs into one equivalent diff', () => {
    const start = Uint16Array.from([0, 0, 0, 0, 0, 0, 0, 0]);
    const data = start.slice();
    const first = diff([1, 2, 3], [0, 0, 0], [5, 5, 5]);
    applyDiff(data, first, 'redo');
    const second = diff([3, 4, 1], [5, 0, 5], [6, 6, 0]);
    applyDiff(data, second, 'redo');
    const merged = mergeDiffs(first, second, data.length);
    // Pixel 1 went 0 -> 5 -> 0: no net change, so it is not in the merged diff.
    expect(listOf(merged.indices)).toEqual([2, 3, 4]);
    expect(listOf(merged.before)).toEqual([0, 0, 0]);
    expect(listOf(merged.after)).toEqual([5, 6, 6]);
    const replay = start.slice();
    applyDiff(replay, merged, 'redo');
    expect(listOf(replay)).toEqual(listOf(data));
    applyDiff(data, merged, 'undo');
    expect(listOf(data)).toEqual(listOf(start));
  });

  it('keeps bigint values exact', () => {
    const builder = new DiffBuilder(new BigUint64Array(0), 4);
    builder.record(0, 2n ** 64n - 1n, 2n ** 53n + 1n);
    const d = builder.build();
    const data = new BigUint64Array(4);
    applyDiff(data, d, 'redo');
    expect(data[0]).toBe(2n ** 53n + 1n);
    applyDiff(data, d, 'undo');
    expect(data[0]).toBe(2n ** 64n - 1n);
  });

  it('unions boxes, treating null as empty', () => {
    expect(unionBox(null, null)).toBeNull();
    expect(unionBox([[1, 2], [5, 9]], null)).toEqual([[1, 2], [5, 9]]);
    expect(unionBox([[1, 2], [5, 9]], [[0, 1], [7, 12]])).toEqual([[0, 2], [5, 12]]);
  });
});
