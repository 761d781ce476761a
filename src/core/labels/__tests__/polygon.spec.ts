// Covers src/core/labels/polygon.ts: parity with skimage.draw.polygon on convex, concave,
// self-intersecting and half-pixel polygons, clipping, and outlines of real nuclei.
import { polygonPixels } from '../polygon';
import { itWithReference, numbersOf, runReference } from './pythonReference';

describe('polygonPixels', () => {
  const pixels = ([rr, cc]: [Int32Array, Int32Array]) => Array.from(rr, (r, k) => `${r},${cc[k]}`);

  it('covers pixel centres inside and on the boundary, in row-major order', () => {
    // Corners at pixel centres (1,1)..(3,3): edges and vertices count as inside.
    expect(pixels(polygonPixels([1, 1, 3, 3], [1, 3, 3, 1]))).toEqual(['1,1', '1,2', '1,3', '2,1', '2,2', '2,3', '3,1', '3,2', '3,3']);
    // Half-pixel corners: exactly the 2x2 pixel centres within.
    expect(pixels(polygonPixels([0.5, 0.5, 2.5, 2.5], [0.5, 2.5, 2.5, 0.5]))).toEqual(['1,1', '1,2', '2,1', '2,2']);
  });

  it('keeps only the vertices of a flat polygon, and nothing outside the shape', () => {
    expect(polygonPixels([], [])[0].length).toBe(0);
    expect(pixels(polygonPixels([2, 2, 2], [0, 5, 9]))).toEqual(['2,0', '2,5', '2,9']);
    expect(polygonPixels([2.5, 2.5, 2.5], [0, 5, 9])[0].length).toBe(0);
    expect(polygonPixels([50, 60, 60], [50, 50, 60], [10, 10])[0].length).toBe(0);
  });

  it('rejects mismatched or non-finite coordinates', () => {
    expect(() => polygonPixels([1, 2], [1])).toThrow(/as many row as column/);
    expect(() => polygonPixels([1, 2, NaN], [1, 2, 3])).toThrow(/finite/);
  });

  itWithReference('matches skimage.draw.polygon exactly', () => {
    const polygons: Array<{ r: number[]; c: number[]; shape: [number, number] | null }> = [
      { r: [1, 2, 8], c: [1, 7, 4], shape: null }, // skimage's docstring example
      { r: [2.5, 2.5, 12.5, 12.5], c: [3.5, 14.5, 14.5, 3.5], shape: [20, 20] }, // half-pixel square
      { r: [0, 20, 20, 10, 0], c: [0, 0, 20, 10, 20], shape: [25, 25] }, // concave (notch)
      { r: [1, 15, 1, 15], c: [1, 15, 15, 1], shape: [20, 20] }, // self-intersecting bow tie
      { r: [3, 30, 8, 25, 12.5], c: [10, 12, 28.5, 2, 27], shape: [32, 32] }, // pentagram
      { r: [-5.3, 12.7, 30.2], c: [4.4, -8.1, 40.6], shape: [20, 25] }, // clipped on all sides
      { r: [4.5, 4.5, 9.5, 9.5, 6.5], c: [2.5, 9.5, 9.5, 2.5, 6], shape: [12, 12] }, // vertices at halves
      { r: [0.2, 7.9, 7.9, 0.2], c: [0.3, 0.3, 0.7, 0.7], shape: [10, 10] }, // thinner than a pixel
      { r: [1, 1, 3, 3], c: [1, 3, 3, 1], shape: null }, // edges through pixel centres
      { r: [2, 2, 2], c: [0, 5, 9], shape: null }, // flat: vertices only
      { r: [0, 6, 12, 6], c: [6, 12, 6, 0], shape: [13, 13] }, // diamond: diagonal edges through centres
      { r: [1e-13, 5, 9.9999999999999], c: [2, 8.0000000000001, 2], shape: [12, 12] } // within vertex eps
    ];
    const ref = runReference(
      `
from skimage.draw import polygon
for i, p in enumerate(arg):
    rr, cc = polygon(np.array(p["r"]), np.array(p["c"]), shape=tuple(p["shape"]) if p["shape"] else None)
    emit(f"rr{i}", rr.astype(np.int64)); emit(f"cc{i}", cc.astype(np.int64))
`,
      polygons
    );
    polygons.forEach((p, i) => {
      const [rr, cc] = polygonPixels(p.r, p.c, p.shape ?? undefined);
      expect({ p, rows: Array.from(rr), cols: Array.from(cc) }).toEqual({ p, rows: numbersOf(ref[`rr${i}`]), cols: numbersOf(ref[`cc${i}`]) });
    });
  });

  itWithReference('matches skimage.draw.polygon on 60 random polygons (integer, half and arbitrary vertices)', () => {
    const ref = runReference(`
from skimage.draw import polygon
rng = np.random.default_rng(7)
for i in range(60):
    n = int(rng.integers(3, 12))
    v = rng.uniform(-4, 44, size=(n, 2))
    if i % 3 == 0: v = np.round(v)
    if i % 3 == 1: v = np.round(v * 2) / 2
    rr, cc = polygon(v[:, 0], v[:, 1], shape=(40, 40))
    emit(f"v{i}", v); emit(f"rr{i}", rr.astype(np.int64)); emit(f"cc{i}", cc.astype(np.int64))
`);
    for (let i = 0; i < 60; i++) {
      const flat = Array.from(ref[`v${i}`].data as Float64Array);
      const [rr, cc] = polygonPixels(
        flat.filter((_, k) => k % 2 === 0),
        flat.filter((_, k) => k % 2 === 1),
        [40, 40]
      );
      expect({ i, rows: Array.from(rr), cols: Array.from(cc) }).toEqual({ i, rows: numbersOf(ref[`rr${i}`]), cols: numbersOf(ref[`cc${i}`]) });
    }
  });

  itWithReference('matches skimage.draw.polygon on the outlines of real nuclei (nuclei2d)', () => {
    // Sub-pixel outlines from skimage.measure.find_contours of 10 nuclei, rasterised by both.
    const ref = runReference(`
import tifffile
from skimage.draw import polygon
from skimage.measure import find_contours
lab = tifffile.imread(os.path.join(DATA, "nuclei2d/labels.tif"))
for i, v in enumerate(np.unique(lab)[1::12][:10]):
    contour = max(find_contours((lab == v).astype(float), 0.5), key=len)
    rr, cc = polygon(contour[:, 0], contour[:, 1], shape=lab.shape)
    emit(f"v{i}", contour); emit(f"rr{i}", rr.astype(np.int64)); emit(f"cc{i}", cc.astype(np.int64))
`);
    for (let i = 0; i < 10; i++) {
      const vertices = ref[`v${i}`];
      const flat = Array.from(vertices.data as Float64Array);
      const rows = flat.filter((_, k) => k % 2 === 0);
      const cols = flat.filter((_, k) => k % 2 === 1);
      const [rr, cc] = polygonPixels(rows, cols, [512, 512]);
      expect(rr.length).toBeGreaterThan(20);
      expect(Array.from(rr)).toEqual(numbersOf(ref[`rr${i}`]));
      expect(Array.from(cc)).toEqual(numbersOf(ref[`cc${i}`]));
    }
  });
});
