// micro-sam's tiling (src/core/sam/tiling.ts): the grid, choosing a tile for a prompt, mapping
// prompts into it and pasting its mask back; on nuclei2d's ground truth, objects that cross an
// inner-tile border come back whole from the tile chosen for their box.
import { itWithReference, runReference } from '../../labels/__tests__/pythonReference';
import { cropPlane, maskToTile, pasteTileMask, planTiling, promptToTile, tileAt, tileGrid, TilingRequiredError } from '../tiling';

describe('tileGrid', () => {
  it('covers the plane with inner blocks from the top-left, outer = inner + halo clipped', () => {
    const g = tileGrid([500, 300], [200, 128], [32, 16]);
    expect([g.rows, g.columns, g.tiles.length]).toEqual([3, 3, 9]);
    expect(g.tiles[0]).toMatchObject({ id: 0, inner: [0, 0, 200, 128], outer: [0, 0, 232, 144] });
    expect(g.tiles[4]).toMatchObject({ id: 4, row: 1, column: 1, inner: [200, 128, 400, 256], outer: [168, 112, 432, 272] });
    expect(g.tiles[8]).toMatchObject({ inner: [400, 256, 500, 300], outer: [368, 240, 500, 300] });
    // Every pixel in exactly one inner block.
    const hits = new Uint8Array(500 * 300);
    for (const t of g.tiles) for (let y = t.inner[0]; y < t.inner[2]; y++) for (let x = t.inner[1]; x < t.inner[3]; x++) hits[y * 300 + x]++;
    expect(hits.every(v => v === 1)).toBe(true);
    expect(tileAt(g, 399, 128).id).toBe(4);
    expect(tileAt(g, 400, 127).id).toBe(6);
    expect(() => tileGrid([10, 10], [0, 5])).toThrow(RangeError);
  });

  it('planTiling: explicit tiling only; huge planes need it', () => {
    expect(planTiling([2000, 3000])).toBeNull();
    expect(planTiling([20000, 20000], { tileShape: [1024, 1024], halo: [256, 256] })!.tiles.length).toBe(400);
    expect(() => planTiling([20000, 20000])).toThrow(TilingRequiredError);
    expect(() => planTiling([20000, 20000])).toThrow(/tileShape \[1024, 1024\] with halo \[256, 256\]/);
    expect(planTiling([20000, 20000], { allowDownscale: true })).toBeNull();
  });
});

describe('promptToTile', () => {
  const g = tileGrid([400, 400], [200, 200], [50, 50]);

  it('points: the tile of their (positive) mean, mapped to its frame; points outside dropped', () => {
    const r = promptToTile(g, { points: [[210, 190], [230, 195], [10, 390]], labels: [1, 1, 0] });
    expect(r.tile.id).toBe(1); // mean of the positives (220, 192.5) -> row 0, column 1
    expect(r.tile.outer).toEqual([0, 150, 250, 400]);
    expect(r.prompt.points).toEqual([[60, 190], [80, 195]]);
    expect(r.prompt.labels).toEqual([1, 1]);
    expect(r.droppedPoints).toBe(1);
    expect(r.originalSize).toEqual([250, 250]);
  });

  it('a box: the tile of its centre; one that does not fit goes to the tile holding most of it, clipped', () => {
    const fits = promptToTile(g, { box: [180, 170, 240, 230] });
    expect(fits.tile.id).toBe(3); // centre (210, 200): row 1, column 1
    expect(fits.prompt.box).toEqual([30, 20, 90, 80]);
    expect(fits.boxClipped).toBe(false);
    const wide = promptToTile(g, { box: [20, 20, 300, 60] }); // centre in tile 0, 280 px wide
    expect(wide.tile.id).toBe(0);
    expect(wide.boxClipped).toBe(true);
    expect(wide.prompt.box).toEqual([20, 20, 250, 60]);
    const skewed = promptToTile(g, { box: [100, 20, 390, 60] }); // centre column 245 -> tile 1 holds more
    expect(skewed.tile.id).toBe(1);
    expect(skewed.prompt.box).toEqual([0, 20, 240, 60]);
  });
});

describe('cropPlane / pasteTileMask', () => {
  it('round-trip a tile of an RGB plane and a mask', () => {
    const rgb = new Uint8Array(5 * 4 * 3).map((_, i) => i);
    const crop = cropPlane(rgb, [5, 4], [1, 1, 3, 4], 3);
    expect(Array.from(crop.subarray(0, 3))).toEqual([15, 16, 17]);
    expect(crop.length).toBe(2 * 3 * 3);
    const g = tileGrid([5, 4], [2, 2], [1, 1]);
    const t = g.tiles[3];
    const local = new Uint8Array((t.outer[2] - t.outer[0]) * (t.outer[3] - t.outer[1])).fill(1);
    const full = pasteTileMask(local, t, [5, 4]);
    expect(full.reduce((a, b) => a + b, 0)).toBe(local.length);
    expect(full[t.outer[0] * 4 + t.outer[1]]).toBe(1);
    expect(full[0]).toBe(0);
  });
});

describe('tiling on nuclei2d ground truth', () => {
  itWithReference('objects crossing inner borders come back whole from the tile of their box', () => {
    const ref = runReference(`
import tifffile
emit("labels", tifffile.imread(os.path.join(DATA, "nuclei2d", "labels.tif")).astype(np.int32))
`);
    const labels = ref.labels.data as Int32Array;
    const [h, w] = ref.labels.shape as [number, number];
    const g = tileGrid([h, w], [128, 128], [32, 32]);
    let crossing = 0;
    let whole = 0;
    const ids = [...new Set(labels)].filter(v => v > 0);
    for (const id of ids) {
      const mask = labels.map(v => (v === id ? 1 : 0)) as unknown as Uint8Array;
      const m = Uint8Array.from(mask);
      let [y0, x0, y1, x1] = [h, w, -1, -1];
      for (let i = 0; i < m.length; i++) {
        if (!m[i]) continue;
        const y = Math.floor(i / w);
        const x = i % w;
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y + 1);
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x + 1);
      }
      const { tile, prompt, boxClipped } = promptToTile(g, { box: [x0, y0, x1, y1] });
      const inner = tile.inner;
      if (!(y0 >= inner[0] && x0 >= inner[1] && y1 <= inner[2] && x1 <= inner[3])) crossing++;
      expect(boxClipped).toBe(false); // 32 px of halo hold every nucleus here
      expect(prompt.box).toEqual([x0 - tile.outer[1], y0 - tile.outer[0], x1 - tile.outer[1], y1 - tile.outer[0]]);
      // What a perfect tile-local segmentation would return, pasted back: the whole object.
      const local = cropPlane(m, [h, w], tile.outer);
      const back = pasteTileMask(local, tile, [h, w]);
      if (back.every((v, i) => v === m[i])) whole++;
      expect(maskToTile(g, m)!.localMask.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    console.log(`nuclei2d, tiles 128² + halo 32: ${crossing} of ${ids.length} nuclei cross an inner-tile border; ${whole} of ${ids.length} pasted back whole`);
    expect(crossing).toBeGreaterThan(10);
    expect(whole).toBe(ids.length);
  });
});
