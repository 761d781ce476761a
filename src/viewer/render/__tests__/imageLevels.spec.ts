// Covers src/viewer/render/imageLevels.ts and tileGeometry.ts: every tile of every level of a
// plane, read the way WebGL unpacks it, reassembles the level exactly (level 0 = the plane,
// virtual levels = nearest-neighbour samples, the user's levels = their own arrays), halos hold
// the neighbours' texels, and tile rectangles tile the image without gaps or overlaps.
import { DType, TypedArray, typedArrayConstructor } from '../../../core/dtypes';
import { NDArray } from '../../../core/ndarray';
import { planeOf } from '../../../core/slicing';
import { ImageLayer } from '../../model/imageLayer';
import { ImageRegion, LazyImageSource } from '../../model/lazyImage';
import { planePyramid, PlaneLevel, TileUpload } from '../imageLevels';
import { intersect, quadFor, tileRect, tilesInRect, tileTexels } from '../tileGeometry';

const TILE = 64;

function ramp(shape: number[], dtype: 'uint16' | 'float64' | 'uint8' = 'uint16'): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new (typedArrayConstructor(dtype))(n);
  for (let i = 0; i < n; i++) data[i] = (i * 13) % 251;
  return { dtype, shape, data };
}

/** Texel (r, c, ch) of an upload as WebGL reads it (UNPACK_ROW_LENGTH / SKIP_* semantics). */
function texel(up: TileUpload, r: number, c: number, channels: number, ch = 0): number {
  if (!up.unpack) return Number(up.pixels[(r * up.cols + c) * channels + ch]);
  const { rowLength, skipRows, skipPixels } = up.unpack;
  return Number(up.pixels[((skipRows + r) * rowLength + skipPixels + c) * channels + ch]);
}

/** A tile that is here (resident images always are; lazy ones once their region arrived). */
function readNow(level: PlaneLevel, index: { tr: number; tc: number }): TileUpload {
  const up = level.read(index);
  if (up === null || up instanceof Error) throw new Error(`tile ${index.tr}, ${index.tc} is not here: ${up}`);
  return up;
}

/** The level reassembled from its tiles (halos dropped). */
function assemble(level: PlaneLevel, channels: number): number[] {
  const out = new Array<number>(level.rows * level.cols * channels).fill(NaN);
  for (const index of tilesInRect(level, { top: 0, left: 0, bottom: level.rows0, right: level.cols0 }, TILE)) {
    const up = readNow(level, index);
    const [rows, cols] = tileTexels(level, index, TILE);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        for (let ch = 0; ch < channels; ch++) {
          out[((index.tr * TILE + r) * level.cols + index.tc * TILE + c) * channels + ch] = texel(up, r + up.halo[1], c + up.halo[0], channels, ch);
        }
      }
    }
  }
  return out;
}

describe('planePyramid of a single-scale image', () => {
  const image = ramp([3, 300, 200]);
  const layer = new ImageLayer(image, { id: 'a', name: 'a' });
  const step = [2, 0, 0];
  const pyramid = planePyramid(layer, step, [1, 2], TILE);

  it('adds 2^k virtual levels until one tile holds the plane', () => {
    expect(pyramid.levels.map(l => [l.rows, l.cols, ...l.factor])).toEqual([
      [300, 200, 1, 1],
      [150, 100, 2, 2],
      [75, 50, 4, 4],
      [38, 25, 8, 8]
    ]);
  });

  it('reassembles level 0 as the plane and each virtual level as its block-centre samples', () => {
    const plane = planeOf(image, step, [1, 2]).data;
    expect(assemble(pyramid.levels[0], 1)).toEqual(Array.from(plane as Uint16Array));
    for (const level of pyramid.levels.slice(1)) {
      const s = level.factor[0];
      const expected: number[] = [];
      for (let r = 0; r < level.rows; r++) {
        // Block centres; past the edge, the last centre inside the image.
        const last = (n: number) => s / 2 + Math.floor((n - 1 - s / 2) / s) * s;
        for (let c = 0; c < level.cols; c++) expected.push(plane[Math.min(last(300), r * s + s / 2) * 200 + Math.min(last(200), c * s + s / 2)] as number);
      }
      expect(assemble(level, 1)).toEqual(expected);
    }
  });

  it('uploads level-0 tiles in place and gives each tile a one-texel halo from its neighbours', () => {
    const level = pyramid.levels[0];
    const inner = readNow(level, { tr: 1, tc: 1 });
    expect(inner.unpack).toBeDefined();
    expect(inner.halo).toEqual([1, 1]);
    expect([inner.rows, inner.cols]).toEqual([TILE + 2, TILE + 2]);
    const plane = planeOf(image, step, [1, 2]).data;
    // texel (0, 0) of the texture is plane pixel (TILE - 1, TILE - 1): the corner neighbour
    expect(texel(inner, 0, 0, 1)).toBe(plane[(TILE - 1) * 200 + TILE - 1]);
    const corner = readNow(level, { tr: 0, tc: 0 });
    expect(corner.halo).toEqual([0, 0]);
    expect([corner.rows, corner.cols]).toEqual([TILE + 1, TILE + 1]);
  });
});

