// Covers src/viewer/render/textureFormats.ts: WebGL2 texture format per dtype (no-copy vs float32 conversion) and tileGrid.
import { DType, DTYPES, typedArrayConstructor } from '../../../core/dtypes';
import { NDArray } from '../../../core/ndarray';
import { textureFormatFor, tileGrid } from '../textureFormats';

// WebGL2 constants from the spec (not imported from the module under test).
const GL = {
  BYTE: 0x1400, UNSIGNED_BYTE: 0x1401, SHORT: 0x1402, UNSIGNED_SHORT: 0x1403, INT: 0x1404,
  UNSIGNED_INT: 0x1405, FLOAT: 0x1406, RED: 0x1903, RGB: 0x1907, RGBA: 0x1908,
  RED_INTEGER: 0x8d94, RGB_INTEGER: 0x8d98, RGBA_INTEGER: 0x8d99,
  R8UI: 0x8232, R8I: 0x8231, R16UI: 0x8234, R16I: 0x8233, R32UI: 0x8236, R32I: 0x8235, R32F: 0x822e,
  RGB8UI: 0x8d7d, RGBA8UI: 0x8d7c, RGB32F: 0x8815, RGBA32F: 0x8814
};

function gray(dtype: DType, values: number[]): NDArray {
  const Ctor = typedArrayConstructor(dtype);
  const data = new Ctor(values.length);
  values.forEach((v, i) => (data[i] = (dtype === 'int64' || dtype === 'uint64' ? BigInt(v) : v) as never));
  return { dtype, shape: [1, values.length], data };
}

describe('textureFormatFor, grayscale', () => {
  it.each([
    ['bool', GL.R8UI, GL.UNSIGNED_BYTE, 'uint'],
    ['uint8', GL.R8UI, GL.UNSIGNED_BYTE, 'uint'],
    ['int8', GL.R8I, GL.BYTE, 'int'],
    ['uint16', GL.R16UI, GL.UNSIGNED_SHORT, 'uint'],
    ['int16', GL.R16I, GL.SHORT, 'int'],
    ['uint32', GL.R32UI, GL.UNSIGNED_INT, 'uint'],
    ['int32', GL.R32I, GL.INT, 'int']
  ])('%s uses a native integer texture on the same typed array', (dtype, internalFormat, type, sampler) => {
    const a = gray(dtype as DType, [0, 1, 2, 3]);
    const f = textureFormatFor(a, false);
    expect(f).toMatchObject({ internalFormat, format: GL.RED_INTEGER, type, sampler, channels: 1 });
    expect(f.pixels).toBe(a.data);
  });

  it('float32 uses R32F on the same array', () => {
    const a = gray('float32', [0.5, -1, NaN, 1e30]);
    const f = textureFormatFor(a, false);
    expect(f).toMatchObject({ internalFormat: GL.R32F, format: GL.RED, type: GL.FLOAT, sampler: 'float', channels: 1 });
    expect(f.pixels).toBe(a.data);
  });

  it.each([
    ['float64', [0.5, -1.25, 1e6, 3]],
    ['int64', [-(2 ** 31) - 5, 0, 7, 2 ** 40]],
    ['uint64', [0, 1, 65536, 2 ** 33]]
  ])('%s is converted to an equal-valued Float32Array, leaving the original intact', (dtype, values) => {
    const a = gray(dtype as DType, values);
    const before = Array.from(a.data as ArrayLike<number | bigint>);
    const f = textureFormatFor(a, false);
    expect(f).toMatchObject({ internalFormat: GL.R32F, format: GL.RED, type: GL.FLOAT, sampler: 'float', channels: 1 });
    expect(f.pixels).toBeInstanceOf(Float32Array);
    expect(f.pixels).not.toBe(a.data);
    expect(Array.from(f.pixels as Float32Array)).toEqual(values.map(v => Math.fround(v)));
    expect(Array.from(a.data as ArrayLike<number | bigint>)).toEqual(before);
  });

  it('has a format for every dtype, with one element per pixel', () => {
    for (const dtype of DTYPES) {
      const f = textureFormatFor(gray(dtype, [1, 2, 3]), false);
      expect(f.pixels.length).toBe(3);
      expect(f.channels).toBe(1);
    }
  });
});

