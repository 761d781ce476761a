// Covers src/core/labels/floodFill.ts: connectivity, non-contiguous mode, planes of volumes,
// 64-bit ids, the returned diff and box, and parity with skimage.segmentation.flood_fill on
// the real nuclei label images.
import { DType, TypedArray } from '../../dtypes';
import { NDArray } from '../../ndarray';
import { applyDiff, LabelValue } from '../diff';
import { floodFill } from '../floodFill';
import { arr, boxOf, copyOf, listOf, sameBytes } from './arrays';
import { itWithReference, numbersOf, runReference } from './pythonReference';

describe('floodFill on small arrays', () => {
  // 0 1 0 0
  // 1 0 0 1
  // 0 0 1 1
  const grid = () => arr('uint8', [3, 4], Uint8Array.from([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1]));

  it('spreads through edges only (4-connectivity), not corners', () => {
    const a = grid();
    const diff = floodFill(a, [1, 1], 7, { axes: [0, 1] });
    // (0,0) touches (1,1) only diagonally, so it stays 0.
    expect(listOf(a.data)).toEqual([0, 1, 7, 7, 1, 7, 7, 1, 7, 7, 1, 1]);
    expect(Array.from(diff.indices).sort((x, y) => x - y)).toEqual([2, 3, 5, 6, 8, 9]);
    expect(listOf(diff.before)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(listOf(diff.after)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(diff.box).toEqual([[0, 3], [0, 4]]);
  });

  it('replaces every equal pixel when not contiguous', () => {
    const a = grid();
    floodFill(a, [1, 1], 7, { axes: [0, 1], contiguous: false });
    expect(listOf(a.data)).toEqual([7, 1, 7, 7, 1, 7, 7, 1, 7, 7, 1, 1]);
  });

  it('returns a diff that undoes and redoes the fill exactly', () => {
    const a = grid();
    const original = listOf(a.data);
    const diff = floodFill(a, [0, 1], 9, { axes: [0, 1] });
    const filled = listOf(a.data);
    applyDiff(a.data, diff, 'undo');
    expect(listOf(a.data)).toEqual(original);
    applyDiff(a.data, diff, 'redo');
    expect(listOf(a.data)).toEqual(filled);
  });

  it('changes nothing and returns an empty diff when the seed already has the value', () => {
    const a = grid();
    const diff = floodFill(a, [0, 1], 1, { axes: [0, 1] });
    expect(diff.indices.length).toBe(0);
    expect(diff.box).toBeNull();
    expect(listOf(a.data)).toEqual(listOf(grid().data));
  });

  it('fills 3D regions through faces (6-connectivity) and one plane when given two axes', () => {
    // 2 planes of 2x2: a column of 5s through both planes plus one 5 touching only diagonally.
    const volume = () => arr('int16', [2, 2, 2], Int16Array.from([5, 0, 0, 0, 5, 0, 0, 5]));
    const a = volume();
    floodFill(a, [0, 0, 0], -3, { axes: [0, 1, 2] });
    expect(listOf(a.data)).toEqual([-3, 0, 0, 0, -3, 0, 0, 5]);
    const b = volume();
    const diff = floodFill(b, [1, 0, 1], -3, { axes: [1, 2] });
    // Plane 1 only, and there (1, 1, 0) touches (1, 0, 1) only diagonally.
    expect(listOf(b.data)).toEqual([5, 0, 0, 0, 5, -3, 0, 5]);
    expect(diff.box).toEqual([[1, 2], [0, 1], [1, 2]]);
  });

  it('fills along non-trailing axes (an xz plane of a zyx volume)', () => {
    const shape = [3, 2, 4];
    const a = arr('uint32', shape, new Uint32Array(24));
    a.data[1 * 8 + 1 * 4 + 2] = 4; // a wall pixel in plane y = 1
    const diff = floodFill(a, [0, 1, 0], 6, { axes: [0, 2] });
    expect(diff.indices.length).toBe(3 * 4 - 1);
    for (let z = 0; z < 3; z++) {
      for (let x = 0; x < 4; x++) {
        expect(a.data[z * 8 + x]).toBe(0); // plane y = 0 untouched
        expect(a.data[z * 8 + 4 + x]).toBe(z === 1 && x === 2 ? 4 : 6);
      }
    }
    expect(diff.box).toEqual([[0, 3], [1, 2], [0, 4]]);
  });

  it('works on uint64 ids above 2^53 and negative int64 ids', () => {
    const big = 2n ** 63n + 12345n;
    const a = arr('uint64', [2, 3], BigUint64Array.from([big, big, 0n, 0n, big, 2n ** 64n - 1n]));
    const diff = floodFill(a, [0, 0], 2n ** 53n + 1n, { axes: [0, 1] });
    expect(listOf(a.data)).toEqual([2n ** 53n + 1n, 2n ** 53n + 1n, 0n, 0n, 2n ** 53n + 1n, 2n ** 64n - 1n]);
    expect(listOf(diff.before)).toEqual([big, big, big]);
    applyDiff(a.data, diff, 'undo');
    expect(a.data[4]).toBe(big);
    const s = arr('int64', [1, 3], BigInt64Array.from([-(2n ** 62n), -(2n ** 62n), 1n]));
    floodFill(s, [0, 1], -1n, { axes: [0, 1] });
    expect(listOf(s.data)).toEqual([-1n, -1n, 1n]);
  });

  it('works on every integer dtype, extreme values included', () => {
    const cases: Array<[DType, TypedArray, LabelValue, LabelValue]> = [
      ['uint8', Uint8Array.from([255, 255, 0, 255]), 255, 7],
      ['int8', Int8Array.from([-128, -128, 0, -128]), -128, 127],
      ['uint16', Uint16Array.from([65535, 65535, 0, 65535]), 65535, 1],
      ['int16', Int16Array.from([-32768, -32768, 0, -32768]), -32768, 5],
      ['uint32', Uint32Array.from([2 ** 32 - 1, 2 ** 32 - 1, 0, 2 ** 32 - 1]), 2 ** 32 - 1, 3],
      ['int32', Int32Array.from([-(2 ** 31), -(2 ** 31), 0, -(2 ** 31)]), -(2 ** 31), 2 ** 31 - 1],
      ['uint64', BigUint64Array.from([2n ** 64n - 1n, 2n ** 64n - 1n, 0n, 2n ** 64n - 1n]), 2n ** 64n - 1n, 9n],
      ['int64', BigInt64Array.from([-(2n ** 63n), -(2n ** 63n), 0n, -(2n ** 63n)]), -(2n ** 63n), 2n ** 63n - 1n]
    ];
    for (const [dtype, data, old, value] of cases) {
      // 1x4 line: [old, old, 0, old]: the fill stops at the 0.
      const a = arr(dtype, [1, 4], data);
      const diff = floodFill(a, [0, 0], value, { axes: [0, 1] });
      expect({ dtype, values: listOf(a.data) }).toEqual({ dtype, values: [value, value, data[2], old] });
      expect(listOf(diff.before)).toEqual([old, old]);
    }
  });

  it('fills a region of one million pixels exactly', () => {
    // 1024 x 1024 background cut by a vertical wall with one gap: both halves are one region.
    const n = 1024;
    const a = arr('uint32', [n, n], new Uint32Array(n * n));
    for (let r = 0; r < n; r++) if (r !== 700) a.data[r * n + 300] = 1;
    const diff = floodFill(a, [5, 5], 2, { axes: [0, 1] });
    expect(diff.indices.length).toBe(n * n - (n - 1));
    const expected = new Uint32Array(n * n).fill(2);
    for (let r = 0; r < n; r++) if (r !== 700) expected[r * n + 300] = 1;
    expect(sameBytes(a, arr('uint32', [n, n], expected))).toBe(true);
    expect(diff.box).toEqual(boxOf(diff, [n, n]));
  });

  it('rejects seeds outside the array, bad axes and values of the wrong kind', () => {
    const a = grid();
    expect(() => floodFill(a, [3, 0], 1, { axes: [0, 1] })).toThrow(/seed \[3, 0\].*shape \[3, 4\]/);
    expect(() => floodFill(a, [0.5, 0], 1, { axes: [0, 1] })).toThrow(/integer index/);
    expect(() => floodFill(a, [0, 0], 1, { axes: [0, 2] })).toThrow(/axes/);
    expect(() => floodFill(a, [0, 0], 1, { axes: [1, 1] })).toThrow(/distinct/);
    const b = arr('uint64', [1, 2], new BigUint64Array(2));
    expect(() => floodFill(b, [0, 0], 1, { axes: [0, 1] })).toThrow(/bigint/);
  });
});

describe('floodFill parity with skimage.segmentation.flood_fill(connectivity=1)', () => {
  // Seeds on three objects and three background pixels, chosen by numpy, filled by skimage.
  const script = `
from skimage.segmentation import flood_fill
import tifffile
lab = tifffile.imread(os.path.join(DATA, arg["file"]))
emit("labels", lab)
ids = np.unique(lab)[1:]
seeds = [np.argwhere(lab == ids[k])[len(np.argwhere(lab == ids[k])) // 2] for k in (0, len(ids) // 3, len(ids) - 1)]
bg = np.argwhere(lab == 0)
seeds += [bg[0], bg[len(bg) // 2], bg[-1]]
emit("seeds", np.array(seeds))
for i, s in enumerate(seeds):
    emit(f"contiguous{i}", flood_fill(lab, tuple(s), arg["value"], connectivity=1))
    emit(f"all{i}", np.where(lab == lab[tuple(s)], arg["value"], lab).astype(lab.dtype))
if lab.ndim == 3:
    # 2D fills in the plane of each seed: the z plane, and the xz plane (axes 0 and 2).
    for i, s in enumerate(seeds):
        z, y, x = s
        out = lab.copy(); out[z] = flood_fill(lab[z], (y, x), arg["value"], connectivity=1)
        emit(f"plane{i}", out)
        out = lab.copy(); out[:, y, :] = flood_fill(lab[:, y, :], (z, x), arg["value"], connectivity=1)
        emit(f"xz{i}", out)
`;

  for (const [file, ndim] of [['nuclei2d/labels.tif', 2], ['nuclei3d/labels.tif', 3]] as const) {
    itWithReference(`matches exactly on ${file} (objects and background seeds)`, () => {
      const value = 999;
      const ref = runReference(script, { file, value });
      const labels = ref.labels;
      expect(labels.dtype).toBe('uint16');
      expect(labels.shape.length).toBe(ndim);
      const seeds = numbersOf(ref.seeds);
      const allAxes = ndim === 2 ? [0, 1] : [0, 1, 2];
      for (let i = 0; i < 6; i++) {
        const seed = seeds.slice(i * ndim, (i + 1) * ndim);
        const cases: Array<[string, number[], boolean]> = [
          [`contiguous${i}`, allAxes, true],
          [`all${i}`, allAxes, false]
        ];
        if (ndim === 3) cases.push([`plane${i}`, [1, 2], true], [`xz${i}`, [0, 2], true]);
        for (const [name, axes, contiguous] of cases) {
          const ours = copyOf(labels);
          const diff = floodFill(ours, seed, value, { axes, contiguous });
          expect({ name, equal: sameBytes(ours, ref[name]) }).toEqual({ name, equal: true });
          expect(diff.indices.length).toBeGreaterThan(0);
          expect(diff.box).toEqual(boxOf(diff, labels.shape as number[]));
        }
      }
    }, 60000);
  }

  itWithReference('matches on nuclei2d stored as uint64 ids beyond 2^53', () => {
    const ref = runReference(script, { file: 'nuclei2d/labels.tif', value: 999 });
    const offset = 2n ** 60n;
    const widen = (a: NDArray): NDArray =>
      arr('uint64', a.shape as number[], BigUint64Array.from(a.data as Uint16Array, v => (v === 0 ? 0n : BigInt(v) + offset)));
    const seeds = numbersOf(ref.seeds);
    for (let i = 0; i < 6; i++) {
      const ours = widen(ref.labels);
      floodFill(ours, seeds.slice(2 * i, 2 * i + 2), 999n + offset, { axes: [0, 1] });
      expect(sameBytes(ours, widen(ref[`contiguous${i}`]))).toBe(true);
      const all = widen(ref.labels);
      floodFill(all, seeds.slice(2 * i, 2 * i + 2), 999n + offset, { axes: [0, 1], contiguous: false });
      expect(sameBytes(all, widen(ref[`all${i}`]))).toBe(true);
    }
  }, 60000);
});