describe('planePyramid of a multiscale image', () => {
  it('uses the given levels (Z kept or halved) and slices each at its own Z', () => {
    const levels = [ramp([8, 256, 256]), ramp([4, 128, 128]), ramp([4, 64, 64])];
    const layer = new ImageLayer(levels, { id: 'm', name: 'm' });
    expect(layer.multiscale).toBe(true);
    expect(layer.data).toBe(levels[0]);
    const pyramid = planePyramid(layer, [5, 0, 0], [1, 2], TILE);
    expect(pyramid.levels.map(l => [l.rows, l.factor[0]])).toEqual([[256, 1], [128, 2], [64, 4]]);
    expect(assemble(pyramid.levels[1], 1)).toEqual(Array.from(planeOf(levels[1], [2, 0, 0], [1, 2]).data as Uint16Array));
    expect(assemble(pyramid.levels[2], 1)).toEqual(Array.from(planeOf(levels[2], [2, 0, 0], [1, 2]).data as Uint16Array));
  });

  it('converts float64 to float32 and keeps RGB channels', () => {
    const f = new ImageLayer(ramp([100, 90], 'float64'), { id: 'f', name: 'f' });
    const level = planePyramid(f, [0, 0], [0, 1], TILE).levels[0];
    expect(readNow(level, { tr: 0, tc: 0 }).pixels).toBeInstanceOf(Float32Array);
    expect(assemble(level, 1)).toEqual(Array.from(f.data.data as Float64Array, v => Math.fround(v)));
    const rgb = new ImageLayer(ramp([100, 90, 3], 'uint8'), { id: 'c', name: 'c' });
    const rgbLevel = planePyramid(rgb, [0, 0], [0, 1], TILE).levels[0];
    expect(assemble(rgbLevel, 3)).toEqual(Array.from(rgb.data.data as Uint8Array));
  });

  it('refuses levels that do not shrink, with the level named', () => {
    expect(() => new ImageLayer([ramp([64, 64]), ramp([64, 64])], { id: 'x', name: 'x' })).toThrow(/level 1/);
    expect(() => new ImageLayer([], { id: 'x', name: 'x' })).toThrow(/at least one array/);
  });
});

describe('tile rectangles', () => {
  it('cover each level exactly once, virtual levels clipped at the image edge', () => {
    const layer = new ImageLayer(ramp([300, 203]), { id: 'g', name: 'g' });
    for (const level of planePyramid(layer, [0, 0], [0, 1], TILE).levels) {
      const all = tilesInRect(level, { top: 0, left: 0, bottom: 300, right: 203 }, TILE);
      const area = all.map(i => tileRect(level, i, TILE)).reduce((s, r) => s + (r.bottom - r.top) * (r.right - r.left), 0);
      expect(area).toBe(300 * 203);
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) expect(intersect(tileRect(level, all[i], TILE), tileRect(level, all[j], TILE))).toBeNull();
      }
    }
  });

  it('finds only the tiles meeting a view rectangle, and maps a part of a coarse tile to its texels', () => {
    const layer = new ImageLayer(ramp([512, 512]), { id: 'v', name: 'v' });
    const [l0, l1] = planePyramid(layer, [0, 0], [0, 1], TILE).levels;
    expect(tilesInRect(l0, { top: 70, left: 130, bottom: 100, right: 140 }, TILE)).toEqual([{ tr: 1, tc: 2 }]);
    expect(tilesInRect(l0, { top: -50, left: -50, bottom: -1, right: 600 }, TILE)).toEqual([]);
    // The level-0 tile (1, 2) covers [64, 128) × [128, 192); at level 1 that is texels [32, 64) × [64, 96) of tile (0, 1).
    const quad = quadFor(l1, { tr: 0, tc: 1 }, tileRect(l0, { tr: 1, tc: 2 }, TILE), [1, 0], TILE);
    expect(quad).toEqual({ rect: { top: 64, left: 128, bottom: 128, right: 192 }, texelOrigin: [1 + 0, 32], texelExtent: [32, 32] });
  });
});

/**
 * A lazy source over arrays in memory with numpy's slicing semantics (a[start:stop:step] per
 * axis, the colour axis whole), answering each region the second time it is asked, as the
 * kernel answers a tile request a little later. Counts what it was asked.
 */
