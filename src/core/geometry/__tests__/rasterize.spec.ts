// Covers src/core/geometry/rasterize.ts: pixel-exact parity with skimage.draw (polygon, ellipse,
// line) run in the same test, on seeded random shapes and on nucleus outlines from real data.
import { Ellipse } from '../ellipse';
import { Point2 } from '../primitives';
import { bresenhamLine, ellipseMask, pathMask, polygonMask, roundHalfEven } from '../rasterize';
import { itWithPython, nonzeroIndices, runPython, seededRandom } from './pythonReference';

const SHAPE: [number, number] = [40, 50];

/** Random polygons with coordinates on a half-pixel grid (many vertices and edges exactly on pixel centres), some leaving the image. */
function randomPolygons(count: number, seed: number): Point2[][] {
  const rand = seededRandom(seed);
  const polygons: Point2[][] = [];
  for (let k = 0; k < count; k++) {
    const n = 3 + Math.floor(rand() * 8);
    const quantum = k % 3 === 0 ? 0.5 : k % 3 === 1 ? 1 : 0; // 0: arbitrary floats
    const q = (x: number): number => (quantum ? Math.round(x / quantum) * quantum : x);
    const polygon: Point2[] = [];
    for (let i = 0; i < n; i++) polygon.push([q(rand() * 56 - 8), q(rand() * 66 - 8)]);
    polygons.push(polygon);
  }
  return polygons;
}

