// Covers src/core/labels/brush.ts: the disc/ellipse/ball footprint (parity with
// skimage.draw.disk and skimage.draw.ellipse, clipping as skimage's `shape`), stroke
// interpolation as napari's interpolate_coordinates, gap-free strokes, and bad input.
import { brushFootprint, roundHalfEven, strokeCenters } from '../brush';
import { itWithReference, numbersOf, runReference } from './pythonReference';

const pairs = (coords: Int32Array[]): string[] => Array.from(coords[0], (_, k) => coords.map(c => c[k]).join(','));

describe('brushFootprint', () => {
  it('is the centre pixel alone for size 1 at a pixel centre', () => {
    expect(pairs(brushFootprint([4, 7], 1))).toEqual(['4,7']);
  });

  it('is a 2x2 block for size 2 centred on a pixel corner', () => {
    expect(pairs(brushFootprint([4.5, 7.5], 2))).toEqual(['4,7', '4,8', '5,7', '5,8']);
  });

  it('is a 3x3 block for size 3 at a pixel centre', () => {
    // Radius 1.5: the 8 neighbours are within 1.41, the pixels 2 away are not.
    expect(pairs(brushFootprint([5, 5], 3)).length).toBe(9);
  });

  it('clips to the shape as skimage does', () => {
    const all = pairs(brushFootprint([0, 0], 5));
    const clipped = pairs(brushFootprint([0, 0], 5, { shape: [10, 10] }));
    expect(clipped).toEqual(all.filter(p => p.split(',').every(v => Number(v) >= 0)));
    expect(brushFootprint([-20, -20], 5, { shape: [10, 10] })[0].length).toBe(0);
  });

  it('paints a ball in 3D', () => {
    const ball = brushFootprint([5, 5, 5], 3);
    expect(ball.length).toBe(3);
    // Radius 1.5 in 3D: centre, 6 faces, 12 edges (1.41); not the 8 corners (1.73).
    expect(ball[0].length).toBe(1 + 6 + 12);
  });

  it('is round in world space for anisotropic pixels', () => {
    // Rows 2x coarser than columns: half as many pixels along rows.
    const f = brushFootprint([10, 10], 9, { scale: [2, 1] });
    const rows = new Set(f[0]);
    const cols = new Set(f[1]);
    expect(cols.size).toBe(9);
    expect(rows.size).toBe(5);
  });

  it('rejects sizes below 1 and non-finite input', () => {
    expect(() => brushFootprint([1, 1], 0.5)).toThrow(/brush size must be a finite number >= 1, got 0.5/);
    expect(() => brushFootprint([1, 1], NaN)).toThrow(/brush size/);
    expect(() => brushFootprint([1, NaN], 3)).toThrow(/centre/);
    expect(() => brushFootprint([1, 1], 3, { scale: [1] })).toThrow(/scale/);
  });

  itWithReference('matches skimage.draw.disk / ellipse pixel for pixel', () => {
    const diameters = [1, 2, 3, 4.5, 5, 7.25, 10, 17, 40];
    const centers = [[20, 20], [20.5, 20.5], [20.3, 19.7], [0.2, 3.9], [29.6, 15.49], [-3.2, 10]];
    const scales = [[1, 1], [1, 2.5], [3, 1]];
    const cases = [];
    for (const d of diameters) for (const c of centers) for (const s of scales) cases.push({ d, c, s, shape: [30, 31] });
    cases.push({ d: 12, c: [5.5, 5.5], s: [1, 1], shape: null });
    const ref = runReference(
      `
from skimage.draw import disk, ellipse
for i, k in enumerate(arg):
    shape = tuple(k["shape"]) if k["shape"] else None
    if k["s"] == [1, 1]:
        rr, cc = disk(tuple(k["c"]), k["d"] / 2, shape=shape)
    else:
        finest = min(k["s"])
        rr, cc = ellipse(k["c"][0], k["c"][1], k["d"] / 2 * finest / k["s"][0], k["d"] / 2 * finest / k["s"][1], shape=shape)
    emit(f"rr{i}", rr.astype(np.int64)); emit(f"cc{i}", cc.astype(np.int64))
`,
      cases
    );
    cases.forEach((k, i) => {
      const ours = brushFootprint(k.c, k.d, { scale: k.s, shape: k.shape ?? undefined });
      expect({ k, rows: Array.from(ours[0]), cols: Array.from(ours[1]) }).toEqual({
        k,
        rows: numbersOf(ref[`rr${i}`]),
        cols: numbersOf(ref[`cc${i}`])
      });
    });
  }, 60000);

  itWithReference('matches a numpy ball in 3D', () => {
    const cases = [
      { d: 5, c: [4, 4.5, 4.2] },
      { d: 8, c: [6.5, 6.5, 6.5] },
      { d: 3.3, c: [2.1, 7.9, 5] }
    ];
    const ref = runReference(
      `
for i, k in enumerate(arg):
    r = k["d"] / 2
    z, y, x = np.mgrid[0:20, 0:20, 0:20].astype(float)
    inside = ((z - k["c"][0]) / r) ** 2 + ((y - k["c"][1]) / r) ** 2 + ((x - k["c"][2]) / r) ** 2 < 1
    emit(f"p{i}", np.argwhere(inside).astype(np.int64))
`,
      cases
    );
    cases.forEach((k, i) => {
      const ours = brushFootprint(k.c, k.d);
      const expected = numbersOf(ref[`p${i}`]);
      expect(ours[0].length * 3).toBe(expected.length);
      expect(pairs(ours)).toEqual(Array.from({ length: ours[0].length }, (_, j) => expected.slice(3 * j, 3 * j + 3).join(',')));
    });
  });
});