class SlicingSource implements LazyImageSource {
  readonly dtype: DType;
  readonly shapes: number[][];
  readonly asked: ImageRegion[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly arrays: NDArray[], private readonly channels = 0) {
    this.dtype = arrays[0].dtype;
    this.shapes = arrays.map(a => [...a.shape]);
  }

  region(r: ImageRegion): TypedArray | null {
    const key = JSON.stringify(r);
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.asked.push(r);
      return null;
    }
    const a = this.arrays[r.level];
    const strides = a.shape.map((_, i) => a.shape.slice(i + 1).reduce((x, y) => x * y, 1));
    const counts = r.start.map((s, i) => Math.ceil((r.stop[i] - s) / r.step[i]));
    const ch = Math.max(1, this.channels);
    const out = new (typedArrayConstructor(a.dtype))(counts.reduce((x, y) => x * y, 1) * ch);
    let o = 0;
    const walk = (axis: number, offset: number): void => {
      if (axis === counts.length) {
        for (let c = 0; c < ch; c++) out[o++] = a.data[offset + c];
        return;
      }
      for (let k = 0; k < counts[axis]; k++) walk(axis + 1, offset + (r.start[axis] + k * r.step[axis]) * strides[axis]);
    };
    walk(0, 0);
    return out;
  }

  valueAt(): number[] | null {
    return null;
  }
}

/** Asks every tile once (the source starts fetching), then reassembles the level. */
function assembleLazy(level: PlaneLevel, channels: number): number[] {
  for (const index of tilesInRect(level, { top: 0, left: 0, bottom: level.rows0, right: level.cols0 }, TILE)) {
    expect(level.read(index)).toBeNull(); // not here yet: the renderer draws a coarser level meanwhile
  }
  return assemble(level, channels);
}

describe('planePyramid of a lazy image', () => {
  it.each([
    ['a 3D stack, displayed in order', [3, 300, 200], [2, 0, 0], [1, 2] as [number, number]],
    ['the same stack transposed', [3, 300, 200], [1, 0, 0], [2, 1] as [number, number]],
    ['an XZ cut', [40, 150, 130], [0, 77, 0], [0, 2] as [number, number]]
  ])('%s: every level, virtual ones included, equals the resident pyramid of the same array', (_, shape, step, displayed) => {
    const array = ramp(shape);
    const source = new SlicingSource([array]);
    const lazy = planePyramid(new ImageLayer(source, { id: 'z', name: 'z' }), step, displayed, TILE);
    const resident = planePyramid(new ImageLayer(array, { id: 'r', name: 'r' }), step, displayed, TILE);
    expect(lazy.levels.map(l => [l.rows, l.cols, ...l.factor])).toEqual(resident.levels.map(l => [l.rows, l.cols, ...l.factor]));
    lazy.levels.forEach((level, i) => expect(assembleLazy(level, 1)).toEqual(assemble(resident.levels[i], 1)));
    // One region per tile, each just the texels it needs: at most (TILE + 2)² values.
    for (const r of source.asked) {
      const n = r.start.map((s, i) => Math.ceil((r.stop[i] - s) / r.step[i])).reduce((x, y) => x * y, 1);
      expect(n).toBeLessThanOrEqual((TILE + 2) ** 2);
    }
  });

  it('reads a multiscale pyramid level by level, float64 converted and RGB channels kept', () => {
    const levels = [ramp([200, 180], 'float64'), ramp([100, 90], 'float64')];
    const lazy = planePyramid(new ImageLayer(new SlicingSource(levels), { id: 'f', name: 'f' }), [0, 0], [0, 1], TILE);
    const resident = planePyramid(new ImageLayer(levels, { id: 'g', name: 'g' }), [0, 0], [0, 1], TILE);
    lazy.levels.forEach((level, i) => expect(assembleLazy(level, 1)).toEqual(assemble(resident.levels[i], 1)));
    const rgb = ramp([100, 90, 3], 'uint8');
    const lazyRgb = planePyramid(new ImageLayer(new SlicingSource([rgb], 3), { id: 'c', name: 'c' }), [0, 0], [0, 1], TILE);
    expect(assembleLazy(lazyRgb.levels[0], 3)).toEqual(Array.from(rgb.data as Uint8Array));
  });

  it('is validated on its shapes alone, and has no pixels to hand out in the browser', () => {
    const layer = new ImageLayer(new SlicingSource([ramp([64, 64])]), { id: 'l', name: 'big' });
    expect(layer.lazy).not.toBeNull();
    expect(() => layer.data).toThrow(/lazy: its pixels stay in the kernel/);
    expect(layer.levels).toEqual([]);
    expect(() => new ImageLayer(new SlicingSource([ramp([64, 64]), ramp([64, 64])]), { id: 'x', name: 'x' })).toThrow(/level 1/);
  });
});
