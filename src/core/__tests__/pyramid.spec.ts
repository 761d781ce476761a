// Covers src/core/pyramid.ts: pyramid validation, level choice, strided planes and tile gathering
// against a plain index-by-index reference.
import { DType, typedArrayConstructor } from '../dtypes';
import { NDArray } from '../ndarray';
import { checkPyramid, chooseLevel, downsampleFactors, gatherTile, PyramidError, stridedPlane } from '../pyramid';
import { planeOf } from '../slicing';

function ramp(shape: number[], dtype: DType = 'uint16'): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new (typedArrayConstructor(dtype))(n);
  for (let i = 0; i < n; i++) data[i] = (dtype === 'int64' || dtype === 'uint64' ? BigInt(i % 60000) : (i * 7) % 60000) as never;
  return { dtype, shape, data };
}

describe('checkPyramid', () => {
  it('accepts levels that shrink, and names the level that does not', () => {
    expect(() => checkPyramid([ramp([64, 64]), ramp([32, 32]), ramp([16, 16])])).not.toThrow();
    expect(() => checkPyramid([ramp([8, 64, 64]), ramp([8, 32, 32])])).not.toThrow(); // Z kept
    expect(() => checkPyramid([ramp([64, 64]), ramp([64, 64])])).toThrow(/level 1 \(64, 64\) after \(64, 64\)/);
    expect(() => checkPyramid([ramp([64, 64]), ramp([32, 80])])).toThrow(/smaller than the one before/);
    expect(() => checkPyramid([ramp([64, 64]), ramp([32, 32], 'float32')])).toThrow(/dtype uint16, level 1 has float32/);
    expect(() => checkPyramid([ramp([64, 64]), ramp([2, 32, 32])])).toThrow(/2 axes like level 0/);
    expect(() => checkPyramid([ramp([64, 64, 3], 'uint8'), ramp([32, 32, 4], 'uint8')], 3)).toThrow(/colour channels/);
    expect(() => checkPyramid([])).toThrow(PyramidError);
  });
});

describe('downsampleFactors and chooseLevel', () => {
  it('computes napari-style factors, not always integers', () => {
    expect(downsampleFactors([100, 64], [50, 32], 2)).toEqual([2, 2]);
    expect(downsampleFactors([100, 64], [33, 32], 2)).toEqual([100 / 33, 2]);
  });

  it('picks the coarsest level whose pixels are at most one screen pixel', () => {
    const f: [number, number][] = [[1, 1], [2, 2], [4, 4], [8, 8]];
    expect(chooseLevel(f, [2, 2])).toBe(0); // magnified
    expect(chooseLevel(f, [1, 1])).toBe(0);
    expect(chooseLevel(f, [0.5, 0.5])).toBe(1);
    expect(chooseLevel(f, [0.3, 0.3])).toBe(1);
    expect(chooseLevel(f, [0.25, 0.25])).toBe(2);
    expect(chooseLevel(f, [0.01, 0.01])).toBe(3);
    expect(chooseLevel(f, [0.1, 0.5])).toBe(1); // the finer axis decides
  });
});

describe('stridedPlane and gatherTile', () => {
  it('reads the same plane as planeOf for every displayed pair of a 3D stack', () => {
    const a = ramp([5, 7, 9]);
    for (const displayed of [[1, 2], [0, 2], [2, 0], [0, 1]] as [number, number][]) {
      const step = [3, 4, 6];
      const expected = planeOf(a, step, displayed);
      const plane = stridedPlane(a, step, displayed);
      const out = new Uint16Array(plane.rows * plane.cols);
      gatherTile(plane, 0, 0, plane.rows, plane.cols, 1, out);
      expect(Array.from(out)).toEqual(Array.from(expected.data as Uint16Array));
    }
  });

  it('samples the middle of each step × step block; past the edge, the last middle inside', () => {
    const a = ramp([10, 11]);
    const plane = stridedPlane(a, [0, 0], [0, 1]);
    const step = 4;
    const rows = Math.ceil(10 / step);
    const cols = Math.ceil(11 / step);
    const out = new Uint16Array(rows * cols);
    gatherTile(plane, 0, 0, rows, cols, step, out);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // Rows 2, 6, then 10 is past the last row 9: row 6 again. Columns 2, 6, 10.
        const sr = Math.min(6, r * step + 2);
        const sc = Math.min(10, c * step + 2);
        expect(out[r * cols + c]).toBe(a.data[sr * 11 + sc]);
      }
    }
  });

  it('keeps RGB channels together and converts 64-bit integers to float', () => {
    const rgb = ramp([6, 8, 3], 'uint8');
    const plane = stridedPlane(rgb, [0, 0], [0, 1], 3);
    const out = new Uint8Array(2 * 3 * 3);
    gatherTile(plane, 1, 1, 2, 3, 2, out);
    // texel (0, 0) of the tile = source pixel (1*2+1, 1*2+1) = (3, 3)
    expect(Array.from(out.subarray(0, 3))).toEqual(Array.from((rgb.data as Uint8Array).subarray((3 * 8 + 3) * 3, (3 * 8 + 3) * 3 + 3)));
    const big = ramp([4, 4], 'int64');
    const f = new Float32Array(16);
    gatherTile(stridedPlane(big, [0, 0], [0, 1]), 0, 0, 4, 4, 1, f);
    expect(Array.from(f)).toEqual(Array.from(big.data as BigInt64Array, Number));
  });
});