describe('textureFormatFor, RGB(A)', () => {
  it.each([
    [3, GL.RGB8UI, GL.RGB_INTEGER],
    [4, GL.RGBA8UI, GL.RGBA_INTEGER]
  ])('uint8 with %i channels uses an integer texture on the same array', (channels, internalFormat, format) => {
    const a: NDArray = { dtype: 'uint8', shape: [2, 2, channels], data: new Uint8Array(4 * channels) };
    const f = textureFormatFor(a, true);
    expect(f).toMatchObject({ internalFormat, format, type: GL.UNSIGNED_BYTE, sampler: 'uint', channels });
    expect(f.pixels).toBe(a.data);
  });

  it.each([
    [3, GL.RGB32F, GL.RGB],
    [4, GL.RGBA32F, GL.RGBA]
  ])('float with %i channels uses a float texture', (channels, internalFormat, format) => {
    const f32: NDArray = { dtype: 'float32', shape: [1, 2, channels], data: new Float32Array(2 * channels).fill(0.25) };
    const f = textureFormatFor(f32, true);
    expect(f).toMatchObject({ internalFormat, format, type: GL.FLOAT, sampler: 'float', channels });
    expect(f.pixels).toBe(f32.data);

    const values = Array.from({ length: 2 * channels }, (_, i) => i / 10);
    const f64: NDArray = { dtype: 'float64', shape: [1, 2, channels], data: new Float64Array(values) };
    const g = textureFormatFor(f64, true);
    expect(g).toMatchObject({ internalFormat, format, channels });
    expect(g.pixels).toBeInstanceOf(Float32Array);
    expect(Array.from(g.pixels as Float32Array)).toEqual(values.map(Math.fround));
  });
});

describe('tileGrid', () => {
  // Exactly-once coverage: every tile inside the image, tiles pairwise disjoint, areas summing to the image.
  function coversExactlyOnce(rows: number, cols: number, tile: number): boolean {
    const tiles = tileGrid(rows, cols, tile);
    for (const t of tiles) {
      expect(t.rows).toBeGreaterThan(0);
      expect(t.cols).toBeGreaterThan(0);
      expect(t.rows).toBeLessThanOrEqual(tile);
      expect(t.cols).toBeLessThanOrEqual(tile);
      if (t.row < 0 || t.col < 0 || t.row + t.rows > rows || t.col + t.cols > cols) return false;
    }
    for (let i = 0; i < tiles.length; i++) {
      for (let j = i + 1; j < tiles.length; j++) {
        const [a, b] = [tiles[i], tiles[j]];
        const overlapRows = Math.min(a.row + a.rows, b.row + b.rows) - Math.max(a.row, b.row);
        const overlapCols = Math.min(a.col + a.cols, b.col + b.cols) - Math.max(a.col, b.col);
        if (overlapRows > 0 && overlapCols > 0) return false;
      }
    }
    return tiles.reduce((s, t) => s + t.rows * t.cols, 0) === rows * cols;
  }

  it('covers 10000 x 7000 with 4096 tiles exactly once', () => {
    const tiles = tileGrid(10000, 7000, 4096);
    expect(tiles).toHaveLength(6); // 3 row bands x 2 column bands
    expect(tiles.map(t => [t.row, t.col, t.rows, t.cols])).toEqual([
      [0, 0, 4096, 4096], [0, 4096, 4096, 2904],
      [4096, 0, 4096, 4096], [4096, 4096, 4096, 2904],
      [8192, 0, 1808, 4096], [8192, 4096, 1808, 2904]
    ]);
    expect(coversExactlyOnce(10000, 7000, 4096)).toBe(true);
  });

  it.each([
    [1, 1, 4096],
    [4096, 4096, 4096],
    [4097, 1, 4096],
    [37, 53, 8],
    [16, 16, 4]
  ])('covers %i x %i with tile %i exactly once', (rows, cols, tile) => {
    expect(coversExactlyOnce(rows, cols, tile)).toBe(true);
    expect(tileGrid(rows, cols, tile)).toHaveLength(Math.ceil(rows / tile) * Math.ceil(cols / tile));
  });

  it('returns a single tile when the image fits', () => {
    expect(tileGrid(512, 300, 4096)).toEqual([{ row: 0, col: 0, rows: 512, cols: 300 }]);
  });
});
