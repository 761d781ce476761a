// Prompts from masks (src/core/sam/promptsFromMask.ts, distance.ts) against micro-sam's
// definitions (prompt_based_segmentation.py: _compute_box_from_mask/_process_box,
// _compute_points_from_mask, _compute_logits_from_mask) reimplemented here on scipy, skimage
// and torch, on the ground-truth nuclei of nuclei2d and of nuclei3d's middle slice.
import { itWithReference, runReference } from '../../labels/__tests__/pythonReference';
import { distanceTransformEdt, gaussianSigma1, peakLocalMax } from '../distance';
import { boxFromMask, logitsFromMask, pointsFromMask, promptFromMask } from '../promptsFromMask';

const REFERENCE = `
import tifffile, torch
import torch.nn.functional as F
from scipy.ndimage import distance_transform_edt
from skimage.feature import peak_local_max
from skimage.filters import gaussian
from skimage.segmentation import find_boundaries

def box_from_mask(mask, ext):  # _compute_box_from_mask + _process_box
    ys, xs = np.where(mask == 1)
    box = np.array([ys.min(), xs.min(), ys.max() + 1, xs.max() + 1])
    if ext == 0:
        ey = ex = 0
    elif ext >= 1:
        ey = ex = ext
    else:
        ey, ex = ext * (box[2] - box[0]), ext * (box[3] - box[1])
    b = np.array([max(box[1] - ex, 0), max(box[0] - ey, 0), min(box[3] + ex, mask.shape[1]), min(box[2] + ey, mask.shape[0])])
    return np.round(b).astype(int)

def points_from_mask(mask, ext, single):  # _compute_points_from_mask, original_size=None
    box = box_from_mask(mask, ext)
    crop = mask[box[1]:box[3], box[0]:box[2]]
    offset = np.array([box[1], box[0]])
    distances = gaussian(distance_transform_edt(find_boundaries(crop, mode="outer") == 0))
    inner = distances.copy(); inner[~crop.astype(bool)] = 0.0
    if single:
        c = np.unravel_index(inner.argmax(), inner.shape)
        return (np.array(c) + offset)[None][:, ::-1], np.ones(1, np.uint8)
    outer = distances.copy(); outer[crop.astype(bool)] = 0.0
    pos = peak_local_max(inner, exclude_border=False, min_distance=3)
    neg = peak_local_max(outer, exclude_border=False, min_distance=5)
    pts = np.concatenate([pos, neg]).astype(np.float64) + offset
    return pts[:, ::-1], np.concatenate([np.ones(len(pos), np.uint8), np.zeros(len(neg), np.uint8)])

def logits_from_mask(mask, eps=1e-3):  # _compute_logits_from_mask (apply_image_torch = antialiased bilinear)
    logits = np.zeros(mask.shape, dtype="float32")
    logits[mask == 1] = 1 - eps
    logits[mask == 0] = eps
    logits = np.log(logits / (1 - logits))
    h, w = mask.shape
    s = 256 / max(h, w)
    th, tw = int(h * s + 0.5), int(w * s + 0.5)
    t = F.interpolate(torch.from_numpy(logits[None, None]), (th, tw), mode="bilinear", align_corners=False, antialias=True)[0, 0].numpy()
    out = np.zeros((256, 256), np.float32); out[:th, :tw] = t
    return out

lab2 = tifffile.imread(os.path.join(DATA, "nuclei2d", "labels.tif")).astype(np.int32)
lab3 = tifffile.imread(os.path.join(DATA, "nuclei3d", "labels.tif")).astype(np.int32)[15]
ids2 = np.random.default_rng(0).choice(np.unique(lab2)[1:], 25, replace=False)
ids3 = np.unique(lab3)[1:]
cases = [(lab2, i) for i in ids2] + [(lab3, i) for i in ids3]
boxes, singles, pts, lbls, counts, logits, degenerate = [], [], [], [], [], [], []
for lab, i in cases:
    m = (lab == i).astype(np.uint8)
    for ext in (0, 0.05, 2):
        boxes.append(box_from_mask(m, ext))
        bb = boxes[-1]
        # A mask filling its box has no outer boundary there: scipy then measures distances to an
        # arbitrary point, where SegLab deliberately differs (see pointsFromMask); not compared.
        degenerate.append(not find_boundaries(m[bb[1]:bb[3], bb[0]:bb[2]], mode="outer").any())
        for single in (True, False):
            p, l = points_from_mask(m, ext, single)
            pts.append(p); lbls.append(l); counts.append(len(l))
    logits.append(logits_from_mask(m))
fg = (lab2 > 0).astype(np.uint8)
edt = distance_transform_edt(fg)
g = gaussian(edt)
emit("lab2", lab2); emit("lab3", lab3)
emit("cases", np.array([[0 if k < len(ids2) else 1, i] for k, (_, i) in enumerate(cases)]))
emit("boxes", np.array(boxes)); emit("points", np.concatenate(pts)); emit("labels", np.concatenate(lbls))
emit("counts", np.array(counts)); emit("degenerate", np.array(degenerate)); emit("logits", np.array(logits))
emit("edt", edt); emit("gauss", g); emit("peaks", peak_local_max(g, exclude_border=False, min_distance=3))
`;

