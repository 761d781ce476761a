// Covers src/core/labels/contours.ts: napari's contour rule (get_contours) on small planes,
// at the image border, for 64-bit and negative ids, and against scipy on real nuclei.
import { contourMask } from '../contours';
import { itWithReference, runReference } from './pythonReference';

const grid = (rows: string[]) => rows.map(r => r.split('').map(Number)).flat();

describe('contourMask', () => {
  it('marks object pixels with a differently labelled 4-neighbour (thickness 1)', () => {
    const plane = Uint8Array.from(
      grid(['00000', '01110', '01110', '01110', '00000'])
    );
    expect(Array.from(contourMask(plane, 5, 5, 1))).toEqual(grid(['00000', '01110', '01010', '01110', '00000']));
  });

  it('does not treat the image border as a boundary (scipy reflect mode)', () => {
    const plane = new Uint16Array(16).fill(3);
    expect(Array.from(contourMask(plane, 4, 4, 1)).every(v => v === 0)).toBe(true);
  });

  it('marks both sides where two objects touch, never the background', () => {
    const plane = Uint8Array.from(grid(['1122', '1122']));
    expect(Array.from(contourMask(plane, 2, 4, 1))).toEqual(grid(['0110', '0110']));
  });

  it('widens the inner side with the thickness', () => {
    const plane = Uint8Array.from(grid(['0000000', '0111110', '0111110', '0111110', '0111110', '0111110', '0000000']));
    expect(Array.from(contourMask(plane, 7, 7, 2))).toEqual(
      grid(['0000000', '0111110', '0111110', '0110110', '0111110', '0111110', '0000000'])
    );
  });

  it('handles uint64 ids above 2^53 and negative int32 ids', () => {
    const big = 2n ** 60n;
    const wide = BigUint64Array.from([0n, big, big, big + 1n]);
    expect(Array.from(contourMask(wide, 1, 4, 1))).toEqual([0, 1, 1, 1]);
    const signed = Int32Array.from([-5, -5, -5, -5, -5, -5, -5, -5, 0]);
    // A negative id is an object; only its pixels next to the 0 change label.
    expect(Array.from(contourMask(signed, 3, 3, 1))).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 0]);
  });

  it('rejects a wrong size or thickness', () => {
    expect(() => contourMask(new Uint8Array(5), 2, 3, 1)).toThrow(/2x3 plane needs 6 elements/);
    expect(() => contourMask(new Uint8Array(6), 2, 3, 0)).toThrow(/thickness/);
    expect(() => contourMask(new Uint8Array(6), 2, 3, 1.5)).toThrow(/thickness/);
  });

  itWithReference('matches napari get_contours (scipy grey_dilation/grey_erosion) on nuclei2d', () => {
    const thicknesses = [1, 2, 3, 5];
    // napari/layers/labels/_labels_utils.py get_contours, as an independent reference; plus
    // the 4-neighbour rule computed with shifted copies for thickness 1.
    const ref = runReference(
      `
import tifffile
from scipy import ndimage as ndi
lab = tifffile.imread(os.path.join(DATA, "nuclei2d/labels.tif"))
emit("labels", lab)
for t in arg:
    cross = ndi.generate_binary_structure(2, 1)
    thick = ndi.iterate_structure(cross, t).astype(bool)
    contours = lab.copy()
    contours[ndi.grey_dilation(lab, footprint=cross) == ndi.grey_erosion(lab, footprint=thick)] = 0
    emit(f"t{t}", contours != 0)
p = np.pad(lab, 1, mode="symmetric")
differs = (p[:-2, 1:-1] != lab) | (p[2:, 1:-1] != lab) | (p[1:-1, :-2] != lab) | (p[1:-1, 2:] != lab)
emit("neighbours", differs & (lab != 0))
`,
      thicknesses
    );
    const labels = ref.labels;
    const [rows, cols] = labels.shape;
    for (const t of thicknesses) {
      const ours = contourMask(labels.data, rows, cols, t);
      const expected = ref[`t${t}`].data as Uint8Array;
      let mismatches = 0;
      for (let i = 0; i < ours.length; i++) if (ours[i] !== expected[i]) mismatches++;
      expect({ t, mismatches }).toEqual({ t, mismatches: 0 });
      expect(ours.reduce((a, v) => a + v, 0)).toBeGreaterThan(1000);
    }
    expect(Buffer.compare(Buffer.from(contourMask(labels.data, rows, cols, 1)), Buffer.from(ref.neighbours.data as Uint8Array))).toBe(0);
  });

  itWithReference('matches scipy when the thickness exceeds a small plane', () => {
    const ref = runReference(`
from scipy import ndimage as ndi
rng = np.random.default_rng(3)
lab = rng.integers(0, 4, size=(3, 5)).astype(np.int32)
emit("labels", lab)
cross = ndi.generate_binary_structure(2, 1)
for t in (4, 7):
    thick = ndi.iterate_structure(cross, t).astype(bool)
    c = lab.copy(); c[ndi.grey_dilation(lab, footprint=cross) == ndi.grey_erosion(lab, footprint=thick)] = 0
    emit(f"t{t}", c != 0)
`);
    for (const t of [4, 7]) {
      expect(Array.from(contourMask(ref.labels.data, 3, 5, t))).toEqual(Array.from(ref[`t${t}`].data as Uint8Array));
    }
  });
});