describe('strokeCenters', () => {
  it('stamps only the current point at the start of a stroke', () => {
    expect(strokeCenters(null, [3, 4], 10)).toEqual([[3, 4]]);
  });

  it('steps at most a quarter brush apart and ends exactly at the pointer', () => {
    const centers = strokeCenters([0, 0], [0, 100], 10);
    expect(centers.length).toBe(40);
    expect(centers[0]).toEqual([0, 2.5]);
    expect(centers[39]).toEqual([0, 100]);
  });

  it('uses the longest axis (max norm) as napari does', () => {
    expect(strokeCenters([0, 0], [30, 40], 20).length).toBe(8);
  });

  itWithReference('matches napari interpolate_coordinates (numpy re-implementation)', () => {
    const cases = [
      { a: [1.5, 2.25], b: [17.75, 40.5], d: 7 },
      { a: [100, 100], b: [97.2, 130.9], d: 3 },
      { a: [0, 0], b: [0.1, 0.2], d: 10 },
      { a: [5, 5, 5], b: [9, 25, 1], d: 4 }
    ];
    // napari/layers/labels/_labels_utils.py: interpolate_coordinates, without the dropped
    // single-point case (there napari repeats the old point, we stamp the new one).
    const ref = runReference(
      `
for i, k in enumerate(arg):
    old, new = np.array(k["a"], float), np.array(k["b"], float)
    num_step = round(max(abs(new - old)) / k["d"] * 4)
    coords = np.stack([np.linspace(old[j], new[j], num=int(num_step + 1)) for j in range(len(new))]).T
    emit(f"c{i}", coords[1:] if len(coords) > 1 else new[None])
`,
      cases
    );
    cases.forEach((k, i) => {
      const ours = strokeCenters(k.a, k.b, k.d);
      const expected = Array.from(ref[`c${i}`].data as Float64Array);
      expect(ours.flat().length).toBe(expected.length);
      ours.flat().forEach((v, j) => expect(v).toBeCloseTo(expected[j], 12));
    });
  });

  it('leaves no gap along a fast stroke', () => {
    // One pointer event jumps 200 pixels: every pixel of the path's row must be painted.
    const painted = new Set<string>();
    for (const c of strokeCenters([10, 10], [10, 210], 3)) for (const p of pairs(brushFootprint(c, 3))) painted.add(p);
    for (let col = 10; col <= 210; col++) expect(painted.has(`10,${col}`)).toBe(true);
    // A diagonal stroke with a 1-pixel brush stays 8-connected.
    const diagonal = new Set<string>();
    for (const c of strokeCenters([0, 0], [50, 37], 1)) for (const p of pairs(brushFootprint(c, 1))) diagonal.add(p);
    const cells = [...diagonal].map(p => p.split(',').map(Number));
    for (const [r, c] of cells) {
      if (r === 50 && c === 37) continue;
      const next = cells.some(([r2, c2]) => (r2 !== r || c2 !== c) && Math.abs(r2 - r) <= 1 && Math.abs(c2 - c) <= 1 && r2 + c2 > r + c);
      expect(next).toBe(true);
    }
  });
});

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour like numpy.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 2, -3]);
    expect(Object.is(roundHalfEven(-0.4), 0)).toBe(true);
  });
});