describe('prompts from a mask = micro-sam definitions (scipy / skimage / torch)', () => {
  itWithReference(
    'EDT, Gaussian, peaks, boxes, points and mask logits on real nuclei',
    () => {
      const ref = runReference(REFERENCE);
      const [H, W] = ref.lab2.shape;
      const lab2 = ref.lab2.data as Int32Array;
      const lab3 = ref.lab3.data as Int32Array;

      // Whole-plane operators: exact.
      const fg = lab2.map(v => (v > 0 ? 1 : 0));
      const edt = distanceTransformEdt(fg, H, W);
      const refEdt = ref.edt.data as Float64Array;
      let edtErr = 0;
      for (let i = 0; i < edt.length; i++) edtErr = Math.max(edtErr, Math.abs(edt[i] - refEdt[i]));
      const g = gaussianSigma1(edt, H, W);
      const refG = ref.gauss.data as Float64Array;
      let gErr = 0;
      for (let i = 0; i < g.length; i++) gErr = Math.max(gErr, Math.abs(g[i] - refG[i]));
      const peaks = peakLocalMax(g, H, W, 3);
      const refPeaks = Array.from(ref.peaks.data as BigInt64Array, Number);
      console.log(`EDT max |error| ${edtErr}, Gaussian max |error| ${gErr}, ${peaks.length} peaks (scipy/skimage: ${refPeaks.length / 2})`);
      expect(edtErr).toBe(0);
      expect(gErr).toBe(0);
      expect(peaks.flat()).toEqual(refPeaks);

      // Per object.
      const cases = Array.from(ref.cases.data as BigInt64Array, Number);
      const boxes = Array.from(ref.boxes.data as BigInt64Array, Number);
      const points = ref.points.data as Float64Array;
      const labels = ref.labels.data as Uint8Array;
      const counts = Array.from(ref.counts.data as BigInt64Array, Number);
      const logits = ref.logits.data as Float32Array;
      let b = 0;
      let p = 0;
      let c = 0;
      let logitErr = 0;
      let nPoints = 0;
      let skipped = 0;
      const degenerate = ref.degenerate.data as Uint8Array;
      for (let k = 0; k < cases.length / 2; k++) {
        const [lab, h, w] = cases[2 * k] === 0 ? [lab2, H, W] : [lab3, ref.lab3.shape[0], ref.lab3.shape[1]];
        const id = cases[2 * k + 1];
        const mask = new Uint8Array(h * w);
        for (let i = 0; i < mask.length; i++) mask[i] = lab[i] === id ? 1 : 0;
        for (const ext of [0, 0.05, 2]) {
          expect(boxFromMask(mask, h, w, ext)).toEqual(boxes.slice(4 * b, 4 * b + 4));
          const skip = degenerate[b++] === 1;
          for (const singlePoint of [true, false]) {
            const ours = pointsFromMask(mask, h, w, { boxExtension: ext, singlePoint });
            const n = counts[c++];
            if (skip) {
              skipped++;
              p += n;
              continue;
            }
            const theirs = Array.from({ length: n }, (_, j) => [points[2 * (p + j)], points[2 * (p + j) + 1]]);
            expect({ object: id, ext, singlePoint, points: ours.points }).toEqual({ object: id, ext, singlePoint, points: theirs });
            expect(ours.labels).toEqual(Array.from(labels.subarray(p, p + n)));
            p += n;
            nPoints += n;
          }
        }
        const mine = logitsFromMask(mask, h, w);
        const theirs = logits.subarray(k * 65536, (k + 1) * 65536);
        for (let i = 0; i < mine.length; i++) logitErr = Math.max(logitErr, Math.abs(mine[i] - theirs[i]));
      }
      console.log(`${cases.length / 2} objects: boxes and ${nPoints} points identical (${skipped} point sets of masks filling their box not compared); mask logits max |error| ${logitErr.toExponential(2)} (values ±6.9068)`);
      // torch computes the float32 input's interpolation in float32: upscaling nuclei3d's 61 × 57
      // planes it is 2.8e-5 off its own float64 result; ours is computed in float64.
      expect(logitErr).toBeLessThan(5e-5);
    },
    120000
  );
});

describe('promptFromMask', () => {
  const h = 40;
  const w = 50;
  const mask = new Uint8Array(h * w);
  for (let y = 10; y < 25; y++) for (let x = 12; x < 30; x++) if ((y - 17) ** 2 + (x - 21) ** 2 < 50) mask[y * w + x] = 1;

  it('builds the prompts of each projection mode', () => {
    const box = boxFromMask(mask, h, w, 0)!;
    expect(promptFromMask(mask, h, w, 'box')).toEqual({ box });
    const m = promptFromMask(mask, h, w, 'mask')!;
    expect(m.box).toEqual(box);
    expect(m.maskInput!.length).toBe(256 * 256);
    expect(m.points).toBeUndefined();
    const pm = promptFromMask(mask, h, w, 'points_and_mask')!;
    expect(pm.box).toBeUndefined();
    expect(pm.labels!.filter(l => l === 1).length).toBeGreaterThan(0);
    expect(pm.maskInput).toBeDefined();
    const sp = promptFromMask(mask, h, w, 'single_point')!;
    expect(sp.points!.length).toBe(1);
    expect(sp.points![0]).toEqual([21, 17]);
    expect(promptFromMask(new Uint8Array(h * w), h, w, 'points')).toBeNull();
    expect(() => promptFromMask(mask, h, w, 'nope' as never)).toThrow(/unknown projection/);
  });

  it('a mask that fills its box measures distances to the box outside', () => {
    const rect = new Uint8Array(h * w);
    for (let y = 5; y < 16; y++) for (let x = 7; x < 20; x++) rect[y * w + x] = 1;
    expect(pointsFromMask(rect, h, w, { singlePoint: true }).points).toEqual([[13, 10]]);
  });
});
