// Scribbles derived from nuclei2d's ground truth with a fixed seed (`request["seed"]`), as a
// Python prelude for runPython: defines img (float32), lab, h, w and scrib (0 unlabelled,
// 1 background, 2 nucleus): a cross through the interior of 20 nuclei, and 30 background
// strokes of 40 px kept where they are more than 4 px from any nucleus.
export const SCRIBBLES = `
import tifffile
from scipy import ndimage as ndi
root = os.environ["SEGLAB_DATA"]
img = tifffile.imread(os.path.join(root, "nuclei2d/image.tif")).astype(np.float32)
lab = tifffile.imread(os.path.join(root, "nuclei2d/labels.tif"))
rng = np.random.default_rng(request["seed"])
h, w = lab.shape
scrib = np.zeros(lab.shape, np.uint8)  # 0 unlabelled, 1 background, 2 nucleus
ids = rng.choice(np.unique(lab[lab > 0]), 20, replace=False)
for i in ids:  # a cross through the nucleus' interior (eroded by 2 px)
    inner = ndi.binary_erosion(lab == i, iterations=2)
    ys, xs = np.nonzero(inner)
    if len(ys) == 0: continue
    y, x = int(np.median(ys)), int(np.median(xs))
    scrib[y, xs[ys == y]] = 2
    scrib[ys[xs == x], x] = 2
far = ndi.distance_transform_edt(lab == 0) > 4
for _ in range(30):  # background strokes: 40 px segments, kept where far from nuclei
    y, x = int(rng.integers(0, h)), int(rng.integers(0, w - 40))
    seg = far[y, x:x + 40]
    scrib[y, x:x + 40][seg] = 1
`;

/** F1 of the pixels where `pred` equals `positive`, against the non-zero pixels of `truth`. */
export function foregroundF1(pred: Uint8Array, positive: number, truth: Uint8Array): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] === positive;
    const t = truth[i] !== 0;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return (2 * tp) / (2 * tp + fp + fn);
}