describe('rasterisation parity with scikit-image', () => {
  itWithPython('polygon parity test')('fills polygons exactly as skimage.draw.polygon2mask (random, concave, self-intersecting, clipped)', () => {
    const polygons = randomPolygons(300, 7);
    polygons.push([[0, 0], [0, 49], [39, 49], [39, 0]]); // the whole image
    polygons.push([[5, 5], [5, 5], [5, 5]]); // degenerate: a single point
    polygons.push([[-10, -10], [-10, -2], [-2, -2]]); // entirely outside
    const expected = runPython<number[][]>(
      [
        'from skimage.draw import polygon2mask',
        'out = [np.flatnonzero(polygon2mask(data["shape"], np.array(p, dtype=float))).tolist() for p in data["polygons"]]',
        'print(json.dumps(out))'
      ].join('\n'),
      { shape: SHAPE, polygons }
    );
    const ours = polygons.map(p => nonzeroIndices(polygonMask(p, SHAPE).data as Uint8Array));
    expect(ours).toEqual(expected);
    expect(expected.filter(m => m.length > 0).length).toBeGreaterThan(250); // the cases are not all empty
  });

  itWithPython('real-contour parity test')('fills nucleus outlines traced from nuclei2d/labels.tif exactly as polygon2mask', () => {
    // find_contours gives real, irregular outlines with vertices on half pixels: many edge cases.
    const reference = runPython<{ shape: [number, number]; polygons: number[][][]; masks: number[][] }>(
      [
        'import tifffile',
        'from skimage.measure import find_contours',
        'from skimage.draw import polygon2mask',
        'labels = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d/labels.tif"))',
        'polys, masks = [], []',
        'for value in np.unique(labels)[1:60]:',
        '    contour = max(find_contours((labels == value).astype(float), 0.5), key=len)',
        '    polys.append(contour.tolist())',
        '    masks.append(np.flatnonzero(polygon2mask(labels.shape, contour)).tolist())',
        'print(json.dumps(dict(shape=list(labels.shape), polygons=polys, masks=masks)))'
      ].join('\n'),
      {}
    );
    expect(reference.polygons.length).toBe(59);
    const ours = reference.polygons.map(p => nonzeroIndices(polygonMask(p as unknown as Point2[], reference.shape).data as Uint8Array));
    expect(ours).toEqual(reference.masks);
  });

  itWithPython('ellipse parity test')('fills axis-aligned ellipses exactly as skimage.draw.ellipse', () => {
    const rand = seededRandom(11);
    const ellipses: Ellipse[] = [];
    for (let k = 0; k < 200; k++) {
      const q = (x: number): number => (k % 2 ? Math.round(x * 2) / 2 : x);
      ellipses.push({ center: [q(rand() * 50 - 5), q(rand() * 60 - 5)], radii: [q(rand() * 15 + 0.5), q(rand() * 15 + 0.5)], rotation: 0 });
    }
    const expected = runPython<number[][]>(
      [
        'from skimage.draw import ellipse',
        'out = []',
        'for e in data["ellipses"]:',
        '    m = np.zeros(data["shape"], bool)',
        '    m[ellipse(*e["center"], *e["radii"], shape=data["shape"])] = True',
        '    out.append(np.flatnonzero(m).tolist())',
        'print(json.dumps(out))'
      ].join('\n'),
      { shape: SHAPE, ellipses }
    );
    expect(ellipses.map(e => nonzeroIndices(ellipseMask(e, SHAPE).data as Uint8Array))).toEqual(expected);
  });

  itWithPython('rotated ellipse parity test')('fills rotated ellipses as skimage.draw.ellipse, up to pixels on the outline', () => {
    // sin/cos may differ in the last bit between numpy and V8, which can only flip pixels whose
    // skimage distance is within 1e-9 of 1; the reference reports those and they are excluded.
    const rand = seededRandom(5);
    const ellipses: Ellipse[] = [];
    for (let k = 0; k < 100; k++) {
      ellipses.push({ center: [rand() * 40, rand() * 50], radii: [rand() * 12 + 1, rand() * 12 + 1], rotation: rand() * 8 - 4 });
    }
    const expected = runPython<Array<{ inside: number[]; boundary: number[] }>>(
      [
        'from skimage.draw import ellipse',
        'out = []',
        'rr, cc = np.mgrid[0:data["shape"][0], 0:data["shape"][1]]',
        'for e in data["ellipses"]:',
        '    m = np.zeros(data["shape"], bool)',
        '    m[ellipse(*e["center"], *e["radii"], shape=data["shape"], rotation=e["rotation"])] = True',
        '    a = e["rotation"] % np.pi',
        '    r, c = rr - e["center"][0], cc - e["center"][1]',
        '    d = ((r*np.cos(a) + c*np.sin(a)) / e["radii"][0])**2 + ((r*np.sin(a) - c*np.cos(a)) / e["radii"][1])**2',
        '    out.append(dict(inside=np.flatnonzero(m).tolist(), boundary=np.flatnonzero(abs(d - 1) < 1e-9).tolist()))',
        'print(json.dumps(out))'
      ].join('\n'),
      { shape: SHAPE, ellipses }
    );
    ellipses.forEach((e, k) => {
      const skip = new Set(expected[k].boundary);
      const ours = nonzeroIndices(ellipseMask(e, SHAPE).data as Uint8Array).filter(i => !skip.has(i));
      expect(ours).toEqual(expected[k].inside.filter(i => !skip.has(i)));
    });
    expect(expected.reduce((n, x) => n + x.inside.length, 0)).toBeGreaterThan(10000);
  });

  itWithPython('line parity test')('walks lines exactly as skimage.draw.line, in order, in every octant', () => {
    const rand = seededRandom(3);
    const lines: number[][] = [[0, 0, 0, 0], [2, 3, 2, 9], [9, 3, 2, 3], [0, 0, 5, 5], [5, 5, 0, 0]];
    for (let k = 0; k < 300; k++) lines.push([0, 0, 0, 0].map(() => Math.floor(rand() * 60 - 10)));
    const expected = runPython<number[][][]>(
      'from skimage.draw import line\nprint(json.dumps([[a.tolist() for a in line(*l)] for l in data["lines"]]))',
      { lines }
    );
    const ours = lines.map(([r0, c0, r1, c1]) => {
      const l = bresenhamLine(r0, c0, r1, c1);
      return [l.rows, l.cols];
    });
    expect(ours).toEqual(expected);
  });

  itWithPython('path parity test')('draws paths as napari path_to_mask: clipped, rounded half-to-even, joined by skimage.draw.line', () => {
    const rand = seededRandom(9);
    const paths: Point2[][] = [[[0.5, 0.5], [2.5, 7.5], [3.5, -4]]]; // halves: round to even
    for (let k = 0; k < 150; k++) {
      const n = 2 + Math.floor(rand() * 5);
      const path: Point2[] = [];
      for (let i = 0; i < n; i++) path.push([rand() * 60 - 10, rand() * 70 - 10]);
      paths.push(path);
    }
    const expected = runPython<number[][]>(
      [
        'from skimage.draw import line',
        'shape = np.array(data["shape"])',
        'out = []',
        'for p in data["paths"]:',
        '    v = np.round(np.clip(np.array(p), 0, shape - 1)).astype(int)',
        '    m = np.zeros(shape, bool)',
        '    for a, b in zip(v[:-1], v[1:]):',
        '        m[line(*a, *b)] = True',
        '    out.append(np.flatnonzero(m).tolist())',
        'print(json.dumps(out))'
      ].join('\n'),
      { shape: SHAPE, paths }
    );
    expect(paths.map(p => nonzeroIndices(pathMask(p, SHAPE).data as Uint8Array))).toEqual(expected);
  });
});

describe('rasterisation details', () => {
  it('rounds halves to the even neighbour as numpy does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, 2, 3]);
  });

  it('draws a path whose vertices all round to one pixel as that pixel', () => {
    expect(nonzeroIndices(pathMask([[2.2, 3.1], [1.8, 2.9]], [4, 5]).data as Uint8Array)).toEqual([2 * 5 + 3]);
  });

  it('closes a path back to its first vertex when asked', () => {
    const open = nonzeroIndices(pathMask([[0, 0], [0, 4], [4, 4]], [5, 5]).data as Uint8Array);
    const closed = nonzeroIndices(pathMask([[0, 0], [0, 4], [4, 4]], [5, 5], true).data as Uint8Array);
    expect(closed.filter(i => !open.includes(i))).toEqual([6, 12, 18]); // the diagonal back to (0, 0)
  });

  it('rejects a mask shape that is not two positive integers, and fractional line ends', () => {
    expect(() => polygonMask([[0, 0], [1, 1], [0, 1]], [0, 5])).toThrow(/two positive integers/);
    expect(() => bresenhamLine(0, 0.5, 3, 3)).toThrow(/integer line ends/);
  });
});
